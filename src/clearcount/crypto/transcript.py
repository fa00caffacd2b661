"""Fiat-Shamir transcripts with domain separation (spec §2).

A challenge must depend on *everything* the verifier is asked to believe: the proof type, the
election, the group, the full statement and every commitment. Hashing only the commitments is the
weak Fiat-Shamir flaw of Helios and of the Swiss Post system (Bernhard, Pereira, Warinschi 2012);
this module makes the strong form the only one available. Every record is length-prefixed and
typed, so two different transcripts never hash the same bytes (spec §2.2).
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from functools import lru_cache

from clearcount.crypto.group import Point, Scalar, length_prefixed

__all__ = ["PROTOCOL_DOMAIN", "Transcript", "TranscriptValue"]

PROTOCOL_DOMAIN = b"clearcount/transcript/v1"
"""Domain of `Scalar.hash` for every challenge (spec §2.3)."""

GROUP_NAME = b"ristretto255"
_LENGTH = struct.Struct(">Q").pack

TranscriptValue = bytes | Point | Scalar | int | str


_POINT = length_prefixed(b"P", bytes(32))[:-32]
_SCALAR = length_prefixed(b"S", bytes(32))[:-32]
"""`lp("P", x)` and `lp("S", x)` of a 32-byte x, less x: the same bytes for every element."""


def _encode(value: TranscriptValue) -> bytes:
    """Typed, length-prefixed encoding of one value (spec §2.2 table)."""
    if isinstance(value, Point):
        return _POINT + value.to_bytes()  # length_prefixed(b"P", value.to_bytes())
    if isinstance(value, Scalar):
        return _SCALAR + value.to_bytes()  # length_prefixed(b"S", value.to_bytes())
    if isinstance(value, bool):
        raise TypeError("transcript value: expected bytes, Point, Scalar, int or str, got bool")
    if isinstance(value, int):
        width = (value.bit_length() + 8) // 8
        return length_prefixed(b"I", value.to_bytes(width, "big", signed=True))
    if isinstance(value, str):
        return length_prefixed(b"T", value.encode("utf-8"))
    if isinstance(value, bytes | bytearray):
        return length_prefixed(b"B", bytes(value))
    raise TypeError(
        f"transcript value: expected bytes, Point, Scalar, int or str, got {type(value).__name__}"
    )


@lru_cache(maxsize=64)
def _header(context: bytes) -> tuple[bytes, ...]:
    """The first records of every transcript: context, group name, generator (spec §2.1);
    the same for every proof of an election, so encoded once per context."""
    return tuple(
        _record(label, value)
        for label, value in (
            ("context", context),
            ("group", GROUP_NAME),
            ("generator", Point.generator()),
        )
    )


def _record(label: str, value: TranscriptValue) -> bytes:
    """`lp(label, "1", encode(value))`, its first two parts encoded once per label."""
    encoded = _encode(value)
    return _label(label, b"1") + _LENGTH(len(encoded)) + encoded


@lru_cache(maxsize=256)
def _label(label: str, kind: bytes) -> bytes:
    """`lp(label, kind)`: how every record under `label` starts (a handful of labels in all)."""
    return length_prefixed(label.encode("utf-8"), kind)


class Transcript:
    """An append-only list of labelled records ending in one challenge (spec §2.1).

    It starts with the proof's tag, the election context (fingerprint), the group's name and its
    generator, so a proof can be checked only for the proof type, election and group it was made
    for. Not a value type: each prover or verifier builds its own and discards it.
    """

    __slots__ = ("_records", "_tag")

    def __init__(self, tag: str, context: bytes) -> None:
        if not tag:
            raise ValueError("Transcript: expected a non-empty domain tag, got ''")
        if not isinstance(context, bytes | bytearray):
            raise TypeError(f"Transcript context: expected bytes, got {type(context).__name__}")
        self._tag = tag
        self._records: list[bytes] = list(_header(bytes(context)))

    @property
    def tag(self) -> str:
        return self._tag

    @property
    def records(self) -> tuple[bytes, ...]:
        """The encoded records so far, header first (spec §2.2-§2.3); for vectors and audits."""
        return tuple(self._records)

    def append(self, label: str, value: TranscriptValue) -> Transcript:
        """Add one labelled value: `lp(label, "1", encode(value))` (spec §2.2)."""
        self._records.append(_record(label, value))
        return self

    def append_all(self, label: str, values: Iterable[TranscriptValue]) -> Transcript:
        """Add a labelled sequence with its count, so [a, b] + [c] differs from [a] + [b, c]."""
        encoded = [_encode(value) for value in values]
        count = len(encoded).to_bytes(8, "big")
        # lp(label, "n", count, *encoded), the label's part encoded once
        self._records.append(_label(label, b"n") + length_prefixed(count, *encoded))
        return self

    def challenge(self) -> Scalar:
        """c = Scalar.hash(PROTOCOL_DOMAIN, tag, record_1, ..., record_n) (spec §2.3).

        Does not consume the transcript: calling twice gives the same challenge.
        """
        return Scalar.hash(PROTOCOL_DOMAIN, self._tag.encode("utf-8"), *self._records)
