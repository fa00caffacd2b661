"""Bodies of the events after casting: tally, shuffles, decryptions, result, audit (§11.7-§11.10).

Re-exported by `record.events`, which is the module to import.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Self

from clearcount.core.errors import RecordError
from clearcount.crypto.elgamal import Ciphertext
from clearcount.crypto.group import Point
from clearcount.crypto.proofs.dleq import DleqProof
from clearcount.crypto.proofs.schnorr import SchnorrProof
from clearcount.crypto.shuffle_proof import ShuffleProof
from clearcount.record import codec
from clearcount.record.signing import signed_digest

__all__ = [
    "AUDIT_TOPICS",
    "Audit",
    "DecryptionContest",
    "EncryptedTally",
    "PartialDecryption",
    "Result",
    "ResultContest",
    "Shuffle",
    "TallyContest",
]


def _items(value: object, path: str, *, least: int = 0, most: int | None = None) -> list[Any]:
    return codec.array(value, path, least=least, most=most)


def _hexes(values: tuple[Any, ...]) -> list[str]:
    return [codec.hexify(v) for v in values]


def _schnorr(value: object, path: str) -> SchnorrProof:
    return codec.decoded(value, path, SchnorrProof.from_bytes, 64)


@dataclass(frozen=True, slots=True)
class TallyContest:
    """Per candidate, the sum of counted ciphertexts plus (0, mG) for the paper count m (§11.7)."""

    id: str
    ciphertexts: tuple[Ciphertext, ...]

    def to_body(self) -> dict[str, object]:
        return {"id": self.id, "ciphertexts": _hexes(self.ciphertexts)}

    @classmethod
    def from_body(cls, body: object, path: str) -> Self:
        f = codec.fields(body, path, ("id", "ciphertexts"))
        raw = _items(f["ciphertexts"], f"{path}.ciphertexts", least=1)
        return cls(
            codec.text(f["id"], f"{path}.id"),
            tuple(
                codec.ciphertext(c, f"{path}.ciphertexts[{i}]", allow_identity=True)
                for i, c in enumerate(raw)
            ),
        )


@dataclass(frozen=True, slots=True)
class EncryptedTally:
    """The homomorphic contests' encrypted totals (spec §11.7)."""

    contests: tuple[TallyContest, ...]

    def to_body(self) -> dict[str, object]:
        return {"contests": [c.to_body() for c in self.contests]}

    @classmethod
    def from_body(cls, body: object, where: str) -> Self:
        path = f"{where}: EncryptedTally"
        f = codec.fields(body, path, ("contests",))
        return cls(
            tuple(
                TallyContest.from_body(c, f"{path}.contests[{i}]")
                for i, c in enumerate(_items(f["contests"], f"{path}.contests"))
            )
        )


@dataclass(frozen=True, slots=True)
class Shuffle:
    """One trustee's verifiable shuffle of one mixnet contest's ballot vectors, signed by the
    trustee's own key (purpose `shuffle`, spec §11.8)."""

    contest: str
    trustee: str
    ciphertexts: tuple[tuple[Ciphertext, ...], ...]
    proof: ShuffleProof
    signature: SchnorrProof

    def unsigned_body(self) -> dict[str, object]:
        return {
            "contest": self.contest,
            "trustee": self.trustee,
            "ciphertexts": [_hexes(row) for row in self.ciphertexts],
            "proof": codec.hexify(self.proof),
        }

    def signed_digest(self) -> bytes:
        """What the trustee signs: SHA-256 of JCS(body without `signature`) (spec §11.8)."""
        return signed_digest(self.unsigned_body())

    def to_body(self) -> dict[str, object]:
        return {**self.unsigned_body(), "signature": codec.hexify(self.signature)}

    @classmethod
    def from_body(cls, body: object, where: str) -> Self:
        path = f"{where}: Shuffle"
        f = codec.fields(body, path, ("contest", "trustee", "ciphertexts", "proof", "signature"))
        rows = _items(f["ciphertexts"], f"{path}.ciphertexts", least=1)
        width = len(_items(rows[0], f"{path}.ciphertexts[0]", least=1))
        return cls(
            codec.text(f["contest"], f"{path}.contest"),
            codec.text(f["trustee"], f"{path}.trustee"),
            tuple(
                tuple(
                    codec.ciphertext(c, f"{path}.ciphertexts[{i}][{j}]")
                    for j, c in enumerate(
                        _items(row, f"{path}.ciphertexts[{i}]", least=width, most=width)
                    )
                )
                for i, row in enumerate(rows)
            ),
            codec.decoded(f["proof"], f"{path}.proof", ShuffleProof.from_bytes),
            _schnorr(f["signature"], f"{path}.signature"),
        )


@dataclass(frozen=True, slots=True)
class DecryptionContest:
    """A trustee's shares M = z·pad of a contest's ciphertexts, row-major for mixnet vectors, and
    ONE batched Chaum-Pedersen proof for all of them (spec §4.3.3, §11.9); a ciphertext whose pad
    is the identity gets the identity share, and a contest whose pads are all the identity has
    no proof (None), as its data is already mG."""

    id: str
    shares: tuple[Point, ...]
    proof: DleqProof | None

    def to_body(self) -> dict[str, object]:
        return {
            "id": self.id,
            "shares": _hexes(self.shares),
            "proof": None if self.proof is None else codec.hexify(self.proof),
        }

    @classmethod
    def from_body(cls, body: object, path: str) -> Self:
        f = codec.fields(body, path, ("id", "shares", "proof"))
        raw = _items(f["shares"], f"{path}.shares", least=1)
        proof = f["proof"]
        return cls(
            codec.text(f["id"], f"{path}.id"),
            tuple(
                codec.point(s, f"{path}.shares[{i}]", allow_identity=True)
                for i, s in enumerate(raw)
            ),
            None
            if proof is None
            else codec.decoded(proof, f"{path}.proof", DleqProof.from_bytes, 64),
        )


@dataclass(frozen=True, slots=True)
class PartialDecryption:
    """One trustee's partial decryption of every tally and mixed ballot, signed by the
    trustee's own key (purpose `partial-decryption`, spec §11.9)."""

    trustee: str
    contests: tuple[DecryptionContest, ...]
    signature: SchnorrProof

    def unsigned_body(self) -> dict[str, object]:
        return {"trustee": self.trustee, "contests": [c.to_body() for c in self.contests]}

    def signed_digest(self) -> bytes:
        """What the trustee signs: SHA-256 of JCS(body without `signature`) (spec §11.9)."""
        return signed_digest(self.unsigned_body())

    def to_body(self) -> dict[str, object]:
        return {**self.unsigned_body(), "signature": codec.hexify(self.signature)}

    @classmethod
    def from_body(cls, body: object, where: str) -> Self:
        path = f"{where}: PartialDecryption"
        f = codec.fields(body, path, ("trustee", "contests", "signature"))
        return cls(
            codec.text(f["trustee"], f"{path}.trustee"),
            tuple(
                DecryptionContest.from_body(c, f"{path}.contests[{i}]")
                for i, c in enumerate(_items(f["contests"], f"{path}.contests"))
            ),
            _schnorr(f["signature"], f"{path}.signature"),
        )


@dataclass(frozen=True, slots=True)
class WorkplaceResult:
    """One workplace's figures in a separate-workplace ballot (spec §11.12.3): its electorate,
    its postal papers' tallies per candidate, and the count (with `entitled` = `entitled`)."""

    workplace: str
    entitled: int
    papers: int
    tallies: tuple[int, ...]
    result: Mapping[str, object]

    def to_body(self) -> dict[str, object]:
        return {
            "workplace": self.workplace,
            "entitled": self.entitled,
            "papers": self.papers,
            "tallies": list(self.tallies),
            "result": dict(self.result),
        }

    @classmethod
    def from_body(cls, body: object, path: str) -> Self:
        f = codec.fields(body, path, ("workplace", "entitled", "papers", "tallies", "result"))
        result = f["result"]
        if not isinstance(result, dict):
            raise RecordError(f"{path}.result: expected an object, got {type(result).__name__}")
        return cls(
            codec.text(f["workplace"], f"{path}.workplace"),
            codec.integer(f["entitled"], f"{path}.entitled"),
            codec.integer(f["papers"], f"{path}.papers"),
            tuple(
                codec.integer(t, f"{path}.tallies[{i}]")
                for i, t in enumerate(_items(f["tallies"], f"{path}.tallies"))
            ),
            result,
        )


@dataclass(frozen=True, slots=True)
class ResultContest:
    """Plaintexts and the full count: `tallies` (homomorphic, per candidate) or `rankings`
    (mixnet, per mixed ballot the decrypted rank values, 1-based, 0 = none) and the count as
    `record.result_body.result_body` writes it (spec §11.9)."""

    id: str
    tallies: tuple[int, ...] | None
    rankings: tuple[tuple[int, ...], ...] | None
    result: Mapping[str, object]
    workplaces: tuple[WorkplaceResult, ...] = ()
    """Per workplace of Setup.postal, in its order; empty unless separate or aggregated
    workplace ballots (spec §11.12.3)."""

    def to_body(self) -> dict[str, object]:
        return {
            "id": self.id,
            "tallies": None if self.tallies is None else list(self.tallies),
            "rankings": None if self.rankings is None else [list(r) for r in self.rankings],
            "result": dict(self.result),
            "workplaces": [w.to_body() for w in self.workplaces],
        }

    @classmethod
    def from_body(cls, body: object, path: str) -> Self:
        f = codec.fields(body, path, ("id", "tallies", "rankings", "result", "workplaces"))
        if (f["tallies"] is None) == (f["rankings"] is None):
            raise RecordError(
                f"{path}: expected exactly one of tallies and rankings, got "
                f"{'both' if f['tallies'] is not None else 'neither'}"
            )
        tallies = rankings = None
        if f["tallies"] is not None:
            tallies = tuple(
                codec.integer(t, f"{path}.tallies[{i}]")
                for i, t in enumerate(_items(f["tallies"], f"{path}.tallies"))
            )
        else:
            rankings = tuple(
                tuple(
                    codec.integer(v, f"{path}.rankings[{i}][{j}]")
                    for j, v in enumerate(_items(row, f"{path}.rankings[{i}]"))
                )
                for i, row in enumerate(_items(f["rankings"], f"{path}.rankings"))
            )
        result = f["result"]
        if not isinstance(result, dict):
            raise RecordError(f"{path}.result: expected an object, got {type(result).__name__}")
        workplaces = tuple(
            WorkplaceResult.from_body(w, f"{path}.workplaces[{i}]")
            for i, w in enumerate(_items(f["workplaces"], f"{path}.workplaces"))
        )
        return cls(codec.text(f["id"], f"{path}.id"), tallies, rankings, result, workplaces)


@dataclass(frozen=True, slots=True)
class Result:
    """The declared result of every contest (spec §11.9)."""

    contests: tuple[ResultContest, ...]

    def to_body(self) -> dict[str, object]:
        return {"contests": [c.to_body() for c in self.contests]}

    @classmethod
    def from_body(cls, body: object, where: str) -> Self:
        path = f"{where}: Result"
        f = codec.fields(body, path, ("contests",))
        return cls(
            tuple(
                ResultContest.from_body(c, f"{path}.contests[{i}]")
                for i, c in enumerate(_items(f["contests"], f"{path}.contests"))
            )
        )


AUDIT_TOPICS = ("roll-change", "eligibility", "note")


@dataclass(frozen=True, slots=True)
class Audit:
    """A published decision: a roll change after the freeze date, an eligibility ruling, a note;
    `commitment` and `status` name the roll entry concerned, if any (spec §11.10)."""

    topic: str
    statement: str
    commitment: str | None = None
    status: str | None = None

    def to_body(self) -> dict[str, object]:
        return {
            "topic": self.topic,
            "statement": self.statement,
            "commitment": self.commitment,
            "status": self.status,
        }

    @classmethod
    def from_body(cls, body: object, where: str) -> Self:
        path = f"{where}: Audit"
        f = codec.fields(body, path, ("topic", "statement", "commitment", "status"))
        topic = codec.text(f["topic"], f"{path}.topic")
        if topic not in AUDIT_TOPICS:
            raise RecordError(f"{path}.topic: expected one of {AUDIT_TOPICS}, got {topic!r}")
        status = f["status"]
        if status is not None and status not in ("eligible", "ineligible"):
            raise RecordError(
                f"{path}.status: expected 'eligible', 'ineligible' or null, got {status!r}"
            )
        commitment = f["commitment"]
        return cls(
            topic,
            codec.text(f["statement"], f"{path}.statement"),
            None if commitment is None else codec.digest(commitment, f"{path}.commitment"),
            status,
        )
