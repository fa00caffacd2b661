"""Exponential ElGamal over ristretto255 (spec §3).

A vote m is encrypted as (rG, mG + rK): adding ciphertexts adds the votes, so a tally is
decrypted once, never ballot by ballot (Belenios spec, "Tally"; ElectionGuard 2.0 §3.5). The
price is a bounded discrete log at the end, done by `dlog.DiscreteLog`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from clearcount.core.errors import DecodingError
from clearcount.crypto.group import Point, Scalar, ScalarSource

__all__ = [
    "Ciphertext",
    "PublicKey",
    "SecretKey",
    "decrypt_to_point",
    "encrypt",
    "generate_keypair",
    "reencrypt",
    "scale",
    "sum_ciphertexts",
]

_POINT_SIZE = 32


@dataclass(frozen=True, slots=True)
class PublicKey:
    """K = xG, the (joint) election key; never the identity (spec §3.1)."""

    point: Point

    def __post_init__(self) -> None:
        if self.point.is_identity():
            raise DecodingError("public key: expected a non-identity point, got the identity")

    @classmethod
    def from_bytes(cls, data: bytes) -> PublicKey:
        return cls(Point.from_bytes(data))

    def to_bytes(self) -> bytes:
        return self.point.to_bytes()


@dataclass(frozen=True, slots=True)
class SecretKey:
    """x, a non-zero scalar; its repr hides the value so it never lands in a log."""

    scalar: Scalar

    def __post_init__(self) -> None:
        if self.scalar.is_zero():
            raise DecodingError("secret key: expected a non-zero scalar, got 0")

    def public_key(self) -> PublicKey:
        return PublicKey(Point.base_mul(self.scalar))

    def __repr__(self) -> str:
        return "SecretKey(<hidden>)"


def generate_keypair(rng: ScalarSource = Scalar.random) -> tuple[SecretKey, PublicKey]:
    secret = SecretKey(rng())
    return secret, secret.public_key()


@dataclass(frozen=True, slots=True)
class Ciphertext:
    """(pad, data) = (rG, mG + rK) (spec §3.2); 64 bytes on the wire (spec §3.7)."""

    pad: Point
    data: Point

    @classmethod
    def zero(cls) -> Ciphertext:
        """The neutral element of `+`: a trivial encryption of 0 with r = 0."""
        return cls(Point.identity(), Point.identity())

    @classmethod
    def from_bytes(cls, data: bytes, *, allow_identity: bool = False) -> Ciphertext:
        """Decode pad || data; the identity in either half is refused unless allowed (§3.7)."""
        if not isinstance(data, bytes | bytearray) or len(data) != 2 * _POINT_SIZE:
            got = f"{len(data)} bytes" if isinstance(data, bytes | bytearray) else type(data)
            raise DecodingError(f"ciphertext encoding: expected 64 bytes, got {got}")
        return cls(
            Point.from_bytes(data[:_POINT_SIZE], allow_identity=allow_identity),
            Point.from_bytes(data[_POINT_SIZE:], allow_identity=allow_identity),
        )

    def to_bytes(self) -> bytes:
        return self.pad.to_bytes() + self.data.to_bytes()

    def __add__(self, other: Ciphertext) -> Ciphertext:
        """Homomorphic addition: Enc(m1, r1) + Enc(m2, r2) = Enc(m1 + m2, r1 + r2) (§3.4)."""
        if not isinstance(other, Ciphertext):
            return NotImplemented
        return Ciphertext(self.pad + other.pad, self.data + other.data)

    def __sub__(self, other: Ciphertext) -> Ciphertext:
        if not isinstance(other, Ciphertext):
            return NotImplemented
        return Ciphertext(self.pad - other.pad, self.data - other.data)


def encrypt(key: PublicKey, m: int, r: Scalar) -> Ciphertext:
    """Enc_K(m; r) = (rG, mG + rK) (spec §3.2); r must be fresh and secret for each ciphertext."""
    return Ciphertext(Point.base_mul(r), Point.base_mul(Scalar.from_int(m)) + key.point * r)


def reencrypt(key: PublicKey, ciphertext: Ciphertext, r: Scalar) -> Ciphertext:
    """Add an encryption of 0: same plaintext, unlinkable ciphertext (spec §3.3, mixnets)."""
    return Ciphertext(ciphertext.pad + Point.base_mul(r), ciphertext.data + key.point * r)


def sum_ciphertexts(ciphertexts: Iterable[Ciphertext]) -> Ciphertext:
    """Σ ciphertexts (the zero ciphertext for none), without adding the zero itself: each
    addition costs two libsodium point additions."""
    values = iter(ciphertexts)
    total = next(values, None)
    if total is None:
        return Ciphertext.zero()
    for ciphertext in values:
        total = total + ciphertext
    return total


def scale(ciphertext: Ciphertext, weight: int) -> Ciphertext:
    """w·Enc(m; r) = Enc(w·m; w·r), for weighted votes (spec §3.5); w must be >= 0."""
    if isinstance(weight, bool) or not isinstance(weight, int) or weight < 0:
        raise ValueError(f"scale: expected a weight that is an integer >= 0, got {weight!r}")
    factor = Scalar.from_int(weight)
    return Ciphertext(ciphertext.pad * factor, ciphertext.data * factor)


def decrypt_to_point(secret: SecretKey, ciphertext: Ciphertext) -> Point:
    """mG = data - x·pad (spec §3.6); `dlog.DiscreteLog` turns mG into m."""
    return ciphertext.data - ciphertext.pad * secret.scalar
