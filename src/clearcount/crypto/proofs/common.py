"""What every proof shares: challenge-response values, their encoding and the checks (spec §4.1).

Proofs are stored in the compact (challenge, response) form of Belenios and ElectionGuard 2.0: the
verifier recomputes each commitment from the response and the challenge, then recomputes the
challenge from the transcript. A proof therefore cannot name commitments the verifier did not
hash, and any change to one bit of proof, statement or context changes the challenge.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Self

from clearcount.core.errors import DecodingError, ProofError
from clearcount.crypto.group import Point, Scalar

__all__ = [
    "SCALAR_SIZE",
    "ChallengeResponse",
    "decode_scalars",
    "reject_identity",
    "reject_reused_challenges",
    "require_challenge",
]

SCALAR_SIZE = 32


def decode_scalars(what: str, data: bytes, count: int | None = None) -> tuple[Scalar, ...]:
    """Split `data` into canonical 32-byte scalars; DecodingError on any bad length or value."""
    if not isinstance(data, bytes | bytearray):
        raise DecodingError(f"{what} encoding: expected bytes, got {type(data).__name__}")
    size = len(data)
    if size == 0 or size % SCALAR_SIZE or (count is not None and size != count * SCALAR_SIZE):
        expected = (
            f"{count * SCALAR_SIZE} bytes" if count is not None else "a non-zero multiple of 32"
        )
        raise DecodingError(f"{what} encoding: expected {expected} bytes, got {size} bytes")
    return tuple(
        Scalar.from_bytes(bytes(data[i : i + SCALAR_SIZE])) for i in range(0, size, SCALAR_SIZE)
    )


@dataclass(frozen=True, slots=True)
class ChallengeResponse:
    """(c, s): 64 bytes, c || s, each a canonical scalar (spec §4.1)."""

    challenge: Scalar
    response: Scalar

    @classmethod
    def from_bytes(cls, data: bytes) -> Self:
        challenge, response = decode_scalars(cls.__name__, data, 2)
        return cls(challenge, response)

    def to_bytes(self) -> bytes:
        return self.challenge.to_bytes() + self.response.to_bytes()


def require_challenge(what: str, expected: Scalar, got: Scalar) -> None:
    """Raise ProofError unless the recomputed challenge equals the proof's (constant time)."""
    if expected != got:
        raise ProofError(
            f"{what}: expected the challenge recomputed from the statement, the election context "
            "and the commitments, got a different one (forged proof, or a proof for another "
            "statement or election)"
        )


def reject_identity(what: str, **points: Point) -> None:
    """ProofError if a statement element that must not be the identity is (spec §1.4)."""
    for name, point in points.items():
        if point.is_identity():
            raise ProofError(
                f"{what}: expected {name} to be a non-identity point, got the identity"
            )


def reject_reused_challenges(what: str, challenges: Iterable[Scalar]) -> None:
    """ProofError if two proofs (or two branches) carry the same challenge (spec §4.1.4).

    Honest challenges are hash outputs or fresh random scalars, so a repeat means a replayed or
    copied proof: a verifier runs this over every proof of a ballot box.
    """
    seen: dict[bytes, int] = {}
    for index, challenge in enumerate(challenges):
        key = challenge.to_bytes()
        if key in seen:
            raise ProofError(
                f"{what}: expected every challenge to be fresh, got challenge #{index} equal to "
                f"challenge #{seen[key]} (replayed proof)"
            )
        seen[key] = index
