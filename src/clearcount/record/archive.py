"""Storing a record: JSON Lines of canonical events, in a folder or a zip (spec §10.3).

A panel downloads one file, archives it and can read it with any tool: `record.jsonl` holds one
canonical event per line. Reading is defensive: size limits (no zip bombs, no unbounded lines),
every line parsed as canonical JSON, the chain checked, and every failure a RecordError naming the
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
            if info.file_size > MAX_RECORD_BYTES:
                raise RecordError(
                    f"{path}: {MEMBER} declares {info.file_size} bytes, over the limit"
                )
            with archive.open(info) as member:
                data = member.read(MAX_RECORD_BYTES + 1)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as exc:
        raise RecordError(f"{path}: damaged zip archive: {exc}") from None
    if len(data) > MAX_RECORD_BYTES:
        raise RecordError(f"{path}: {MEMBER} is larger than the limit")
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
    for number, line in enumerate(io.BytesIO(data), start=1):
        where = f"{source}, line {number}"
        try:
            document = parse_canonical(line[:-1])
        except RecordError as exc:
            raise RecordError(f"{where}: {exc}") from None
        events.append(event_from_document(document, where))
    return tuple(events)
