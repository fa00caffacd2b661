"""What a record reader accepts, derived from the committed roll (spec §10.3).

A record is hostile input: whoever publishes it chooses every byte. The reader refuses, before
parsing, anything that could cost far more than its size warrants: a zip whose declared or
actual size is out of proportion to the archive (a "zip bomb"), a line longer than the
committed roll can explain, more events than the roll's members could cast. The first line
(Setup) is capped on its own; every later cap follows from its roll commitment's size and its
contests' choices, never from a later, unchecked field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

__all__ = [
    "BASE_LINE_BYTES",
    "EVENTS_PER_MEMBER",
    "LINE_BYTES_PER_CHOICE",
    "MAX_SETUP_LINE_BYTES",
    "MAX_ZIP_RATIO",
    "MIN_ZIP_ALLOWANCE",
    "RecordLimits",
    "limits_from_setup",
    "zip_allowance",
]

MAX_SETUP_LINE_BYTES = 4 * 2**20
"""Event 0 (Setup): manifest, contests, trustees and roll commitment; kilobytes in practice."""

BASE_LINE_BYTES = 2**20
LINE_BYTES_PER_CHOICE = 2048
"""A line may hold, per roll member and per choice of every contest, 2 KiB: a Shuffle row is one
128-hex ciphertext per choice plus a few 64-hex proof values per row (spec §6), well under it."""

BASE_EVENTS = 1024
EVENTS_PER_MEMBER = 64
"""Ballots (re-votes), spoiled ballots and paper batches per roll member, on average: generous,
and still linear in the committed roll."""

MAX_ZIP_RATIO = 16
"""Record JSON Lines are mostly hex of random group elements: deflate gets about 2:1. Deflate
can reach 1032:1, which is what a zip bomb uses."""

MIN_ZIP_ALLOWANCE = 64 * 2**20
"""Below this, any ratio is accepted (small test records can be very regular)."""


@dataclass(frozen=True, slots=True)
class RecordLimits:
    """The caps for one record: longest line and most events (spec §10.3)."""

    roll_size: int
    choices: int
    line_bytes: int
    events: int


def _count(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def limits_from_setup(document: object) -> RecordLimits:
    """Caps from the first event's body as parsed (a non-Setup or malformed first event gets
    the caps of an empty roll; the verifier reports what is wrong with it)."""
    setup = isinstance(document, Mapping) and document.get("type") == "Setup"
    body = document.get("body") if setup and isinstance(document, Mapping) else None
    body = body if isinstance(body, Mapping) else {}
    roll = body.get("roll")
    size = _count(roll.get("size")) if isinstance(roll, Mapping) else 0
    contests = body.get("contests")
    choices = 0
    if isinstance(contests, Sequence):
        for contest in contests:
            candidates = contest.get("candidates") if isinstance(contest, Mapping) else None
            choices += len(candidates) if isinstance(candidates, Sequence) else 0
    return RecordLimits(
        size,
        choices,
        BASE_LINE_BYTES + (size + 1) * (choices + 1) * LINE_BYTES_PER_CHOICE,
        BASE_EVENTS + EVENTS_PER_MEMBER * size,
    )


def zip_allowance(archive_bytes: int, ceiling: int) -> int:
    """The most uncompressed bytes a zip of `archive_bytes` may declare or yield."""
    return min(ceiling, max(MIN_ZIP_ALLOWANCE, MAX_ZIP_RATIO * archive_bytes))
