"""Storing a record: JSON Lines of canonical events, in a folder or a zip (spec §10.3).

A panel downloads one file, archives it and can read it with any tool: `record.jsonl` holds one
canonical event per line. Reading is defensive (`record.limits`, spec §10.3): a zip's declared
and actual sizes in proportion to the archive (no zip bombs), each line and the number of events
capped from the committed roll before anything is parsed, integers of at most 16 digits, every
line parsed as canonical JSON, the chain checked, and every failure a RecordError naming the
line.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from pathlib import Path

from clearcount.core.canonical import parse_canonical
from clearcount.core.errors import RecordError
from clearcount.record.chain import Event, check_chain, event_from_document
from clearcount.record.limits import (
    MAX_SETUP_LINE_BYTES,
    RecordLimits,
    limits_from_setup,
    zip_allowance,
)

__all__ = [
    "MAX_RECORD_BYTES",
    "MEMBER",
    "decode_events",
    "decode_record",
    "read_record",
    "read_record_bytes",
    "write_record",
]

MEMBER = "record.jsonl"
MAX_RECORD_BYTES = 8 * 2**30
"""A record larger than this (uncompressed) is refused rather than exhausting memory."""


def encode_record(events: Sequence[Event]) -> bytes:
    return b"".join(event.encode() + b"\n" for event in events)


def write_record(events: Sequence[Event], path: Path) -> None:
    """Write the record as `path` (.zip: one deflated member; otherwise a folder)."""
    check_chain(events)
    data = encode_record(events)
    if path.suffix == ".zip":
        tmp = path.with_suffix(".zip.tmp")
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(MEMBER, data)
        tmp.replace(path)
    else:
        path.mkdir(parents=True, exist_ok=True)
        tmp = path / (MEMBER + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(path / MEMBER)


def read_record(path: Path) -> tuple[Event, ...]:
    """Read and chain-check a record from a folder, a zip, or a bare record.jsonl file."""
    return decode_record(read_record_bytes(path), str(path))


def read_record_bytes(path: Path) -> bytes:
    """The raw `record.jsonl` bytes of a folder, a zip or a bare file, within the size limits."""
    try:
        if path.is_dir():
            path = path / MEMBER
        if zipfile.is_zipfile(path):
            data = _zip_member(path)
        else:
            if path.stat().st_size > MAX_RECORD_BYTES:
                raise RecordError(f"{path}: larger than {MAX_RECORD_BYTES} bytes")
            data = path.read_bytes()
    except OSError as exc:
        raise RecordError(f"{path}: cannot read record: {exc.strerror or exc}") from None
    return data


def _zip_member(path: Path) -> bytes:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            if names != [MEMBER]:
                raise RecordError(f"{path}: expected exactly one member {MEMBER!r}, found {names}")
            info = archive.getinfo(MEMBER)
            archive_bytes = path.stat().st_size
            allowance = zip_allowance(archive_bytes, MAX_RECORD_BYTES)
            if info.file_size > allowance:
                raise RecordError(
                    f"{path}: {MEMBER} declares {info.file_size} bytes uncompressed from a "
                    f"{archive_bytes}-byte archive; expected at most {allowance} (a zip bomb?)"
                )
            with archive.open(info) as member:
                data = member.read(allowance + 1)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as exc:
        raise RecordError(f"{path}: damaged zip archive: {exc}") from None
    except (OSError, ValueError, RuntimeError) as exc:
        raise RecordError(f"{path}: unreadable zip archive: {exc}") from None
    if len(data) > min(allowance, info.file_size):
        raise RecordError(
            f"{path}: {MEMBER} yields more than the {info.file_size} bytes it declares"
        )
    return data


def decode_record(data: bytes, source: str = "<record>") -> tuple[Event, ...]:
    """Events from record bytes: one canonical JSON event per line, chain checked."""
    events = decode_events(data, source)
    check_chain(events)
    return events


def decode_events(data: bytes, source: str = "<record>") -> tuple[Event, ...]:
    """Events from record bytes, each line parsed and its envelope checked, the chain NOT checked.

    For the verifier (spec §12), which reports a broken chain as one check among others.
    """
    if data and not data.endswith(b"\n"):
        raise RecordError(f"{source}: the last line is not terminated (truncated record?)")
    events: list[Event] = []
    limits = RecordLimits(0, 0, MAX_SETUP_LINE_BYTES, 1)
    for number, line in enumerate(io.BytesIO(data), start=1):
        where = f"{source}, line {number}"
        if number > limits.events:
            raise RecordError(
                f"{where}: more than {limits.events} events, the most a roll of {limits.roll_size} "
                "members can explain (spec §10.3)"
            )
        if len(line) - 1 > limits.line_bytes:
            raise RecordError(
                f"{where}: {len(line) - 1} bytes, over the cap of {limits.line_bytes} "
                + (
                    "for the Setup event"
                    if number == 1
                    else f"for a roll of {limits.roll_size} members and {limits.choices} "
                    "choices (spec §10.3)"
                )
            )
        try:
            document = parse_canonical(line[:-1])
        except RecordError as exc:
            raise RecordError(f"{where}: {exc}") from None
        if number == 1:
            limits = limits_from_setup(document)
        events.append(event_from_document(document, where))
    return tuple(events)
