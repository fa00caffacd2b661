"""The key ceremony's signed messages and their transcript in Setup (spec §11.2.3).

Round 1: trustee i announces its Feldman commitments and coefficient proofs (§5.2.1) and one
share for each trustee ℓ = 1..n (itself included) encrypted to ℓ's encryption key (§5.2.5).
Round 2: trustee ℓ acknowledges, by their hashes, the round-1 messages whose shares it opened and
checked, or complains: it reveals the disputed share's opening so anyone can check it. Every
message is signed (Schnorr, §4.2) with its trustee's signing key from `Setup.trustee_keys`,
purpose `ceremony-round1` or `ceremony-round2`, context the ceremony context, message JCS of the
message without its signature. The officer only relays; Setup carries the whole transcript.

`transcript_problems` is the one check of a transcript, used by the officer before writing
Setup and by the verifier (V-CEREMONY-*): the verifier never imports the protocol layer.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol, TypeVar

from clearcount.core.canonical import canonical_json
from clearcount.core.errors import ClearcountError, RecordError
from clearcount.crypto.dkg import TrusteeAnnouncement, verify_share
from clearcount.crypto.group import Point, Scalar, ScalarSource
from clearcount.crypto.proofs.dleq import DleqProof
from clearcount.crypto.proofs.schnorr import SchnorrProof, prove_schnorr, verify_schnorr
from clearcount.crypto.share_encryption import (
    CIPHERTEXT_SIZE,
    EncryptedShare,
    ShareOpening,
    verify_opening,
)
from clearcount.record import codec

__all__ = [
    "ROUND1_FORMAT",
    "ROUND1_PURPOSE",
    "ROUND2_FORMAT",
    "ROUND2_PURPOSE",
    "CeremonyComplaint",
    "CeremonyTranscript",
    "Round1",
    "Round2",
    "complaint_stands",
    "transcript_problems",
]

ROUND1_FORMAT = "clearcount-ceremony-round1/1"
ROUND2_FORMAT = "clearcount-ceremony-round2/1"
ROUND1_PURPOSE = "ceremony-round1"
ROUND2_PURPOSE = "ceremony-round2"
_ZERO = SchnorrProof(Scalar.from_int(0), Scalar.from_int(0))


def _digest(body: dict[str, object]) -> str:
    return hashlib.sha256(canonical_json(body)).hexdigest()


class _Message(Protocol):
    @property
    def context(self) -> bytes: ...
    @property
    def signature(self) -> SchnorrProof: ...
    def unsigned_body(self) -> dict[str, object]: ...


M = TypeVar("M", "Round1", "Round2")


def _signed(message: M, secret: Scalar, purpose: str, rng: ScalarSource) -> M:
    """`message` with its Schnorr signature over JCS of the message without it (§11.2.3)."""
    statement = canonical_json(message.unsigned_body())
    proof = prove_schnorr(message.context, secret, message=statement, purpose=purpose, rng=rng)
    return replace(message, signature=proof)


def _verify(message: _Message, key: Point, purpose: str) -> None:
    statement = canonical_json(message.unsigned_body())
    verify_schnorr(message.context, key, message.signature, message=statement, purpose=purpose)


@dataclass(frozen=True, slots=True)
class Round1:
    """Trustee `index`'s announcement and its encrypted shares, signed (spec §11.2.3)."""

    context: bytes
    index: int
    name: str
    commitments: tuple[Point, ...]
    proofs: tuple[SchnorrProof, ...]
    shares: tuple[EncryptedShare, ...]
    signature: SchnorrProof = _ZERO

    def unsigned_body(self) -> dict[str, object]:
        return {
            "format": ROUND1_FORMAT,
            "context": self.context.hex(),
            "index": self.index,
            "name": self.name,
            "commitments": [codec.hexify(c) for c in self.commitments],
            "proofs": [codec.hexify(p) for p in self.proofs],
            "shares": [
                {
                    "recipient": s.recipient,
                    "ephemeral": codec.hexify(s.ephemeral),
                    "ciphertext": s.ciphertext.hex(),
                }
                for s in self.shares
            ],
        }

    def to_body(self) -> dict[str, object]:
        return self.unsigned_body() | {"signature": codec.hexify(self.signature)}

    def digest(self) -> str:
        """SHA-256 of the signed message's canonical JSON: what round 2 acknowledges."""
        return _digest(self.to_body())

    def announcement(self) -> TrusteeAnnouncement:
        return TrusteeAnnouncement(self.index, self.commitments, self.proofs)

    def signed(self, secret: Scalar, rng: ScalarSource = Scalar.random) -> Round1:
        return _signed(self, secret, ROUND1_PURPOSE, rng)

    def verify_signature(self, key: Point) -> None:
        _verify(self, key, ROUND1_PURPOSE)

    @classmethod
    def from_body(cls, body: object, path: str) -> Round1:
        names = (
            "format",
            "context",
            "index",
            "name",
            "commitments",
            "proofs",
            "shares",
            "signature",
        )
        f = codec.fields(body, path, names)
        if f["format"] != ROUND1_FORMAT:
            raise RecordError(f"{path}.format: expected {ROUND1_FORMAT!r}, got {f['format']!r}")
        index = codec.integer(f["index"], f"{path}.index", minimum=1)
        commitments = codec.array(f["commitments"], f"{path}.commitments", least=1)
        proofs = codec.array(f["proofs"], f"{path}.proofs", least=1)
        shares = []
        for i, raw in enumerate(codec.array(f["shares"], f"{path}.shares", least=1)):
            where = f"{path}.shares[{i}]"
            s = codec.fields(raw, where, ("recipient", "ephemeral", "ciphertext"))
            shares.append(
                EncryptedShare(
                    index,
                    codec.integer(s["recipient"], f"{where}.recipient", minimum=1),
                    codec.point(s["ephemeral"], f"{where}.ephemeral"),
                    codec.raw_hex(s["ciphertext"], f"{where}.ciphertext", CIPHERTEXT_SIZE),
                )
            )
        return cls(
            codec.raw_hex(f["context"], f"{path}.context", 32),
            index,
            codec.text(f["name"], f"{path}.name"),
            tuple(codec.point(c, f"{path}.commitments[{j}]") for j, c in enumerate(commitments)),
            tuple(
                codec.decoded(p, f"{path}.proofs[{j}]", SchnorrProof.from_bytes, 64)
                for j, p in enumerate(proofs)
            ),
            tuple(shares),
            codec.decoded(f["signature"], f"{path}.signature", SchnorrProof.from_bytes, 64),
        )


@dataclass(frozen=True, slots=True)
class CeremonyComplaint:
    """Trustee ℓ's complaint against `accused`: the opening of the share it received."""

    accused: int
    opening: ShareOpening

    def to_body(self) -> dict[str, object]:
        return {
            "accused": self.accused,
            "shared": codec.hexify(self.opening.shared),
            "proof": codec.hexify(self.opening.proof),
        }

    @classmethod
    def from_body(cls, body: object, path: str) -> CeremonyComplaint:
        f = codec.fields(body, path, ("accused", "shared", "proof"))
        return cls(
            codec.integer(f["accused"], f"{path}.accused", minimum=1),
            ShareOpening(
                codec.point(f["shared"], f"{path}.shared"),
                codec.decoded(f["proof"], f"{path}.proof", DleqProof.from_bytes, 64),
            ),
        )


@dataclass(frozen=True, slots=True)
class Round2:
    """Trustee `index`'s acknowledgement of every round-1 message, or its complaints, signed."""

    context: bytes
    index: int
    name: str
    acknowledged: tuple[str, ...]
    """The digests of the round-1 messages of trustees 1..n, in order, that it checked."""
    complaints: tuple[CeremonyComplaint, ...]
    signature: SchnorrProof = _ZERO

    def unsigned_body(self) -> dict[str, object]:
        return {
            "format": ROUND2_FORMAT,
            "context": self.context.hex(),
            "index": self.index,
            "name": self.name,
            "acknowledged": list(self.acknowledged),
            "complaints": [c.to_body() for c in self.complaints],
        }

    def to_body(self) -> dict[str, object]:
        return self.unsigned_body() | {"signature": codec.hexify(self.signature)}

    def signed(self, secret: Scalar, rng: ScalarSource = Scalar.random) -> Round2:
        return _signed(self, secret, ROUND2_PURPOSE, rng)

    def verify_signature(self, key: Point) -> None:
        _verify(self, key, ROUND2_PURPOSE)

    @classmethod
    def from_body(cls, body: object, path: str) -> Round2:
        names = ("format", "context", "index", "name", "acknowledged", "complaints", "signature")
        f = codec.fields(body, path, names)
        if f["format"] != ROUND2_FORMAT:
            raise RecordError(f"{path}.format: expected {ROUND2_FORMAT!r}, got {f['format']!r}")
        return cls(
            codec.raw_hex(f["context"], f"{path}.context", 32),
            codec.integer(f["index"], f"{path}.index", minimum=1),
            codec.text(f["name"], f"{path}.name"),
            tuple(
                codec.digest(d, f"{path}.acknowledged[{i}]")
                for i, d in enumerate(codec.array(f["acknowledged"], f"{path}.acknowledged"))
            ),
            tuple(
                CeremonyComplaint.from_body(c, f"{path}.complaints[{i}]")
                for i, c in enumerate(codec.array(f["complaints"], f"{path}.complaints"))
            ),
            codec.decoded(f["signature"], f"{path}.signature", SchnorrProof.from_bytes, 64),
        )


@dataclass(frozen=True, slots=True)
class CeremonyTranscript:
    """Every round-1 and round-2 message, by trustee index (Setup.ceremony, spec §11.2.3)."""

    round1: tuple[Round1, ...]
    round2: tuple[Round2, ...]

    def to_body(self) -> dict[str, object]:
        return {
            "round1": [m.to_body() for m in self.round1],
            "round2": [m.to_body() for m in self.round2],
        }

    @classmethod
    def from_body(cls, body: object, path: str) -> CeremonyTranscript:
        f = codec.fields(body, path, ("round1", "round2"))
        return cls(
            tuple(
                Round1.from_body(m, f"{path}.round1[{i}]")
                for i, m in enumerate(codec.array(f["round1"], f"{path}.round1"))
            ),
            tuple(
                Round2.from_body(m, f"{path}.round2[{i}]")
                for i, m in enumerate(codec.array(f["round2"], f"{path}.round2"))
            ),
        )


@dataclass(frozen=True, slots=True)
class _Trustee:
    name: str
    index: int
    key: Point
    encryption_key: Point


def complaint_stands(
    complaint: CeremonyComplaint, accuser: int, accuser_key: Point, accused: Round1
) -> bool:
    """True if the opened share fails (the accused is at fault), False if it checks out (the
    accuser's complaint is false). RecordError if the opening itself is not the accuser's."""
    share = next((s for s in accused.shares if s.recipient == accuser), None)
    if share is None:
        return True
    try:
        opened = verify_opening(accused.context, share, accuser_key, complaint.opening)
    except ClearcountError as error:
        if "Chaum-Pedersen" in str(error):
            raise RecordError(
                f"complaint of trustee {accuser} against trustee {complaint.accused}: the "
                "opening is not made with the accuser's encryption key"
            ) from None
        return True
    try:
        verify_share(opened, accused.announcement())
    except ClearcountError:
        return True
    return False


def transcript_problems(
    context: bytes,
    trustees: Sequence[tuple[str, int, Point, Point]],
    threshold: int,
    transcript: CeremonyTranscript,
) -> list[tuple[str, str]]:
    """Every problem of `transcript`, as (check id, one-line reason); empty if it is sound.

    `trustees` are Setup.trustee_keys as (name, index, signing key, encryption key). Checks:
    V-CEREMONY-1 shape (one message per round per trustee, names, context, recipients 1..n),
    V-CEREMONY-2 every signature under its trustee's key, V-CEREMONY-3 every trustee
    acknowledged every round-1 message as signed, with no complaint (a complaint is resolved
    and named: which trustee's share failed, or which trustee complained falsely).
    """
    found: list[tuple[str, str]] = []
    people = [_Trustee(*t) for t in trustees]
    n = len(people)
    for round_name, messages in (("round1", transcript.round1), ("round2", transcript.round2)):
        got = [(m.index, m.name) for m in messages]
        wanted = [(t.index, t.name) for t in people]
        if got != wanted:
            found.append(
                (
                    "V-CEREMONY-1",
                    f"{round_name}: expected one message from each trustee {wanted}, got {got}",
                )
            )
            return found
        for m in messages:
            if m.context != context:
                found.append(
                    (
                        "V-CEREMONY-1",
                        f"{round_name} of trustee {m.name!r}: made for another ceremony context "
                        "(another election, manifest or set of keys)",
                    )
                )
    for m in transcript.round1:
        recipients = [s.recipient for s in m.shares]
        if recipients != list(range(1, n + 1)) or len(m.commitments) != threshold:
            found.append(
                (
                    "V-CEREMONY-1",
                    f"round1 of trustee {m.name!r}: expected {threshold} commitments and one "
                    f"share for each trustee 1..{n}, got {len(m.commitments)} and {recipients}",
                )
            )
    for person, one, two in zip(people, transcript.round1, transcript.round2, strict=True):
        for label, message in (("round1", one), ("round2", two)):
            try:
                message.verify_signature(person.key)
            except ClearcountError:
                found.append(
                    (
                        "V-CEREMONY-2",
                        f"{label} of trustee {person.name!r}: the signature does not verify "
                        "under the trustee's key in Setup.trustee_keys (forged or altered)",
                    )
                )
    digests = [m.digest() for m in transcript.round1]
    for person, two in zip(people, transcript.round2, strict=True):
        if list(two.acknowledged) != digests:
            missing = [
                people[i].name
                for i, d in enumerate(digests)
                if i >= len(two.acknowledged) or two.acknowledged[i] != d
            ]
            found.append(
                (
                    "V-CEREMONY-3",
                    f"trustee {person.name!r} did not acknowledge the round1 messages of "
                    f"{missing} as recorded",
                )
            )
        for complaint in two.complaints:
            if not 1 <= complaint.accused <= n:
                found.append(
                    ("V-CEREMONY-3", f"trustee {person.name!r}: complaint against no trustee")
                )
                continue
            accused = people[complaint.accused - 1]
            try:
                stands = complaint_stands(
                    complaint,
                    person.index,
                    person.encryption_key,
                    transcript.round1[accused.index - 1],
                )
            except RecordError as error:
                found.append(("V-CEREMONY-3", str(error)))
                continue
            verdict = (
                f"trustee {accused.name!r}'s share to trustee {person.name!r} is bad "
                f"(restart the ceremony without {accused.name!r})"
                if stands
                else f"trustee {person.name!r} complained falsely against {accused.name!r} "
                "(the opened share is correct)"
            )
            found.append(("V-CEREMONY-3", f"complaint: {verdict}"))
    return found
