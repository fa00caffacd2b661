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
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, BinaryIO

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
    "LineDecoder",
    "decode_events",
    "decode_record",
    "open_record",
    "read_record",
    "read_record_bytes",
    "stream_events",
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
    with open_record(path) as member:
        return member.read()


@contextmanager
def open_record(path: Path) -> Iterator[BinaryIO]:
    """`record.jsonl` of a folder, a zip or a bare file, open for reading line by line.

    The same limits as reading it whole: a bare file over MAX_RECORD_BYTES is refused; a zip
    must hold exactly one member whose declared size is in proportion to the archive, and it is
    cut off (RecordError) as soon as it yields more than it declared.
    """
    try:
        if path.is_dir():
            path = path / MEMBER
        if zipfile.is_zipfile(path):
            with _zip_member(path) as member:
                yield member
            return
        if path.stat().st_size > MAX_RECORD_BYTES:
            raise RecordError(f"{path}: larger than {MAX_RECORD_BYTES} bytes")
        with path.open("rb") as file:
            yield file
    except OSError as exc:
        raise RecordError(f"{path}: cannot read record: {exc.strerror or exc}") from None


@contextmanager
def _zip_member(path: Path) -> Iterator[BinaryIO]:
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
                yield _Bounded(member, min(allowance, info.file_size), path)  # type: ignore[misc]
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,
        EOFError,
        zlib.error,
    ) as exc:
        raise RecordError(f"{path}: damaged zip archive: {exc}") from None
    except (OSError, ValueError, RuntimeError) as exc:
        raise RecordError(f"{path}: unreadable zip archive: {exc}") from None


class _Bounded:
    """A zip member that raises RecordError once it yields more than `limit` bytes."""

    def __init__(self, member: IO[bytes], limit: int, path: Path) -> None:
        self.member, self.limit, self.path, self.seen = member, limit, path, 0

    def _count(self, data: bytes) -> bytes:
        self.seen += len(data)
        if self.seen > self.limit:
            raise RecordError(
                f"{self.path}: {MEMBER} yields more than the {self.limit} bytes it declares"
            )
        return data

    def read(self, size: int = -1) -> bytes:
        return self._count(self.member.read(self.limit + 1 - self.seen if size < 0 else size))

    def readline(self, size: int = -1) -> bytes:
        return self._count(self.member.readline(size))


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
    decoder = LineDecoder(source)
    return tuple(decoder.event(line) for line in io.BytesIO(data))


def stream_events(path: Path) -> Iterator[tuple[Event, bytes]]:
    """Each event of the record at `path` with its canonical bytes, read one line at a time.

    The same checks and messages as `decode_events` (spec §10.3), in bounded memory: a line is
    read only up to the current cap, so an endless line is refused, never held.
    """
    decoder = LineDecoder(str(path))
    with open_record(path) as member:
        while line := member.readline(decoder.limits.line_bytes + 2):
            if not line.endswith(b"\n") and len(line) <= decoder.limits.line_bytes:
                raise RecordError(f"{path}: the last line is not terminated (truncated record?)")
            yield decoder.event(line), line[:-1]


class LineDecoder:
    """Parses one record line after another, with the caps the Setup line sets (spec §10.3)."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.number = 0
        self.limits = RecordLimits(0, 0, MAX_SETUP_LINE_BYTES, 1)

    def event(self, line: bytes) -> Event:
        """The event of the next `line` (with its line feed)."""
        self.number += 1
        number, limits = self.number, self.limits
        where = f"{self.source}, line {number}"
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
            document = parse_canonical(memoryview(line)[:-1])  # no copy of a long line
        except RecordError as exc:
            raise RecordError(f"{where}: {exc}") from None
        if number == 1:
            self.limits = limits_from_setup(document)
        return event_from_document(document, where)
