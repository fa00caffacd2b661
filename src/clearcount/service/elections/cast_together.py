"""Booth casts written together: one transaction, lock and commit for a batch (issue 12).

`CastTogether.write(election_id, casts)` is what `GroupCommit` (service.elections.group_commit)
runs for the casts of one election waiting at once. Each cast is what `CastingService.cast`
takes from the booth: an `Admission` (the one-time code) and a ballot whose proofs and signature
were checked ahead, outside any lock (`verified_ahead`). In one transaction it:

1. admits each cast by its code (`Admission.admit`, reading only);
2. takes the election's lock and reads what every cast shares once: the counts of the record,
   the timetable, the Election, the chain's tail, the cancelled credentials among the batch's;
3. checks each cast as `CastingService.cast` does, reading only: eligible, no paper vote, not
   a re-send or a replay, its credential bound to no other member, accepted by the board
   (`protocol.board.cast`, chained after the batch's earlier casts);
4. counts the casts that passed against their addresses' limits, one statement per address
   (`count`: the booth's `RateLimitService.count_many`; each `Admission.locked` by default):
   one over its limit is refused and stays counted, as alone, and the others are chained
   again without it;
5. writes each cast that is still in: the binding, the Ballot event, the register's line, the
   code used up (`Admission.stored`); and commits once, durably.

Each step runs the code a cast alone runs, over a `BatchWork` (service.elections.batch_work)
that reads for every cast of the batch in one query per kind and makes each kind of write in
one statement.

A cast that any step would refuse, or that needs more than the common path - a re-send, a
second cast of one member or credential in the batch, an election not open - is left out with
nothing written for it (outcome None), and its request thread casts it alone afterwards
(`CastingService.cast`), which refuses or answers it exactly as it always has. So the batch
only ever accepts what the cast alone would accept, in the same order. A database failure
fails the whole batch, each cast with the words `CastingService.cast` uses (nothing stored,
or not known whether the commit landed: cast again).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from clearcount.core.errors import ClearcountError
from clearcount.protocol import board as bb
from clearcount.protocol.board import Board
from clearcount.protocol.context import Election
from clearcount.record import codec
from clearcount.record.chain import Event
from clearcount.record.events import Ballot
from clearcount.service.authorisation import Principal, authorise
from clearcount.service.elections.batch_work import BatchWork
from clearcount.service.elections.casting import Admission, CastReceipt, receipt_of, storage_words
from clearcount.service.elections.credential_binding import bound_to, credential_key, write_binding
from clearcount.service.elections.ports import ElectionUnitOfWork
from clearcount.service.elections.records import (
    PAPER_CHANNELS,
    RegisterMark,
    StoredElection,
    register_day,
)
from clearcount.service.elections.register import require_eligible
from clearcount.service.elections.sign_in import SignInUnitOfWork
from clearcount.service.elections.state import (
    ChainTail,
    board_of,
    load_election,
    require_election,
    tail_of,
)
from clearcount.service.errors import CommitUncertainError, StorageUnavailableError
from clearcount.service.ports import Clock

__all__ = ["CastTogether", "Outcome", "TogetherCast"]


@dataclass(frozen=True, slots=True)
class TogetherCast:
    """One booth cast waiting to be written: who (by code), what, and what it was checked
    against ahead (None: not checked yet, the board checks its proofs under the lock)."""

    admission: Admission
    ballot: Ballot
    checked: Election | None
    email: str
    """The address the code was mailed to: the batch reads every cast's members at once."""


_STORAGE = (StorageUnavailableError, CommitUncertainError)
"""The database failed: the whole batch fails (never taken for one cast's refusal)."""

Counting = Callable[
    [ElectionUnitOfWork, StoredElection, Sequence[Admission]], Sequence[Exception | None]
]
"""Counts the casts that passed against their limits, in one go: each its refusal or None."""

Outcome = CastReceipt | Exception | None
"""The receipt; the refusal to raise (an address over its limit: counted); or None: not
written, cast it alone."""


@dataclass(slots=True)
class _Candidate:
    index: int
    cast: TogetherCast
    voter: Principal
    online_before: bool = False
    bound: bool = False
    event: Event | None = None


class CastTogether:
    """Writes a batch of one election's booth casts (see the module's docstring)."""

    def __init__(self, uow: Callable[[], SignInUnitOfWork], clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def write(
        self, election_id: str, casts: Sequence[TogetherCast], count: Counting | None = None
    ) -> list[Outcome]:
        """Each cast's outcome; `count` counts the casts that passed every check against
        their limits (each `Admission.locked` by default)."""
        count = count or _each_locked
        outcomes: list[Outcome] = [None] * len(casts)
        at = self._clock.now()
        with storage_words(), self._uow() as uow:
            batch = BatchWork(uow, election_id)
            work = batch.work
            ahead = work.elections.get(election_id)
            if ahead is None:
                return outcomes  # each alone gets the refusal's own words
            batch.read_sign_in(ahead, [c.email for c in casts])
            admitted = _admit(work, casts)
            if not admitted:
                return outcomes
            stored = require_election(work, election_id, lock=True)
            d = stored.definition
            counts = work.board.counts(election_id)
            if counts.get("EndBallots") or not d.opens <= at < d.closes:
                return outcomes
            election = load_election(work, election_id)
            tail = tail_of(work, election_id, counts)
            credentials = [c.cast.ballot.credential.to_bytes() for c in admitted]
            hexed = [c.hex() for c in credentials]
            batch.read_checks([c.voter.name for c in admitted], hexed,
                              [credential_key(election_id, c) for c in hexed])  # fmt: skip
            board = board_of(work, election_id, election, counts, tail=tail,
                             credentials=credentials)  # fmt: skip
            passing: list[_Candidate] = []
            chained = (tail, board)
            for candidate in admitted:
                if not _passes(work, stored, candidate):
                    continue
                cast = candidate.cast
                proofs = election is not cast.checked  # else checked ahead, against this one
                try:
                    board, candidate.event = bb.cast(tail, board, cast.ballot, check_proofs=proofs)
                except ClearcountError:
                    continue  # refused: alone, it is refused in the board's words
                tail = ChainTail(len(tail) + 1, candidate.event)
                passing.append(candidate)
            refusals = count(work, stored, [c.cast.admission for c in passing]) if passing else []
            accepted = [c for c, refused in zip(passing, refusals, strict=True) if refused is None]
            for candidate, refused in zip(passing, refusals, strict=True):
                outcomes[candidate.index] = refused  # over the limit: counted, and refused
            if len(accepted) < len(passing):
                _chain(*chained, accepted)  # without the refused ones
            day = register_day(at)
            for candidate in accepted:
                _write(work, election_id, candidate, day)
            batch.write()
            uow.commit()  # the accepted casts, and the refusals' counts against the limit
        for candidate in accepted:
            assert candidate.event is not None
            receipt = receipt_of(election_id, candidate.event, at, candidate.online_before)
            outcomes[candidate.index] = receipt
        return outcomes


def _each_locked(
    uow: ElectionUnitOfWork, stored: StoredElection, admissions: Sequence[Admission]
) -> list[Exception | None]:
    """Each cast counted by its own `Admission.locked`: its refusal, or None."""
    found: list[Exception | None] = []
    for admission in admissions:
        try:
            admission.locked(uow, stored)
        except _STORAGE:
            raise
        except Exception as refused:  # over the limit (booth_cast): counted, refused
            found.append(refused)
        else:
            found.append(None)
    return found


def _chain(tail: ChainTail, board: Board, accepted: Sequence[_Candidate]) -> None:
    """Chain the accepted casts' events again from the batch's first tail (their proofs and
    the board's checks were passed already)."""
    for candidate in accepted:
        board, candidate.event = bb.cast(tail, board, candidate.cast.ballot, check_proofs=False)
        tail = ChainTail(len(tail) + 1, candidate.event)


def _admit(uow: ElectionUnitOfWork, casts: Sequence[TogetherCast]) -> list[_Candidate]:
    """The casts whose code admits a voter to a new ballot, one per member and credential:
    the rest (a refused or used code, a second cast of one member or credential) go alone."""
    found: list[_Candidate] = []
    members: set[str] = set()
    credentials: set[bytes] = set()
    for index, cast in enumerate(casts):
        try:
            voter, used = cast.admission.admit(uow)
            authorise(voter, "casting.cast")
        except _STORAGE:
            raise
        except Exception:  # noqa: S112  # the cast alone words or raises it
            continue
        credential = cast.ballot.credential.to_bytes()
        if used or voter.name in members or credential in credentials:
            continue
        members.add(voter.name)
        credentials.add(credential)
        found.append(_Candidate(index, cast, voter))
    return found


def _passes(uow: ElectionUnitOfWork, stored: StoredElection, candidate: _Candidate) -> bool:
    """Whether the cast alone would get past its checks before the board (reading only):
    eligible, no paper ballot, a new ballot (not a re-send, not a replay), its credential
    bound to this member or to no one. Notes whether the member voted online before."""
    election_id, member_id = stored.election_id, candidate.voter.name
    ballot = candidate.cast.ballot
    try:
        require_eligible(uow, stored, member_id)
        marks = uow.register.for_member(election_id, member_id)
        if any(m.channel in PAPER_CHANNELS for m in marks):
            return False
        credential = codec.hexify(ballot.credential)
        if bb.resent(ballot, uow.board.ballots_of(election_id, credential)) is not None:
            return False
        candidate.bound = bound_to(uow, election_id, credential, member_id)
    except _STORAGE:
        raise
    except ClearcountError:
        return False
    candidate.online_before = any(m.channel == "online" for m in marks)
    return True


def _write(uow: ElectionUnitOfWork, election_id: str, candidate: _Candidate, day: str) -> None:
    """What the cast alone writes once the board accepted its ballot, in the same order."""
    assert candidate.event is not None
    member_id = candidate.voter.name
    if not candidate.bound:
        write_binding(uow, election_id, codec.hexify(candidate.cast.ballot.credential), member_id)
    uow.board.append(election_id, candidate.event)
    uow.register.add(RegisterMark(election_id, member_id, "online", day, "online"))
    candidate.cast.admission.stored(uow)
