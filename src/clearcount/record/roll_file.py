"""Roll files and members' inclusion proofs as JSON (spec §10.4, §12.7).

The service keeps the roll as a JSON file of salted commitments in roll order,
`{"entries": [{"commitment": hex, "status": "eligible" | "ineligible"}, ...]}`, whose Merkle root
is in the Setup. A member asks for their inclusion proof; `member_proof` finds their leaf from
their salt and member id and returns the proof document
`{"index": i, "size": n, "path": [hex, ...], "status": s}` that `clearcount roll-proof` checks.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from clearcount.core.errors import RecordError
from clearcount.record import codec
from clearcount.record.roll import InclusionProof, RollEntry, inclusion_proof, member_commitment

__all__ = ["member_proof", "proof_document", "proof_from_document", "read_roll_file"]


def read_roll_file(path: Path) -> tuple[RollEntry, ...]:
    """The roll entries of a roll file; RecordError naming the file and entry if malformed."""
    try:
        document = json.loads(path.read_bytes())
    except (OSError, ValueError) as error:
        raise RecordError(f"{path}: cannot read the roll file: {error}") from None
    fields = codec.fields(document, str(path), ("entries",))
    entries = []
    for i, item in enumerate(codec.array(fields["entries"], f"{path}.entries")):
        entry = codec.fields(item, f"{path}.entries[{i}]", ("commitment", "status"))
        entries.append(
            RollEntry(
                codec.digest(entry["commitment"], f"{path}.entries[{i}]"),
                codec.text(entry["status"], f"{path}.entries[{i}].status"),
            )
        )
    return tuple(entries)


def proof_document(proof: InclusionProof, status: str) -> dict[str, object]:
    return {"index": proof.index, "size": proof.size, "path": list(proof.path), "status": status}


def proof_from_document(
    document: object, where: str = "inclusion proof"
) -> tuple[InclusionProof, str]:
    """(proof, claimed status) from a proof document."""
    f = codec.fields(document, where, ("index", "size", "path", "status"))
    size = codec.integer(f["size"], f"{where}.size", minimum=1)
    path = tuple(
        codec.digest(p, f"{where}.path[{i}]")
        for i, p in enumerate(codec.array(f["path"], f"{where}.path", most=64))
    )
    status = codec.text(f["status"], f"{where}.status")
    return InclusionProof(
        codec.integer(f["index"], f"{where}.index", maximum=size - 1), size, path
    ), status


def member_proof(entries: Sequence[RollEntry], salt: bytes, member_id: str) -> dict[str, object]:
    """The proof document for the member with this salt and id; RecordError if not on the roll."""
    commitment = member_commitment(salt, member_id)
    for index, entry in enumerate(entries):
        if entry.commitment == commitment:
            return proof_document(inclusion_proof(entries, index), entry.status)
    raise RecordError(f"member {member_id!r}: no roll entry has this member's commitment")
