"""Typed bodies of the election record's events (spec §10.2, §11): the record's shared schema.

Public API (stable; the verifier and the protocol both build on it):

- one frozen dataclass per event body, each with `to_body() -> dict` (canonical-JSON-able: points,
  scalars, ciphertexts and proofs as lowercase hex) and `from_body(body, where) -> X`, which checks
  every field (type, hex length, canonical group decoding) and raises RecordError naming the
  event and field: `Setup` (with `ContestSpec`, `TrusteeEntry`, `RollCommitment`, `Teller`),
  `Credentials`, `Ballot` (`BallotContest`), `Spoiled` (`SpoiledContest`), `EndBallots`,
  `PaperBatch` (`PaperBallot`), `EncryptedTally` (`TallyContest`), `Shuffle`,
  `PartialDecryption` (`DecryptionContest`), `Result` (`ResultContest`), `Audit`;
- `BODY_TYPES`: event type name -> body class; `parse_body(event) -> body` for any Event;
- `Ballot.signed_digest()`, `PaperBatch.signed_digest()`: the SHA-256 the signatures cover;
- `election_fingerprint(setup_event) -> bytes`: the Setup event's hash (spec §11.1);
- `tracking_code(ballot_event) -> str`: the Ballot event hash for people (spec §11.4);
- `Setup.ceremony_context()`: the context of the trustees' proofs inside Setup (spec §11.2).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol, Self

from clearcount.core.errors import RecordError
from clearcount.crypto.elgamal import Ciphertext
from clearcount.crypto.group import Point, Scalar
from clearcount.crypto.proofs.disjunctive import DisjunctiveProof
from clearcount.crypto.proofs.schnorr import SchnorrProof
from clearcount.record import codec
from clearcount.record.chain import Event
from clearcount.record.postal_body import (
    PaperIssue,
    PaperReplacement,
    PaperReturns,
    PostalRules,
    Workplace,
)
from clearcount.record.setup_body import (
    CHANNELS,
    HOMOMORPHIC_METHODS,
    MIXNET_METHODS,
    ContestSpec,
    RoleEntry,
    RollCommitment,
    RollScope,
    Setup,
    Teller,
    TrusteeEntry,
    TrusteeRole,
)
from clearcount.record.signing import signed_digest as _signed_digest
from clearcount.record.tally_bodies import (
    AUDIT_TOPICS,
    Audit,
    DecryptionContest,
    EncryptedTally,
    PartialDecryption,
    Result,
    ResultContest,
    Shuffle,
    TallyContest,
    WorkplaceResult,
)

__all__ = [
    "AUDIT_TOPICS",
    "BODY_TYPES",
    "CHANNELS",
    "HOMOMORPHIC_METHODS",
    "MIXNET_METHODS",
    "Audit",
    "Ballot",
    "BallotContest",
    "Body",
    "ContestSpec",
    "Credentials",
    "DecryptionContest",
    "EncryptedTally",
    "EndBallots",
    "PaperBallot",
    "PaperBatch",
    "PaperIssue",
    "PaperReplacement",
    "PaperReturns",
    "PartialDecryption",
    "PostalRules",
    "Result",
    "ResultContest",
    "RoleEntry",
    "RollCommitment",
    "RollScope",
    "Setup",
    "Shuffle",
    "Spoiled",
    "SpoiledContest",
    "TallyContest",
    "Teller",
    "TrusteeEntry",
    "TrusteeRole",
    "Workplace",
    "WorkplaceResult",
    "cancellation_digest",
    "election_fingerprint",
    "parse_body",
    "tracking_code",
    "tracking_code_of_hash",
]


class Body(Protocol):
    def to_body(self) -> dict[str, object]: ...


def _items(value: object, path: str, *, least: int = 0, most: int | None = None) -> list[Any]:
    return codec.array(value, path, least=least, most=most)


def _hexes(values: tuple[Any, ...]) -> list[str]:
    return [codec.hexify(v) for v in values]


def _disjunctive(value: object, path: str) -> DisjunctiveProof:
    return codec.decoded(value, path, DisjunctiveProof.from_bytes)


def _schnorr(value: object, path: str) -> SchnorrProof:
    return codec.decoded(value, path, SchnorrProof.from_bytes, 64)


@dataclass(frozen=True, slots=True)
class Credentials:
    """Public credentials S = sG, sorted by encoding, and each one's weight, signed by the
    credential authority (purpose `credential-list`, spec §11.3). In a scoped election (§10.4.1)
    `scopes[i]` is the index in Setup.roll.scopes of credential i's scope: the contests its
    ballot holds; the body has no `scopes` otherwise."""

    credentials: tuple[Point, ...]
    weights: tuple[int, ...]
    signature: SchnorrProof
    scopes: tuple[int, ...] | None = None

    def unsigned_body(self) -> dict[str, object]:
        body: dict[str, object] = {
            "credentials": _hexes(self.credentials),
            "weights": list(self.weights),
        }
        if self.scopes is not None:
            body["scopes"] = list(self.scopes)
        return body

    def signed_digest(self) -> bytes:
        """What the authority signs: SHA-256 of JCS(body without `signature`) (spec §11.3)."""
        return _signed_digest(self.unsigned_body())

    def to_body(self) -> dict[str, object]:
        return {**self.unsigned_body(), "signature": codec.hexify(self.signature)}

    @classmethod
    def from_body(cls, body: object, where: str) -> Self:
        path = f"{where}: Credentials"
        names = ("credentials", "weights", "signature")
        scoped = isinstance(body, dict) and "scopes" in body
        f = codec.fields(body, path, (*names, "scopes") if scoped else names)
        raw = _items(f["credentials"], f"{path}.credentials")
        weights = _items(f["weights"], f"{path}.weights", least=len(raw), most=len(raw))
        if raw != sorted(raw) or len(set(raw)) != len(raw):
            raise RecordError(
                f"{path}.credentials: expected distinct credentials in ascending "
                "order, got them unsorted or repeated"
            )
        scopes = None
        if scoped:
            items = _items(f["scopes"], f"{path}.scopes", least=len(raw), most=len(raw))
            scopes = tuple(codec.integer(x, f"{path}.scopes[{i}]") for i, x in enumerate(items))
        return cls(
            tuple(codec.point(c, f"{path}.credentials[{i}]") for i, c in enumerate(raw)),
            tuple(
                codec.integer(w, f"{path}.weights[{i}]", minimum=1) for i, w in enumerate(weights)
            ),
            _schnorr(f["signature"], f"{path}.signature"),
            scopes,
        )


@dataclass(frozen=True, slots=True)
class BallotContest:
    """One contest of a ballot: ciphertexts, a proof per ciphertext, the sum proof (spec §11.4).

    Homomorphic: one 0/1 ciphertext and zero-one proof per candidate, and `sum_proof` that the
    sum is in [min, max]. Mixnet: `max_ranks` ciphertexts, each with a range proof in [0, k];
    `sum_proof` is None.
    """

    id: str
    ciphertexts: tuple[Ciphertext, ...]
    proofs: tuple[DisjunctiveProof, ...]
    sum_proof: DisjunctiveProof | None

    def to_body(self) -> dict[str, object]:
        return {
            "id": self.id,
            "ciphertexts": _hexes(self.ciphertexts),
            "proofs": _hexes(self.proofs),
            "sum_proof": None if self.sum_proof is None else codec.hexify(self.sum_proof),
        }

    @classmethod
    def from_body(cls, body: object, path: str) -> Self:
        f = codec.fields(body, path, ("id", "ciphertexts", "proofs", "sum_proof"))
        raw = _items(f["ciphertexts"], f"{path}.ciphertexts", least=1)
        proofs = _items(f["proofs"], f"{path}.proofs", least=len(raw), most=len(raw))
        total = f["sum_proof"]
        return cls(
            codec.text(f["id"], f"{path}.id"),
            tuple(codec.ciphertext(c, f"{path}.ciphertexts[{i}]") for i, c in enumerate(raw)),
            tuple(_disjunctive(p, f"{path}.proofs[{i}]") for i, p in enumerate(proofs)),
            None if total is None else _disjunctive(total, f"{path}.sum_proof"),
        )


@dataclass(frozen=True, slots=True)
class Ballot:
    """A cast ballot, signed with the voter's credential (spec §11.4)."""

    credential: Point
    contests: tuple[BallotContest, ...]
    signature: SchnorrProof

    def unsigned_body(self) -> dict[str, object]:
        return {
            "credential": codec.hexify(self.credential),
            "contests": [c.to_body() for c in self.contests],
        }

    def signed_digest(self) -> bytes:
        """What the credential signs: SHA-256 of JCS(body without `signature`) (spec §11.4)."""
        return _signed_digest(self.unsigned_body())

    def to_body(self) -> dict[str, object]:
        return {**self.unsigned_body(), "signature": codec.hexify(self.signature)}

    @classmethod
    def from_body(cls, body: object, where: str) -> Self:
        path = f"{where}: Ballot"
        f = codec.fields(body, path, ("credential", "contests", "signature"))
        contests = _items(f["contests"], f"{path}.contests", least=1)
        return cls(
            codec.point(f["credential"], f"{path}.credential"),
            tuple(
                BallotContest.from_body(c, f"{path}.contests[{i}]") for i, c in enumerate(contests)
            ),
            _schnorr(f["signature"], f"{path}.signature"),
        )


@dataclass(frozen=True, slots=True)
class SpoiledContest:
    """An opened contest: each ciphertext with its plaintext and nonce (spec §11.5)."""

    id: str
    ciphertexts: tuple[Ciphertext, ...]
    plaintexts: tuple[int, ...]
    nonces: tuple[Scalar, ...]

    def to_body(self) -> dict[str, object]:
        return {
            "id": self.id,
            "ciphertexts": _hexes(self.ciphertexts),
            "plaintexts": list(self.plaintexts),
            "nonces": _hexes(self.nonces),
        }

    @classmethod
    def from_body(cls, body: object, path: str) -> Self:
        f = codec.fields(body, path, ("id", "ciphertexts", "plaintexts", "nonces"))
        raw = _items(f["ciphertexts"], f"{path}.ciphertexts", least=1)
        n = len(raw)
        return cls(
            codec.text(f["id"], f"{path}.id"),
            tuple(codec.ciphertext(c, f"{path}.ciphertexts[{i}]") for i, c in enumerate(raw)),
            tuple(
                codec.integer(m, f"{path}.plaintexts[{i}]")
                for i, m in enumerate(
                    _items(f["plaintexts"], f"{path}.plaintexts", least=n, most=n)
                )
            ),
            tuple(
                codec.scalar(r, f"{path}.nonces[{i}]")
                for i, r in enumerate(_items(f["nonces"], f"{path}.nonces", least=n, most=n))
            ),
        )


@dataclass(frozen=True, slots=True)
class Spoiled:
    """A ballot the voter challenged instead of casting; never counted (spec §11.5)."""

    contests: tuple[SpoiledContest, ...]

    def to_body(self) -> dict[str, object]:
        return {"contests": [c.to_body() for c in self.contests]}

    @classmethod
    def from_body(cls, body: object, where: str) -> Self:
        path = f"{where}: Spoiled"
        f = codec.fields(body, path, ("contests",))
        return cls(
            tuple(
                SpoiledContest.from_body(c, f"{path}.contests[{i}]")
                for i, c in enumerate(_items(f["contests"], f"{path}.contests", least=1))
            )
        )


@dataclass(frozen=True, slots=True)
class EndBallots:
    """Casting is closed: the number of Ballot events and the hash of the last (spec §11.6)."""

    ballots: int
    last_ballot: str
    """Event hash of the last Ballot event; 64 zeros when there is none."""

    def to_body(self) -> dict[str, object]:
        return {"ballots": self.ballots, "last_ballot": self.last_ballot}

    @classmethod
    def from_body(cls, body: object, where: str) -> Self:
        path = f"{where}: EndBallots"
        f = codec.fields(body, path, ("ballots", "last_ballot"))
        return cls(
            codec.integer(f["ballots"], f"{path}.ballots"),
            codec.digest(f["last_ballot"], f"{path}.last_ballot"),
        )


@dataclass(frozen=True, slots=True)
class PaperBallot:
    """One paper (or `weight` identical ones): candidate indices, 0-based; ranked in order for a
    mixnet contest, a set (ascending) for a homomorphic one (spec §11.6)."""

    marks: tuple[int, ...]
    weight: int = 1

    def to_body(self) -> dict[str, object]:
        return {"marks": list(self.marks), "weight": self.weight}

    @classmethod
    def from_body(cls, body: object, path: str) -> Self:
        f = codec.fields(body, path, ("marks", "weight"))
        return cls(
            tuple(
                codec.integer(m, f"{path}.marks[{i}]")
                for i, m in enumerate(_items(f["marks"], f"{path}.marks"))
            ),
            codec.integer(f["weight"], f"{path}.weight", minimum=1),
        )


@dataclass(frozen=True, slots=True)
class PaperBatch:
    """Meeting or postal ballots for one contest, signed by two tellers; the credentials it
    cancels are signed by the credential authority (`authority_signature`, null when it cancels
    none; spec §11.6)."""

    channel: str
    contest: str
    ballots: tuple[PaperBallot, ...]
    cancelled_credentials: tuple[Point, ...]
    authority_signature: SchnorrProof | None
    tellers: tuple[str, str]
    signatures: tuple[SchnorrProof, SchnorrProof]
    workplace: str | None = None
    """The workplace of a separate-workplace postal ballot (spec §11.12); None otherwise."""

    def unsigned_body(self) -> dict[str, object]:
        return {
            "channel": self.channel,
            "workplace": self.workplace,
            "contest": self.contest,
            "ballots": [b.to_body() for b in self.ballots],
            "cancelled_credentials": _hexes(self.cancelled_credentials),
            "authority_signature": (
                None if self.authority_signature is None else codec.hexify(self.authority_signature)
            ),
            "tellers": list(self.tellers),
        }

    def cancellation_digest(self) -> bytes:
        """What the authority signs: SHA-256 of JCS({cancelled_credentials}) (spec §11.6)."""
        return cancellation_digest(self.cancelled_credentials)

    def signed_digest(self) -> bytes:
        """What each teller signs: SHA-256 of JCS(body without `signatures`) (spec §11.6)."""
        return _signed_digest(self.unsigned_body())

    def to_body(self) -> dict[str, object]:
        return {**self.unsigned_body(), "signatures": _hexes(self.signatures)}

    @classmethod
    def from_body(cls, body: object, where: str) -> Self:
        path = f"{where}: PaperBatch"
        f = codec.fields(
            body,
            path,
            (
                "channel",
                "contest",
                "ballots",
                "cancelled_credentials",
                "authority_signature",
                "tellers",
                "signatures",
                "workplace",
            ),
        )
        channel = codec.text(f["channel"], f"{path}.channel")
        if channel not in CHANNELS or channel == "online":
            raise RecordError(f"{path}.channel: expected 'meeting' or 'postal', got {channel!r}")
        tellers = _items(f["tellers"], f"{path}.tellers", least=2, most=2)
        names = (
            codec.text(tellers[0], f"{path}.tellers[0]"),
            codec.text(tellers[1], f"{path}.tellers[1]"),
        )
        if names[0] == names[1]:
            raise RecordError(f"{path}.tellers: expected two different tellers, got {names}")
        signatures = _items(f["signatures"], f"{path}.signatures", least=2, most=2)
        cancelled = _items(f["cancelled_credentials"], f"{path}.cancelled_credentials")
        authority = f["authority_signature"]
        workplace = f["workplace"]
        if (authority is None) != (not cancelled):
            raise RecordError(
                f"{path}.authority_signature: expected the credential authority's signature "
                "exactly when the batch cancels credentials, got "
                f"{'none' if authority is None else 'one'} for {len(cancelled)} cancelled"
            )
        return cls(
            channel,
            codec.text(f["contest"], f"{path}.contest"),
            tuple(
                PaperBallot.from_body(b, f"{path}.ballots[{i}]")
                for i, b in enumerate(_items(f["ballots"], f"{path}.ballots"))
            ),
            tuple(
                codec.point(c, f"{path}.cancelled_credentials[{i}]")
                for i, c in enumerate(cancelled)
            ),
            None if authority is None else _schnorr(authority, f"{path}.authority_signature"),
            names,
            (
                _schnorr(signatures[0], f"{path}.signatures[0]"),
                _schnorr(signatures[1], f"{path}.signatures[1]"),
            ),
            None if workplace is None else codec.text(workplace, f"{path}.workplace"),
        )


def cancellation_digest(credentials: tuple[Point, ...]) -> bytes:
    """SHA-256 of JCS({"cancelled_credentials": [hex, ...]}): the authority's statement that
    these credentials' members voted on paper (spec §11.6)."""
    return _signed_digest({"cancelled_credentials": _hexes(credentials)})


BODY_TYPES: Mapping[str, Any] = {
    "Setup": Setup,
    "Credentials": Credentials,
    "Ballot": Ballot,
    "Spoiled": Spoiled,
    "EndBallots": EndBallots,
    "PaperBatch": PaperBatch,
    "PaperIssue": PaperIssue,
    "PaperReplacement": PaperReplacement,
    "PaperReturns": PaperReturns,
    "EncryptedTally": EncryptedTally,
    "Shuffle": Shuffle,
    "PartialDecryption": PartialDecryption,
    "Result": Result,
    "Audit": Audit,
}
"""Event type (spec §10.2) -> its body class; every class has `from_body(body, where)`."""


def parse_body(event: Event) -> Any:
    """The typed body of `event`; RecordError naming "event <seq>" and the field if malformed."""
    kind = BODY_TYPES.get(event.kind)
    if kind is None:
        raise RecordError(f"event {event.seq}: unknown event type {event.kind!r}")
    return kind.from_body(event.body, f"event {event.seq}")


def election_fingerprint(setup_event: Event) -> bytes:
    """The Setup event's hash as 32 bytes: every proof's context (spec §11.1)."""
    if setup_event.kind != "Setup" or setup_event.seq != 0:
        raise RecordError(
            f"event {setup_event.seq}: expected the Setup event (event 0), got {setup_event.kind}"
        )
    return bytes.fromhex(setup_event.hash)


_CROCKFORD = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", "0123456789ABCDEFGHJKMNPQRSTVWXYZ")


def tracking_code(ballot_event: Event) -> str:
    """The first 160 bits of the Ballot event hash in Crockford base32, 8 groups of 4 (§11.4).

    E.g. "7K3M-0QX2-...": no I, L, O or U, so it reads aloud and copies without confusion.
    """
    if ballot_event.kind != "Ballot":
        raise RecordError(
            f"event {ballot_event.seq}: expected a Ballot event, got {ballot_event.kind}"
        )
    return tracking_code_of_hash(ballot_event.hash)


def tracking_code_of_hash(event_hash: str) -> str:
    """The tracking code (spec §11.4) of a Ballot event with this hash (64 hex digits)."""
    digest = bytes.fromhex(event_hash)[:20]
    code = base64.b32encode(digest).decode("ascii").translate(_CROCKFORD)
    return "-".join(code[i : i + 4] for i in range(0, 32, 4))
