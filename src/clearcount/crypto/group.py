"""The prime-order group ristretto255 (RFC 9496), the only module that touches libsodium.

Scalars and points are distinct immutable types so an exponent can never be passed where a group
element is expected (spec §1.1). Everything that arrives as bytes goes through `from_bytes`, which
enforces the canonical encoding (spec §1.3); results of arithmetic are canonical by construction
and skip the check. libsodium refuses to *output* the identity from a scalar multiplication, so
this module decides where the identity is mathematically right (spec §1.4).
"""

from __future__ import annotations

import hashlib
import hmac
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

import rbcl

from clearcount.core.errors import DecodingError

__all__ = [
    "ORDER",
    "Point",
    "Scalar",
    "ScalarSource",
    "independent_generators",
    "length_prefixed",
    "seeded_scalars",
]

ORDER = 2**252 + 27742317777372353535851937790883648493
"""L, the prime order of ristretto255 (RFC 9496 §4)."""

_SIZE = 32
_LENGTH = struct.Struct(">Q").pack
_IDENTITY = bytes(_SIZE)


def length_prefixed(*parts: bytes) -> bytes:
    """Each part preceded by its length as 8 bytes big-endian, so the encoding is injective.

    spec §1.5: `lp(x1, ..., xn) = len(x1) || x1 || ... || len(xn) || xn`.
    """
    return b"".join([_LENGTH(len(part)) + part for part in parts])


def _check_length(kind: str, data: bytes) -> None:
    if not isinstance(data, bytes | bytearray):
        raise DecodingError(f"{kind} encoding: expected bytes, got {type(data).__name__}")
    if len(data) != _SIZE:
        raise DecodingError(f"{kind} encoding: expected {_SIZE} bytes, got {len(data)} bytes")


@dataclass(frozen=True, slots=True, eq=False)
class Scalar:
    """An integer modulo L, kept as its canonical 32-byte little-endian encoding (spec §1.3)."""

    encoded: bytes

    def __post_init__(self) -> None:
        _check_length("scalar", self.encoded)
        if int.from_bytes(self.encoded, "little") >= ORDER:
            raise DecodingError(
                "scalar encoding: expected an integer reduced modulo L, got an unreduced value"
            )

    @classmethod
    def _trusted(cls, encoded: bytes) -> Scalar:
        scalar = object.__new__(cls)
        object.__setattr__(scalar, "encoded", encoded)
        return scalar

    @classmethod
    def from_bytes(cls, data: bytes) -> Scalar:
        """Decode 32 bytes little-endian; DecodingError unless canonical (< L)."""
        if type(data) is bytes and len(data) == _SIZE and int.from_bytes(data, "little") < ORDER:
            return cls._trusted(data)  # the checks of __post_init__, without the dataclass's cost
        _check_length("scalar", data)
        return cls(bytes(data))

    @classmethod
    def from_int(cls, n: int) -> Scalar:
        """n reduced modulo L (negative integers included)."""
        return cls._trusted((n % ORDER).to_bytes(_SIZE, "little"))

    @classmethod
    def random(cls) -> Scalar:
        """A uniformly random non-zero scalar from libsodium's CSPRNG."""
        return cls._trusted(rbcl.crypto_core_ristretto255_scalar_random())

    @classmethod
    def hash(cls, domain: bytes, *parts: bytes) -> Scalar:
        """SHA-512 of `lp(domain, parts...)` reduced modulo L (wide reduction, spec §1.5)."""
        digest = hashlib.sha512(length_prefixed(domain, *parts)).digest()
        return cls._trusted(rbcl.crypto_core_ristretto255_scalar_reduce(digest))

    def to_bytes(self) -> bytes:
        return self.encoded

    def to_int(self) -> int:
        return int.from_bytes(self.encoded, "little")

    def is_zero(self) -> bool:
        return hmac.compare_digest(self.encoded, _IDENTITY)

    def __add__(self, other: Scalar) -> Scalar:
        if not isinstance(other, Scalar):
            return NotImplemented
        return Scalar._trusted(
            rbcl.crypto_core_ristretto255_scalar_add(self.encoded, other.encoded)
        )

    def __sub__(self, other: Scalar) -> Scalar:
        if not isinstance(other, Scalar):
            return NotImplemented
        return Scalar._trusted(
            rbcl.crypto_core_ristretto255_scalar_sub(self.encoded, other.encoded)
        )

    def __mul__(self, other: Scalar) -> Scalar:
        if not isinstance(other, Scalar):
            return NotImplemented
        return Scalar._trusted(
            rbcl.crypto_core_ristretto255_scalar_mul(self.encoded, other.encoded)
        )

    def __neg__(self) -> Scalar:
        return Scalar._trusted(rbcl.crypto_core_ristretto255_scalar_negate(self.encoded))

    def inverse(self) -> Scalar:
        """The multiplicative inverse; ZeroDivisionError for zero (a programming error)."""
        if self.is_zero():
            raise ZeroDivisionError("scalar 0 has no inverse modulo L")
        return Scalar._trusted(rbcl.crypto_core_ristretto255_scalar_invert(self.encoded))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Scalar):
            return NotImplemented
        return hmac.compare_digest(self.encoded, other.encoded)

    def __hash__(self) -> int:
        return hash((Scalar, self.encoded))

    def __repr__(self) -> str:
        return f"Scalar({self.encoded.hex()})"


@dataclass(frozen=True, slots=True, eq=False)
class Point:
    """A ristretto255 element, kept as its canonical 32-byte encoding (RFC 9496 §4.3.2)."""

    encoded: bytes
    _GENERATOR: ClassVar[bytes] = bytes.fromhex(
        "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76"
    )

    def __post_init__(self) -> None:
        _check_length("point", self.encoded)
        if not rbcl.crypto_core_ristretto255_is_valid_point(bytes(self.encoded)):
            raise DecodingError(
                "point encoding: expected a canonical ristretto255 encoding (RFC 9496 §4.3.1), "
                f"got {bytes(self.encoded).hex()}"
            )

    @classmethod
    def _trusted(cls, encoded: bytes) -> Point:
        point = object.__new__(cls)
        object.__setattr__(point, "encoded", encoded)
        return point

    @classmethod
    def from_bytes(cls, data: bytes, *, allow_identity: bool = False) -> Point:
        """Decode and check an element received from outside (spec §1.3).

        The identity is refused unless `allow_identity`: a public key, commitment or generator
        equal to the identity would make a proof or an encryption meaningless (spec §1.4).
        """
        if (
            type(data) is bytes
            and len(data) == _SIZE
            and rbcl.crypto_core_ristretto255_is_valid_point(data)
        ):
            point = cls._trusted(data)  # the checks of __post_init__, without the dataclass's cost
        else:
            _check_length("point", data)
            point = cls(bytes(data))  # raises DecodingError, naming what is wrong
        if not allow_identity and point.is_identity():
            raise DecodingError("point encoding: expected a non-identity element, got the identity")
        return point

    @classmethod
    def generator(cls) -> Point:
        """G, the ristretto255 base point (RFC 9496 §4.4)."""
        return cls._trusted(cls._GENERATOR)

    @classmethod
    def identity(cls) -> Point:
        return cls._trusted(_IDENTITY)

    @classmethod
    def base_mul(cls, scalar: Scalar) -> Point:
        """s·G with libsodium's fixed-base tables (the cheap multiplication, spec §4.6)."""
        if scalar.is_zero():
            return cls.identity()
        return cls._trusted(rbcl.crypto_scalarmult_ristretto255_base(scalar.encoded))

    @classmethod
    def from_uniform_bytes(cls, data: bytes) -> Point:
        """RFC 9496 §4.3.4 element derivation from 64 uniformly random bytes."""
        if not isinstance(data, bytes | bytearray) or len(data) != 64:
            raise DecodingError(f"uniform bytes: expected 64 bytes, got {data!r:.40}")
        return cls._trusted(rbcl.crypto_core_ristretto255_from_hash(bytes(data)))

    @classmethod
    def hash_to_group(cls, domain: bytes, *parts: bytes) -> Point:
        """The RFC 9496 §4.3.4 map applied to SHA-512 of `lp(domain, parts...)` (spec §1.6).

        Nobody knows the discrete log of the result with respect to G or to any other output.
        """
        return cls.from_uniform_bytes(hashlib.sha512(length_prefixed(domain, *parts)).digest())

    def to_bytes(self) -> bytes:
        return self.encoded

    def is_identity(self) -> bool:
        return hmac.compare_digest(self.encoded, _IDENTITY)

    def __add__(self, other: Point) -> Point:
        if not isinstance(other, Point):
            return NotImplemented
        return Point._trusted(rbcl.crypto_core_ristretto255_add(self.encoded, other.encoded))

    def __sub__(self, other: Point) -> Point:
        if not isinstance(other, Point):
            return NotImplemented
        return Point._trusted(rbcl.crypto_core_ristretto255_sub(self.encoded, other.encoded))

    def __neg__(self) -> Point:
        return Point._trusted(rbcl.crypto_core_ristretto255_sub(_IDENTITY, self.encoded))

    def __mul__(self, scalar: Scalar) -> Point:
        """Variable-base s·P; the identity when s = 0 or P is the identity (spec §1.4).

        In a group of prime order those are the only cases with an identity result, which is
        exactly when libsodium refuses to answer.
        """
        if not isinstance(scalar, Scalar):
            return NotImplemented
        if scalar.is_zero() or self.is_identity():
            return Point.identity()
        if self.encoded == Point._GENERATOR:
            return Point.base_mul(scalar)
        return Point._trusted(rbcl.crypto_scalarmult_ristretto255(scalar.encoded, self.encoded))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Point):
            return NotImplemented
        return hmac.compare_digest(self.encoded, other.encoded)

    def __hash__(self) -> int:
        return hash((Point, self.encoded))

    def __repr__(self) -> str:
        return f"Point({self.encoded.hex()})"


def independent_generators(domain: bytes, count: int) -> tuple[Point, ...]:
    """`count` generators with no known discrete-log relation (spec §1.6).

    H_i = hash_to_group(domain, "independent-generator", i as 8 bytes big-endian), i = 0..count-1.
    """
    if count < 0:
        raise ValueError(f"independent_generators: expected count >= 0, got {count}")
    return tuple(
        Point.hash_to_group(domain, b"independent-generator", i.to_bytes(8, "big"))
        for i in range(count)
    )


ScalarSource = Callable[[], Scalar]
"""Where a prover draws its nonces: `Scalar.random` in production, `seeded_scalars` in tests."""


def seeded_scalars(seed: bytes) -> ScalarSource:
    """Deterministic nonces for known-answer vectors ONLY (spec §1.7): never for real elections.

    The i-th call (i = 0, 1, ...) returns Scalar.hash(b"clearcount/seeded-scalars/v1", seed, i as
    8 bytes big-endian), so any implementation can reproduce the published vectors.
    """
    counter = 0

    def draw() -> Scalar:
        nonlocal counter
        value = Scalar.hash(b"clearcount/seeded-scalars/v1", seed, counter.to_bytes(8, "big"))
        counter += 1
        return value

    return draw
