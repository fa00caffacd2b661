"""Canonical JSON (RFC 8785, JSON Canonicalization Scheme), restricted to what records need.

Why JCS: the election record must hash identically in every verifier, in any language, and stay
readable by a panel with a text editor. JCS fixes key order (UTF-16 code units), whitespace and
string escaping; we forbid floats (JCS would print them through IEEE doubles) and integers outside
±(2**53 - 1), so every number is exact in every JSON library. Bytes go in as lowercase hex strings.
`parse_canonical` accepts only text that re-encodes to the identical bytes, so one record has one
encoding (spec §10.1).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Protocol

from clearcount.core.errors import CanonicalFormError

__all__ = [
    "MAX_INTEGER_DIGITS",
    "MAX_SAFE_INTEGER",
    "canonical_json",
    "canonical_sha256",
    "parse_canonical",
]

MAX_SAFE_INTEGER = 2**53 - 1
MAX_INTEGER_DIGITS = len(str(MAX_SAFE_INTEGER))
"""16: a longer run of digits is refused before Python converts it. Converting is quadratic in
the digits, and past `sys.get_int_max_str_digits()` (4300) it raises ValueError, not a JSON
error: a 5,000-digit integer in a hostile record must be a clean refusal, never a crash."""


MATCH_IN_PIECES = 2**20
"""Text longer than this is compared with its re-encoding piece by piece (`_Matcher`)."""
PARTS_PER_PIECE = 8192


class _Parts(Protocol):
    def append(self, part: str, /) -> None: ...


def canonical_json(value: object) -> bytes:
    """The RFC 8785 encoding of `value` (dicts with str keys, lists, str, int, bool, None)."""
    parts: list[str] = []
    _encode(value, parts, "$")
    return "".join(parts).encode("utf-8")


class _MismatchError(Exception):
    """The re-encoding departs from the text (raised to stop encoding early)."""


class _Pieces:
    """Takes the encoding's parts and hands them on a piece of PARTS_PER_PIECE at a time, so
    the encoding of many megabytes (a Credentials event of a million members) is never held."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def append(self, part: str, /) -> None:
        self.parts.append(part)
        if len(self.parts) >= PARTS_PER_PIECE:
            self.flush()

    def flush(self) -> None:
        piece = "".join(self.parts).encode("utf-8")
        self.parts.clear()
        self.take(piece)

    def take(self, piece: bytes) -> None:
        raise NotImplementedError


class _Matcher(_Pieces):
    """Compares the encoding with `data`, piece by piece."""

    def __init__(self, data: bytes | memoryview) -> None:
        super().__init__()
        self.data = memoryview(data)
        self.at = 0

    def take(self, piece: bytes) -> None:
        if self.data[self.at : self.at + len(piece)] != piece:
            raise _MismatchError
        self.at += len(piece)


class _Hasher(_Pieces):
    """Hashes the encoding, piece by piece."""

    def __init__(self) -> None:
        super().__init__()
        self.hash = hashlib.sha256()

    def take(self, piece: bytes) -> None:
        self.hash.update(piece)


def canonical_sha256(value: object) -> bytes:
    """SHA-256 of `canonical_json(value)`, without holding the encoding (a long signed list)."""
    hasher = _Hasher()
    _encode(value, hasher, "$")
    hasher.flush()
    return hasher.hash.digest()


def _is_canonical(value: object, data: bytes | memoryview) -> bool:
    """Whether `value`'s RFC 8785 encoding is `data`, byte for byte."""
    if len(data) <= MATCH_IN_PIECES:
        return canonical_json(value) == data
    matcher = _Matcher(data)
    try:
        _encode(value, matcher, "$")
        matcher.flush()
    except _MismatchError:
        return False
    return matcher.at == len(data)


def _encode(value: object, out: _Parts, path: str) -> None:
    if value is None or isinstance(value, bool):
        out.append("null" if value is None else ("true" if value else "false"))
    elif isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise CanonicalFormError(f"{path}: integer {value} is outside ±(2**53 - 1)")
        out.append(str(value))
    elif isinstance(value, str):
        _check_text(value, path)
        out.append(json.dumps(value, ensure_ascii=False))
    elif isinstance(value, Mapping):
        keys = list(value)
        for key in keys:
            if not isinstance(key, str):
                raise CanonicalFormError(f"{path}: object key {key!r} is not a string")
            _check_text(key, path)
        out.append("{")
        for i, key in enumerate(sorted(keys, key=lambda k: k.encode("utf-16-be"))):
            if i:
                out.append(",")
            out.append(json.dumps(key, ensure_ascii=False))
            out.append(":")
            _encode(value[key], out, f"{path}.{key}")
        out.append("}")
    elif isinstance(value, Sequence) and not isinstance(value, (bytes, bytearray)):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _encode(item, out, f"{path}[{i}]")
        out.append("]")
    else:
        raise CanonicalFormError(
            f"{path}: {type(value).__name__} cannot be encoded; expected object, array, string, "
            "integer, boolean or null (no floats)"
        )


def _check_text(text: str, path: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise CanonicalFormError(f"{path}: string contains a lone surrogate") from None


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    result: dict[str, object] = {}
    for key, value in pairs:
        if key in result:
            raise CanonicalFormError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _no_float(text: str) -> object:
    raise CanonicalFormError(f"number {text} is not an integer")


def _short_integer(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_INTEGER_DIGITS:
        raise CanonicalFormError(
            f"integer of {digits} digits: expected at most {MAX_INTEGER_DIGITS} (±(2**53 - 1))"
        )
    return int(text)


def _no_constant(text: str) -> object:
    raise CanonicalFormError(f"{text} is not JSON")


class _UnsafeIntegerError(ValueError):
    """An integer outside ±(2**53 - 1): left to the careful path, which names it."""


def _safe_integer(text: str) -> int:
    value = _short_integer(text)
    if abs(value) > MAX_SAFE_INTEGER:
        raise _UnsafeIntegerError(text)
    return value


_DUMPS = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode


def _quick_parse(text: str, data: bytes | memoryview) -> object | None:
    """The value of `data` when it is canonical ASCII JSON, parsed and encoded again by the
    json module's C code; None whenever the careful path of `parse_canonical` must decide.

    For ASCII text the two encodings agree: keys in code-point order are in UTF-16 order,
    both escape exactly `"`, `\\` and the control characters (the same short forms, otherwise
    lowercase \\u00xx), and integers are printed alike once within ±(2**53 - 1). A duplicate
    key, a float, an unsafe integer or any other difference makes the encodings differ or the
    parse fail, and the careful path then gives the reason as it always did."""
    if len(data) > MATCH_IN_PIECES:
        return None
    try:
        value: object = json.loads(
            text, parse_float=_no_float, parse_int=_safe_integer, parse_constant=_no_constant
        )
        encoded = _DUMPS(value).encode("utf-8")
    except (ValueError, RecursionError, CanonicalFormError):  # JSONDecodeError, Unicode...
        return None
    if encoded.isascii() and encoded == data:
        return value
    return None


def parse_canonical(data: bytes | memoryview) -> object:
    """Parse canonical JSON bytes; anything not in canonical form is refused with the reason.

    Only the parsed value and `data` are held while the value is encoded again and compared
    (a line of many megabytes is compared piece by piece)."""
    try:
        text = str(data, "utf-8")
    except UnicodeDecodeError as exc:
        raise CanonicalFormError(f"not UTF-8 at byte {exc.start}") from None
    quick = _quick_parse(text, data)
    if quick is not None:
        return quick
    try:
        value = json.loads(
            text,
            object_pairs_hook=_no_duplicates,
            parse_float=_no_float,
            parse_int=_short_integer,
            parse_constant=_no_constant,
        )
    except json.JSONDecodeError as exc:
        raise CanonicalFormError(f"invalid JSON at offset {exc.pos}: {exc.msg}") from None
    except RecursionError:
        raise CanonicalFormError("nesting too deep") from None
    del text
    if not _is_canonical(value, data):
        raise CanonicalFormError("not in canonical form (RFC 8785: key order, spacing, escaping)")
    return value
