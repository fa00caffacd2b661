"""verify-diff: a later record extends an earlier one, nothing removed or rewritten (spec §12.6).

Both records are read as bytes; each must be a readable, correctly chained record, and every
line of the old one must be, byte for byte, the line at the same place in the new one. The first
difference is reported with its line (event seq) and both events' types and hashes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from clearcount.core.errors import RecordError
from clearcount.record.archive import decode_record, read_record_bytes

__all__ = ["Extension", "compare_records", "verify_extension"]


@dataclass(frozen=True, slots=True)
class Extension:
    """NEW extends OLD: how many events each has, and OLD's head hash found in NEW."""

    old_events: int
    new_events: int
    old_head: str


def _digest(line: bytes) -> str:
    return hashlib.sha256(line.rstrip(b"\n")).hexdigest()[:16]


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True)


def compare_records(
    old: bytes, new: bytes, old_name: str = "OLD", new_name: str = "NEW"
) -> Extension:
    """RecordError naming the first difference unless `new` extends `old` (spec §12.6)."""
    old_events = decode_record(old, old_name)
    new_events = decode_record(new, new_name)
    old_lines, new_lines = _lines(old), _lines(new)
    for seq, line in enumerate(old_lines):
        if seq >= len(new_lines):
            raise RecordError(
                f"{new_name} has {len(new_lines)} events, {old_name} has "
                f"{len(old_lines)}: events {seq}.. were removed"
            )
        if new_lines[seq] != line:
            raise RecordError(
                f"event {seq} differs: {old_name} has {old_events[seq].kind} "
                f"{_digest(line)}…, {new_name} has {new_events[seq].kind} "
                f"{_digest(new_lines[seq])}…"
            )
    head = old_events[-1].hash if old_events else ""
    return Extension(len(old_events), len(new_events), head)


def verify_extension(old: Path, new: Path) -> Extension:
    """`compare_records` on two record files (folder, zip or record.jsonl)."""
    return compare_records(read_record_bytes(old), read_record_bytes(new), str(old), str(new))
