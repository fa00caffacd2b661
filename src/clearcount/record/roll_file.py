"""Roll files and members' inclusion proofs as JSON (spec §10.4, §12.7).

The service keeps the roll as a JSON file of salted commitments in roll order,
`{"entries": [{"commitment": hex, "status": "eligible" | "ineligible", "weight": w}, ...]}`
(`weight` may be left out when it is 1; a scoped election's eligible entries add `"contests":
[ids]`, spec §10.4.1), whose Merkle root is in the Setup. A member asks for
their inclusion proof; `member_proof` finds their leaf from their salt and member id and returns
the proof document `{"index": i, "size": n, "path": [hex, ...], "status": s, "weight": w}` (plus
`"contests": [ids]` in a scoped election) that `clearcount roll-proof` checks.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from clearcount.core.errors import RecordError
from clearcount.core.json_text import load_json
from clearcount.record import codec
from clearcount.record.roll import InclusionProof, RollEntry, inclusion_proof, member_commitment

__all__ = [
    "member_proof",
    "proof_contests",
    "proof_document",
    "proof_from_document",
    "read_roll_file",
]


def read_roll_file(path: Path) -> tuple[RollEntry, ...]:
    """The roll entries of a roll file; RecordError naming the file and entry if malformed."""
    try:
        document = load_json(path.read_bytes())
    except (OSError, ValueError) as error:
        raise RecordError(f"{path}: cannot read the roll file: {error}") from None
    fields = codec.fields(document, str(path), ("entries",))
    entries = []
    for i, item in enumerate(codec.array(fields["entries"], f"{path}.entries")):
        where = f"{path}.entries[{i}]"
        entry = codec.fields(item, where, _with_weight(item, ("commitment", "status")))
        entries.append(
            RollEntry(
                codec.digest(entry["commitment"], where),
                codec.text(entry["status"], f"{where}.status"),
                codec.integer(entry.get("weight", 1), f"{where}.weight", minimum=1),
                proof_contests(entry, where),
            )
        )
    return tuple(entries)


def _with_weight(item: object, names: tuple[str, ...]) -> tuple[str, ...]:
    """`names`, plus "weight" and "contests" when the object has them (weight may be left out
    when it is 1; contests are a scoped election's, spec §10.4.1)."""
    optional = ("weight", "contests")
    extra = tuple(n for n in optional if isinstance(item, dict) and n in item)
    return (*names, *extra)


def proof_contests(document: object, where: str = "inclusion proof") -> tuple[str, ...] | None:
    """The contests a proof document or roll entry names (a scoped election), or None."""
    if not isinstance(document, dict) or "contests" not in document:
        return None
    return tuple(
        codec.text(c, f"{where}.contests[{i}]")
        for i, c in enumerate(codec.array(document["contests"], f"{where}.contests", least=1))
    )


def proof_document(
    proof: InclusionProof, status: str, weight: int = 1, contests: tuple[str, ...] | None = None
) -> dict[str, object]:
    document: dict[str, object] = {
        "index": proof.index,
        "size": proof.size,
        "path": list(proof.path),
        "status": status,
        "weight": weight,
    }
    if contests is not None:
        document["contests"] = list(contests)
    return document


def proof_from_document(
    document: object, where: str = "inclusion proof"
) -> tuple[InclusionProof, str, int]:
    """(proof, claimed status, claimed weight) from a proof document (weight 1 if left out)."""
    f = codec.fields(document, where, _with_weight(document, ("index", "size", "path", "status")))
    size = codec.integer(f["size"], f"{where}.size", minimum=1)
    path = tuple(
        codec.digest(p, f"{where}.path[{i}]")
        for i, p in enumerate(codec.array(f["path"], f"{where}.path", most=64))
    )
    status = codec.text(f["status"], f"{where}.status")
    weight = codec.integer(f.get("weight", 1), f"{where}.weight", minimum=1)
    return (
        InclusionProof(codec.integer(f["index"], f"{where}.index", maximum=size - 1), size, path),
        status,
        weight,
    )


def member_proof(entries: Sequence[RollEntry], salt: bytes, member_id: str) -> dict[str, object]:
    """The proof document for the member with this salt and id; RecordError if not on the roll."""
    commitment = member_commitment(salt, member_id)
    for index, entry in enumerate(entries):
        if entry.commitment == commitment:
            proof = inclusion_proof(entries, index)
            return proof_document(proof, entry.status, entry.weight, entry.contests)
    raise RecordError(f"member {member_id!r}: no roll entry has this member's commitment")
