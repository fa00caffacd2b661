"""What anyone may see without signing in: the elections, their boards and published records.

The public pages (issue 9) read through this service only. An election is public once its
record has begun (the key ceremony's Setup is on the board); before that it does not exist for
the public (NotFoundError "no such election", the same as an unknown id, so a draft's id is not
confirmed to anyone). The board is paged from the store (`BoardRepository.ballot_hashes`) so
100,000 ballots are never read at once, and a search by tracking-code prefix narrows it in the
database by the hex digits the typed characters fix.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from clearcount.record.archive import MEMBER
from clearcount.record.events import tracking_code_of_hash
from clearcount.service.elections.ports import ElectionUnitOfWork, ElectionUnitOfWorkFactory
from clearcount.service.elections.publication import Verify
from clearcount.service.elections.records import PublicationEntry, StoredElection
from clearcount.service.elections.state import require_election
from clearcount.service.errors import NotFoundError, ValidationError
from clearcount.service.ports import Clock
from clearcount.verifier import Report

__all__ = [
    "BoardEntry",
    "BoardPage",
    "PublicBoardService",
    "PublicElection",
    "PublishedRecord",
    "Verification",
    "code_search",
]

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_ALL = 1 << 40
"""No page limit (a prefix search filters in Python whatever the database could not)."""


@dataclass(frozen=True, slots=True)
class PublicElection:
    """An election as the public index shows it.

    `state`: "upcoming" (record begun, not yet open), "open", "closed" (ballot box closed, no
    record published yet) or "published"."""

    election_id: str
    title: str
    organisation_id: str
    opens: str
    closes: str
    state: str
    ballots: int
    publication: PublicationEntry | None


@dataclass(frozen=True, slots=True)
class BoardEntry:
    seq: int
    tracking_code: str


@dataclass(frozen=True, slots=True)
class BoardPage:
    """One page of the board: `entries` from `offset`, `total` matching the search."""

    election: PublicElection
    search: str
    entries: tuple[BoardEntry, ...]
    offset: int
    total: int
    size: int


@dataclass(frozen=True, slots=True)
class PublishedRecord:
    """The latest publication of a record and the file an observer downloads."""

    entry: PublicationEntry
    file: Path
    """record.jsonl of a folder publication, or the .zip itself: the exact published bytes."""
    complete: bool
    """It ends with the Result event (the verifier then requires the count)."""

    @property
    def filename(self) -> str:
        suffix = ".zip" if self.file.suffix == ".zip" else ".jsonl"
        return f"{self.entry.election_id}-record{suffix}"


@dataclass(frozen=True, slots=True)
class Verification:
    """The published file's SHA-256 and what the independent verifier reports on it."""

    record: PublishedRecord
    sha256: str
    report: Report


def code_search(text: str) -> tuple[str, str]:
    """A typed tracking-code prefix -> (hex prefix the database can match, the normalised code
    prefix to filter on). Dashes and spaces are ignored; O, I and L read as 0, 1 and 1."""
    cleaned = text.replace("-", "").replace(" ", "").upper()
    cleaned = cleaned.translate(str.maketrans("OIL", "011"))
    if len(cleaned) > 32 or any(c not in _CROCKFORD for c in cleaned):
        raise ValidationError(
            "tracking code search", "code", "up to 32 characters of a tracking code", text
        )
    bits = "".join(f"{_CROCKFORD.index(c):05b}" for c in cleaned)
    whole = len(bits) // 4 * 4
    hex_prefix = "".join(f"{int(bits[i : i + 4], 2):x}" for i in range(0, whole, 4))
    return hex_prefix, cleaned


def _grouped(code: str) -> str:
    return code.replace("-", "")


class PublicBoardService:
    """Read-only views of elections for the public pages (no principal: nothing is secret)."""

    def __init__(self, uow: ElectionUnitOfWorkFactory, clock: Clock, verify: Verify) -> None:
        self._uow = uow
        self._clock = clock
        self._verify = verify
        self._verified: dict[tuple[str, str, int, int], tuple[str, Report]] = {}
        self._lock = threading.Lock()

    def elections(self) -> list[PublicElection]:
        """Every public election, open ones first, then the rest by id."""
        with self._uow() as uow:
            found = [self._public(uow, stored) for stored in uow.elections.all()]
        shown = [e for e in found if e is not None]
        order = {"open": 0, "closed": 1, "published": 2, "upcoming": 3}
        return sorted(shown, key=lambda e: (order[e.state], e.election_id))

    def election(self, election_id: str) -> PublicElection:
        """One public election, or NotFoundError "no such election"."""
        with self._uow() as uow:
            public = self._public(uow, self._stored(uow, election_id))
        if public is None:
            raise NotFoundError(f"election {election_id!r}: no such election")
        return public

    def board(
        self, election_id: str, search: str = "", page: int = 1, size: int = 100
    ) -> BoardPage:
        """Page `page` (from 1) of the board's tracking codes, optionally those starting with
        `search` (a tracking-code prefix)."""
        if not 1 <= size <= 1000:
            raise ValidationError("board", "size", "1 to 1000 codes a page", size)
        if page < 1:
            raise ValidationError("board", "page", "a page number from 1", page)
        hex_prefix, wanted = code_search(search)
        offset = (page - 1) * size
        exact = len(wanted) * 5 % 4 == 0
        with self._uow() as uow:
            public = self._public(uow, self._stored(uow, election_id))
            if public is None:
                raise NotFoundError(f"election {election_id!r}: no such election")
            if exact:
                rows, total = uow.board.ballot_hashes(election_id, hex_prefix, offset, size)
            else:
                rows, _ = uow.board.ballot_hashes(election_id, hex_prefix, 0, _ALL)
        entries = [BoardEntry(seq, tracking_code_of_hash(h)) for seq, h in rows]
        if not exact:
            entries = [e for e in entries if _grouped(e.tracking_code).startswith(wanted)]
            total = len(entries)
            entries = entries[offset : offset + size]
        return BoardPage(public, search.strip(), tuple(entries), offset, total, size)

    def published_record(self, election_id: str) -> PublishedRecord:
        """The latest publication's file, or NotFoundError if the record is not published."""
        with self._uow() as uow:
            self._stored(uow, election_id)
            entries = list(uow.publications.list(election_id))
            result = uow.board.last(election_id, "Result")
        if not entries:
            raise NotFoundError(
                f"election {election_id!r}: the record is not published yet; it can be "
                "downloaded once the returning officer publishes it"
            )
        entry = entries[-1]
        path = Path(entry.path)
        file = path / MEMBER if path.is_dir() else path
        if not file.is_file():
            raise NotFoundError(
                f"election {election_id!r}: the published record file is missing on the server"
            )
        complete = result is not None and result.hash == entry.head
        return PublishedRecord(entry, file, complete)

    def verification(self, election_id: str) -> Verification:
        """The verifier's report on the published file itself, cached by the record's hash
        (and the file's size and time, so a republished file is verified again)."""
        record = self.published_record(election_id)
        stat = record.file.stat()
        key = (record.entry.head, str(record.file), stat.st_size, stat.st_mtime_ns)
        with self._lock:
            cached = self._verified.get(key)
        if cached is None:
            digest = hashlib.sha256()
            with record.file.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
            cached = (digest.hexdigest(), self._verify(record.file, record.complete))
            with self._lock:
                self._verified[key] = cached
        return Verification(record, cached[0], cached[1])

    def _stored(self, uow: ElectionUnitOfWork, election_id: str) -> StoredElection:
        return require_election(uow, election_id)

    def _public(self, uow: ElectionUnitOfWork, stored: StoredElection) -> PublicElection | None:
        eid = stored.election_id
        counts = uow.board.counts(eid)
        if not counts.get("Setup"):
            return None
        publications: Sequence[PublicationEntry] = uow.publications.list(eid)
        d = stored.definition
        now = self._clock.now()
        if publications:
            state = "published"
        elif counts.get("EndBallots") or now >= d.closes:
            state = "closed"
        elif now >= d.opens:
            state = "open"
        else:
            state = "upcoming"
        return PublicElection(
            eid,
            d.title,
            d.organisation_id,
            d.opens.isoformat(),
            d.closes.isoformat(),
            state,
            counts.get("Ballot", 0),
            publications[-1] if publications else None,
        )
