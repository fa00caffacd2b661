"""The stored election record as the protocol's phases see it (spec §10.2, §11.4-§11.6).

Shared by the lifecycle services: find an election, read its `Election` (events 0 and 1, checked
once and cached by their hashes), rebuild the board's view (`protocol.board.Board`) from counts
and the last events instead of re-reading every ballot, and give the protocol a `ChainTail`
(length and last event: all `record.chain.next_event` reads) to append to.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import overload

from clearcount.core.errors import ClearcountError
from clearcount.core.suggest import no_such
from clearcount.protocol.board import Board
from clearcount.protocol.context import Election, read_election
from clearcount.record.chain import GENESIS, Event, stored_head
from clearcount.service.elections.ports import ElectionUnitOfWork
from clearcount.service.elections.records import StoredElection
from clearcount.service.errors import ElectionStateError, NotFoundError

__all__ = [
    "COUNTING_KINDS",
    "PHASES",
    "ChainTail",
    "board_of",
    "cached_election",
    "full_chain",
    "load_election",
    "phase_of",
    "require_election",
    "tail_of",
]

COUNTING_KINDS = ("EncryptedTally", "Shuffle", "PartialDecryption", "Result")
PHASES = ("defined", "setup", "open", "closed", "counting", "declared")
"""defined: no record yet; setup: Setup (event 0) only; open: credentials published, casting
allowed within the timetable; closed: EndBallots; counting: a tally, shuffle or partial
decryption; declared: the Result."""

_CACHE: dict[tuple[str, str, str], Election] = {}
_CACHE_LIMIT = 64
_LATEST: dict[str, Election] = {}
"""Election id -> the Election `load_election` last returned for it in this process."""


def phase_of(counts: Mapping[str, int]) -> str:
    """The election's phase from the number of events of each kind (see `PHASES`)."""
    if counts.get("Result"):
        return "declared"
    if any(counts.get(kind) for kind in COUNTING_KINDS):
        return "counting"
    if counts.get("EndBallots"):
        return "closed"
    if counts.get("Credentials"):
        return "open"
    return "setup" if counts.get("Setup") else "defined"


def require_election(
    uow: ElectionUnitOfWork, election_id: str, *, lock: bool = False
) -> StoredElection:
    """The stored election, or NotFoundError; `lock` serialises writers to its record."""
    stored = uow.elections.get(election_id, lock=lock)
    if stored is None:
        raise NotFoundError(no_such("election", election_id, uow.elections.ids()))
    return stored


def load_election(uow: ElectionUnitOfWork, election_id: str) -> Election:
    """Events 0 and 1 read and checked (spec §11.1-§11.3); ElectionStateError if missing.
    Checked once per process: later calls read only the two events' stored hashes (not the
    Credentials event, one entry per voter) and find the Election by them."""
    heads = uow.board.kinds_and_hashes(election_id, ("Setup", "Credentials"))
    if not heads or heads[0][0] != "Setup":
        raise ElectionStateError(
            f"election {election_id!r}: expected the key ceremony's Setup event, got none "
            "(run the key ceremony first)"
        )
    if len(heads) < 2:
        raise ElectionStateError(
            f"election {election_id!r}: expected the published credentials (event 1), got none "
            "(the credential authority has not published them yet)"
        )
    key = (election_id, heads[0][1], heads[1][1])
    election = _CACHE.get(key)
    if election is None:
        first = uow.board.events(election_id, ("Setup", "Credentials"))[:2]
        if tuple(e.hash for e in first) != key[1:]:
            raise ElectionStateError(
                f"election {election_id!r}: events 0 and 1 do not hash to the hashes stored "
                "with them (the database was changed outside clearcount)"
            )
        try:
            election = read_election(first)
        except ClearcountError as error:
            raise ElectionStateError(f"election {election_id!r}: {error}") from None
        if len(_CACHE) >= _CACHE_LIMIT:
            _CACHE.clear()
            _LATEST.clear()
        _CACHE[key] = election
    _LATEST[election_id] = election
    return election


def cached_election(election_id: str) -> Election | None:
    """The Election this process last loaded for `election_id`, without reading the database:
    a guess to do work ahead with, to be confirmed against `load_election` (the same object
    means the same events 0 and 1, by their hashes)."""
    return _LATEST.get(election_id)


class ChainTail(Sequence[Event]):
    """A record of `length` events of which only the last is loaded: enough for
    `record.chain.next_event` (the next seq and the previous hash)."""

    def __init__(self, length: int, last: Event | None) -> None:
        if (length == 0) != (last is None) or (last is not None and last.seq != length - 1):
            raise ValueError(f"ChainTail: {length} events with last {last!r}")
        self._length = length
        self._last = last

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, index: int) -> Event: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Event]: ...
    def __getitem__(self, index: int | slice) -> Event | Sequence[Event]:
        if isinstance(index, int) and self._last is not None and index in (-1, self._length - 1):
            return self._last
        raise IndexError(f"ChainTail holds only the last event, not {index!r}")

    def __iter__(self) -> Iterator[Event]:
        raise TypeError("ChainTail holds only the last event; read the full chain to iterate")


def tail_of(uow: ElectionUnitOfWork, election_id: str, counts: Mapping[str, int]) -> ChainTail:
    """The chain's length and its last event's seq, kind and stored hash, which is all an
    append reads (`record.chain.stored_head`: the document is not read and parsed)."""
    total = sum(counts.values())
    head = uow.board.last_head(election_id) if total else None
    return ChainTail(total, None if head is None else stored_head(*head))


def full_chain(uow: ElectionUnitOfWork, election_id: str) -> list[Event]:
    return list(uow.board.events(election_id))


def board_of(
    uow: ElectionUnitOfWork,
    election_id: str,
    election: Election,
    counts: Mapping[str, int],
    *,
    credentials: Collection[bytes] | None = None,
    tail: ChainTail | None = None,
) -> Board:
    """The board's view (spec §11.4-§11.6) from counts, the last ballot and the credentials
    the paper batches cancelled (stored apart, migration 0014). With `credentials` (a cast, or
    a batch of them) its cancelled set holds at most those credentials: an indexed lookup each
    answers the only question a cast asks of it, whatever the number of papers. With the
    chain's `tail`, whose last event is usually a Ballot while voting goes on, the last ballot
    is not read again."""
    if credentials is None:
        stored = uow.board.cancelled(election_id)
    else:
        hexed = (c.hex() for c in credentials)
        stored = frozenset(c for c in hexed if uow.board.is_cancelled(election_id, c))
    cancelled = frozenset(bytes.fromhex(c) for c in stored)
    end = tail[-1] if tail is not None and len(tail) else None
    last = (
        end if end is not None and end.kind == "Ballot" else uow.board.last(election_id, "Ballot")
    )
    return Board(
        election,
        cancelled,
        closed=bool(counts.get("EndBallots")),
        ballots=counts.get("Ballot", 0),
        last_ballot=GENESIS if last is None else last.hash,
        counting=any(counts.get(kind) for kind in COUNTING_KINDS),
    )
