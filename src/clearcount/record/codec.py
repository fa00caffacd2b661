"""Reading and writing the typed fields of event bodies: hex byte strings and checked JSON values.

Every group element, scalar, ciphertext and proof in the record is lowercase hexadecimal (spec
§10.1). Each reader takes the value and a `path` naming where it sits (e.g.
"event 7: Ballot.contests[0].ciphertexts[1]") and returns the decoded value or raises a
RecordError naming that path, what was expected and what was got. Crypto decoding failures
(`DecodingError`, spec §1.3) are re-raised as RecordError with the same path.

Public API: `hexify`, `fields`, `text`, `integer`, `boolean`, `array`, `digest`, `raw_hex`,
`point`, `scalar`, `ciphertext`, `decoded`, `iso_time`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol, TypeVar

from clearcount.core.canonical import MAX_SAFE_INTEGER
from clearcount.core.errors import DecodingError, RecordError
from clearcount.crypto.elgamal import Ciphertext
from clearcount.crypto.group import Point, Scalar

__all__ = [
    "array",
    "boolean",
    "ciphertext",
    "decoded",
    "digest",
    "fields",
    "hexify",
    "integer",
    "iso_time",
    "point",
    "raw_hex",
    "scalar",
    "text",
]

T = TypeVar("T")


class _Encodable(Protocol):
    def to_bytes(self) -> bytes: ...


def hexify(value: bytes | _Encodable) -> str:
    """Lowercase hex of raw bytes or of any value with `to_bytes()` (spec §10.1)."""
    data = value if isinstance(value, bytes | bytearray) else value.to_bytes()
    return bytes(data).hex()


def _got(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def fields(value: object, path: str, names: Sequence[str]) -> dict[str, Any]:
    """`value` as an object with exactly the keys `names` (none missing, none extra)."""
    if not isinstance(value, Mapping):
        raise RecordError(f"{path}: expected an object, got {type(value).__name__}")
    keys = set(value)
    if keys != set(names):
        missing, extra = sorted(set(names) - keys), sorted(keys - set(names))
        raise RecordError(
            f"{path}: expected fields {sorted(names)}, missing {missing}, unexpected {extra}"
        )
    return dict(value)


def text(value: object, path: str, *, empty: bool = False) -> str:
    if not isinstance(value, str):
        raise RecordError(f"{path}: expected a string, got {_got(value)}")
    if not empty and not value:
        raise RecordError(f"{path}: expected a non-empty string, got ''")
    return value


def integer(value: object, path: str, *, minimum: int = 0, maximum: int = MAX_SAFE_INTEGER) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise RecordError(f"{path}: expected an integer, got {_got(value)}")
    if not minimum <= value <= maximum:
        raise RecordError(f"{path}: expected an integer in [{minimum}, {maximum}], got {value}")
    return value


def boolean(value: object, path: str) -> bool:
    if not isinstance(value, bool):
        raise RecordError(f"{path}: expected true or false, got {_got(value)}")
    return value


def array(value: object, path: str, *, least: int = 0, most: int | None = None) -> list[Any]:
    """`value` as a list with least <= len <= most."""
    if not isinstance(value, list | tuple):
        raise RecordError(f"{path}: expected an array, got {type(value).__name__}")
    if len(value) < least or (most is not None and len(value) > most):
        bound = f"{least}..{most}" if most is not None else f"at least {least}"
        raise RecordError(f"{path}: expected {bound} items, got {len(value)}")
    return list(value)


def raw_hex(value: object, path: str, size: int | None = None) -> bytes:
    """Bytes from lowercase hex; `size` fixes the length in bytes."""
    if not isinstance(value, str):
        raise RecordError(f"{path}: expected a lowercase hex string, got {_got(value)}")
    try:
        data = bytes.fromhex(value)
    except ValueError:
        data = None
    if data is None or data.hex() != value:
        raise RecordError(f"{path}: expected lowercase hexadecimal, got {_got(value)}")
    if size is not None and len(data) != size:
        raise RecordError(
            f"{path}: expected {size} bytes ({2 * size} hex digits), got {len(data)} bytes"
        )
    return data


def digest(value: object, path: str) -> str:
    """A SHA-256 hash as 64 lowercase hex digits (an event hash, a Merkle root)."""
    raw_hex(value, path, 32)
    return str(value)


def decoded(value: object, path: str, decoder: Callable[[bytes], T], size: int | None = None) -> T:
    """Hex, then `decoder(bytes)`; a DecodingError becomes a RecordError naming `path`."""
    data = raw_hex(value, path, size)
    try:
        return decoder(data)
    except DecodingError as error:
        raise RecordError(f"{path}: {error}") from error


def point(value: object, path: str, *, allow_identity: bool = False) -> Point:
    """A canonical ristretto255 element (spec §1.3); the identity only if allowed (§1.4)."""
    return decoded(value, path, lambda b: Point.from_bytes(b, allow_identity=allow_identity), 32)


def scalar(value: object, path: str) -> Scalar:
    return decoded(value, path, Scalar.from_bytes, 32)


def ciphertext(value: object, path: str, *, allow_identity: bool = False) -> Ciphertext:
    """pad ‖ data, 64 bytes (spec §3.7)."""
    return decoded(
        value, path, lambda b: Ciphertext.from_bytes(b, allow_identity=allow_identity), 64
    )


def iso_time(value: object, path: str) -> str:
    """An ISO 8601 date-time with a UTC offset, kept as the text (e.g. 2031-05-01T09:00:00Z)."""
    written = text(value, path)
    try:
        parsed = datetime.fromisoformat(written)
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise RecordError(f"{path}: expected an ISO 8601 date-time with offset, got {written!r}")
    return written
