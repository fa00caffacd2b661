"""The record as the checks see it: its events, their hashes, and facts derived once (spec §12.1).

The record is read as a stream (a million ballots do not fit in memory as parsed JSON): the view
keeps the few events that are not ballots, a compact column of every event's kind, seq, prev and
hash, and each ballot's credential; the per-ballot checks read the ballots again, in chunks.

Derived facts (the decoded Setup, the joint key, the counted ballots, the decrypted plaintexts)
are computed on first use and cached, failures included: a check that needs a fact whose
derivation failed gets `UnavailableError` and is reported as skipped, naming the fact, while the
check that owns the fact reports the failure itself.
"""

from __future__ import annotations

import hashlib
import json
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TypeVar, cast, overload

from clearcount.core.errors import ClearcountError, RecordError
from clearcount.record.archive import open_record, stream_events
from clearcount.record.chain import EVENT_KINDS, Event, event_from_document
from clearcount.verifier.pool import LocalRunner, TaskRunner

__all__ = [
    "Collector",
    "EventSource",
    "FileSource",
    "MemorySource",
    "RecordView",
    "UnavailableError",
]

T = TypeVar("T")


class UnavailableError(ClearcountError):
    """A fact a check needs could not be derived from the record (an earlier check says why)."""

    def __init__(self, fact: str, reason: str) -> None:
        self.fact = fact
        self.reason = reason
        super().__init__(f"needs {fact}, which could not be derived: {reason}")


class EventSource(Protocol):
    """Where the events come from; iterable more than once (a re-read of a file, or a list)."""

    def __iter__(self) -> Iterator[tuple[Event, bytes]]:
        """Each event with its canonical bytes (the line, without its line feed)."""
        ...

    def lines(self, longest: int) -> Iterator[bytes]:
        """The canonical bytes of each event again, unparsed (none longer than `longest`)."""
        ...


class MemorySource:
    """Events already in memory (a record being built, a test's forged record)."""

    __slots__ = ("events",)

    def __init__(self, events: Sequence[Event]) -> None:
        self.events = tuple(events)

    def __iter__(self) -> Iterator[tuple[Event, bytes]]:
        return ((event, event.encode()) for event in self.events)

    def lines(self, longest: int) -> Iterator[bytes]:
        return (event.encode() for event in self.events)


class FileSource:
    """A record on disk (folder, zip or record.jsonl), read again line by line on each pass."""

    __slots__ = ("path",)

    def __init__(self, path: Path) -> None:
        self.path = path

    def __iter__(self) -> Iterator[tuple[Event, bytes]]:
        return stream_events(self.path)

    def lines(self, longest: int) -> Iterator[bytes]:
        with open_record(self.path) as member:
            while line := member.readline(longest + 2):
                yield line.rstrip(b"\n")


class RecordView:
    """The record as the checks see it, in memory bounded by everything but the ballots.

    One pass over the source keeps every event but the Ballot events whole, and of every event
    its kind, seq, prev and hash (32 bytes each); of a Ballot only its credential (32 bytes, or
    the odd value as found). The ballots themselves are read again from the source, in record
    order, by the checks that need them (`ballot_lines`, `ballot_events`). Read-only after
    creation.
    """

    __slots__ = (
        "_credentials",
        "_facts",
        "_kept",
        "_longest",
        "_odd_credentials",
        "_prevs",
        "_raw_hashes",
        "ballot_seqs",
        "complete",
        "count",
        "hashes",
        "kinds",
        "progress",
        "runner",
        "seqs",
        "source",
    )

    def __init__(
        self,
        source: EventSource | Sequence[Event],
        *,
        workers: int = 1,
        complete: bool = True,
        progress: Callable[[int], None] | None = None,
        runner: TaskRunner | None = None,
    ) -> None:
        self.source: EventSource = MemorySource(source) if isinstance(source, Sequence) else source
        self.runner = runner or LocalRunner(workers)
        self.complete = complete
        """Require a closed election ending in Result (spec §11); off for records in progress."""
        self.progress = progress
        """Called with the number of ballots just checked (for a progress bar)."""
        self._facts: dict[str, object] = {}
        self._kept: dict[int, Event] = {}
        self.kinds: list[str] = []
        self.seqs = array("q")
        self._prevs = bytearray()
        self._raw_hashes = bytearray()
        self.ballot_seqs = array("q")
        """The seq of every Ballot event, in record order."""
        self._credentials = bytearray()
        self._odd_credentials: dict[int, object] = {}
        self._longest = 0
        for position, (event, line) in enumerate(self.source):
            self._longest = max(self._longest, len(line))
            self._raw_hashes += hashlib.sha256(line).digest()
            self._prevs += bytes.fromhex(event.prev)
            self.seqs.append(event.seq)
            self.kinds.append(_KINDS.get(event.kind, event.kind))
            if event.kind == "Ballot":
                self._keep_credential(len(self.ballot_seqs), event.body.get("credential"))
                self.ballot_seqs.append(event.seq)
            else:
                self._kept[position] = event
        self.count = len(self.kinds)
        self.hashes = _HexColumn(self._raw_hashes)
        """The SHA-256 of each event, lowercase hex (spec §10.2), by position."""

    def _keep_credential(self, index: int, credential: object) -> None:
        if isinstance(credential, str) and len(credential) == 64 and not credential.strip(_HEX):
            self._credentials += bytes.fromhex(credential)
        else:
            self._credentials += bytes(32)
            self._odd_credentials[index] = credential

    @property
    def workers(self) -> int:
        return self.runner.workers

    def prev(self, position: int) -> str:
        """The `prev` field of the event at `position`, as hex."""
        return self._prevs[32 * position : 32 * position + 32].hex()

    def event(self, position: int) -> Event:
        """The event at `position`: whole, or for a Ballot its envelope only (an empty body: the
        ballot checks read ballots with `ballot_lines`)."""
        if position in self._kept:
            return self._kept[position]
        seq, kind = self.seqs[position], self.kinds[position]
        return Event(seq, kind, {}, self.prev(position))

    def kept_positions(self) -> Iterator[tuple[int, Event]]:
        """(position, event) of every event but the Ballot events, in record order."""
        return iter(self._kept.items())

    def ballot_positions(self) -> Iterator[int]:
        """The position of every Ballot event, in record order."""
        return (position for position, kind in enumerate(self.kinds) if kind == "Ballot")

    def of_kind(self, kind: str) -> Iterator[Event]:
        if kind == "Ballot":
            return self.ballot_events()
        return (event for event in self._kept.values() if event.kind == kind)

    def ballot_credentials(self) -> Iterator[tuple[int, object]]:
        """(seq, credential) of every Ballot event, in record order: the credential as its 32
        bytes when the field is 64 lowercase hex digits, otherwise the field as found."""
        credentials = self._credentials
        for index, seq in enumerate(self.ballot_seqs):
            if index in self._odd_credentials:
                yield seq, self._odd_credentials[index]
            else:
                yield seq, bytes(credentials[32 * index : 32 * index + 32])

    def ballot_events(self) -> Iterator[Event]:
        """Every Ballot event, read again from the source and parsed (a slow pass: rare checks).
        Each line is the one the first reading found canonical (same hash): plain JSON parses it."""
        for _, line in self._reread_ballots():
            yield event_from_document(json.loads(line), "a Ballot event")

    def ballot_lines(self, size: int) -> Iterator[list[tuple[int, bytes]]]:
        """(seq, canonical bytes) of every Ballot event, `size` at a time, read again from the
        source unparsed (the per-ballot checks parse them where they run)."""
        chunk: list[tuple[int, bytes]] = []
        for seq, line in self._reread_ballots():
            chunk.append((seq, line))
            if len(chunk) == size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    def _reread_ballots(self) -> Iterator[tuple[int, bytes]]:
        """(seq, line) of each Ballot, each line's hash compared with the first reading's."""
        position = -1
        for position, line in enumerate(self.source.lines(self._longest)):
            if position >= self.count:
                break
            if self.kinds[position] != "Ballot":
                continue
            if (
                hashlib.sha256(line).digest()
                != self._raw_hashes[32 * position : 32 * position + 32]
            ):
                raise RecordError(f"event {position}: the record changed while it was verified")
            yield self.seqs[position], line
        if position + 1 != self.count:
            raise RecordError("the record changed while it was verified (its number of events)")

    @property
    def fingerprint(self) -> bytes:
        """The Setup event's hash as 32 bytes: every proof's context (spec §11.1)."""
        if not self.count or self.kinds[0] != "Setup":
            raise UnavailableError("the election fingerprint", "event 0 is not a Setup event")
        return bytes(self._raw_hashes[:32])

    def derive(self, fact: str, compute: Callable[[], T]) -> T:
        """`compute()` once; its result, or UnavailableError if it raised a ClearcountError."""
        if fact not in self._facts:
            try:
                self._facts[fact] = compute()
            except UnavailableError as error:
                self._facts[fact] = error
            except ClearcountError as error:
                self._facts[fact] = UnavailableError(fact, str(error))
        value = self._facts[fact]
        if isinstance(value, UnavailableError):
            raise value
        return cast(T, value)


_HEX = "0123456789abcdef"
_KINDS = {kind: kind for kind in EVENT_KINDS}
"""Interned kind names: one string per kind, however many events."""


class _HexColumn(Sequence[str]):
    """32-byte digests packed in one bytearray, read as lowercase hex."""

    __slots__ = ("_data",)

    def __init__(self, data: bytearray) -> None:
        self._data = data

    def __len__(self) -> int:
        return len(self._data) // 32

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...
    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(len(self))[index]]
        position = range(len(self))[index]
        return self._data[32 * position : 32 * position + 32].hex()


@dataclass(slots=True)
class Collector:
    """What one check gathers while it runs: its findings and a one-line detail."""

    findings: list[tuple[str, int | None, str | None]] = field(default_factory=list)
    detail: str = ""
    applicable: bool = True

    def fail(self, message: str, event: Event | None = None) -> None:
        self.findings.append((message, None if event is None else event.seq, _kind(event)))

    def fail_at(self, message: str, seq: int, kind: str | None = None) -> None:
        self.findings.append((message, seq, kind))

    def not_applicable(self, reason: str) -> None:
        self.applicable = False
        self.detail = reason


def _kind(event: Event | None) -> str | None:
    return None if event is None else event.kind
