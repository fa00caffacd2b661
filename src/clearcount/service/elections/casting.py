"""Casting online: the board accepts a ballot, the register marks the voter (spec §11.4-§11.5).

`CastingService.cast(voter, election_id, ballot)` is what the web page calls once it has
authenticated the member (`voter`: their `Principal`, role voter; service.authorisation) and
their device has encrypted, proved and signed the ballot (`protocol.casting.make_ballot`). In
one transaction it:

1. refuses a closed or not-yet-open election (EndBallots on the record, or outside the
   timetable) with ElectionStateError;
2. refuses a member who is not eligible on the committed roll (IneligibleVoterError, without
   the reason, which is audited as `vote.refused_ineligible`);
3. refuses a second ballot on another channel (ChannelConflictError): a member who voted in a
   meeting or by post cannot vote online, under the published precedence (spec §11.6);
4. answers a ballot the board already holds as this credential's last - the booth sent it
   again because the answer to its cast was lost - with that ballot's receipt (`resent`),
   appending nothing (`protocol.board.resent`; the same proofs twice would fail the record's
   V-CHALLENGE-1), and refuses one that repeats a proof of an earlier ballot (a replay);
5. has the board accept the ballot (`protocol.board.cast`: published, uncancelled credential;
   every proof and the signature) or refuses it (BallotRefusedError naming the reason);
6. binds the credential to this member on its first use, and refuses a credential another
   member voted with first (CredentialBoundError; Belenios' login binding, see
   `service.elections.credential_binding`);
7. appends the Ballot event and a line of the marked register (member, "online", day) - no
   credential, tracking code, order or time finer than the day in that line, so it does not
   line up with the Ballot event - and commits durably.

Only then is the tracking code (spec §11.4) returned. If the database fails at any point the
transaction is rolled back: StorageUnavailableError, no tracking code, nothing half-written;
the voter may cast again. If the connection is lost during the commit itself
(CommitUncertainError) the ballot may be stored or not: the voter is told so and sends it
again, and step 4 answers with the receipt of the stored one, or step 7 stores it now.
Re-voting is allowed: the last ballot per credential counts, and only the member the
credential is bound to can re-vote with it.

What the operator still learns (docs/service/casting.md): who cast which ciphertext, as the
server of Helios or Belenios does; it cannot decrypt any single ballot without a threshold of
trustees.
"""

from __future__ import annotations

import base64
import contextlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import NoReturn, Protocol

from clearcount.core.errors import ClearcountError
from clearcount.protocol import board as bb
from clearcount.protocol.casting import verify_ballot
from clearcount.protocol.context import Election
from clearcount.record import codec
from clearcount.record.chain import Event
from clearcount.record.events import Ballot, Spoiled, tracking_code
from clearcount.service.audit import format_instant
from clearcount.service.authorisation import Principal, Role, authorise
from clearcount.service.elections.credential_binding import bind_credential
from clearcount.service.elections.ports import ElectionUnitOfWork, ElectionUnitOfWorkFactory
from clearcount.service.elections.records import (
    PAPER_CHANNELS,
    RegisterMark,
    StoredElection,
    register_day,
)
from clearcount.service.elections.register import record_refusal, require_eligible
from clearcount.service.elections.state import (
    board_of,
    cached_election,
    load_election,
    require_election,
    tail_of,
)
from clearcount.service.errors import (
    BallotRefusedError,
    ChannelConflictError,
    CommitUncertainError,
    ElectionStateError,
    IneligibleVoterError,
    NotFoundError,
    StorageUnavailableError,
    ValidationError,
)
from clearcount.service.ports import Clock

__all__ = [
    "Admission",
    "BoardLookup",
    "CastReceipt",
    "CastingService",
    "parse_ballot",
    "receipt_of",
    "storage_words",
    "tracking_prefix",
    "verified_ahead",
]

_FROM_CROCKFORD = str.maketrans(
    "0123456789ABCDEFGHJKMNPQRSTVWXYZOIL", "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567ABB"
)


BOOTH_SIGN_IN = Principal("booth sign-in (not yet signed in)", Role.VOTER)
"""Who casts until an `Admission` has signed the voter in."""


class Admission(Protocol):
    """Who casts, decided inside the cast's own transaction: the booth's sign-in by one-time
    code (`service.elections.booth_cast`), so that signing in, casting and using the code up
    are one transaction instead of three."""

    def admit(self, uow: ElectionUnitOfWork) -> tuple[Principal, bool]:
        """The signed-in voter, and whether their code was used already (then only a re-send
        of their stored ballot is answered, `refuse_used` otherwise); raises to refuse."""
        ...

    def locked(self, uow: ElectionUnitOfWork, stored: StoredElection) -> None:
        """Called once the election's lock is held (the request counted against its limit)."""
        ...

    def refuse_used(self) -> NoReturn:
        """Raise: a used code for a ballot that is not a re-send of the stored one."""
        ...

    def stored(self, uow: ElectionUnitOfWork) -> None:
        """Called in the transaction just before it commits a new ballot (the code used up)."""
        ...


@dataclass(frozen=True, slots=True)
class CastReceipt:
    """What the voter is shown once their ballot is durably on the board."""

    election_id: str
    tracking_code: str
    event_hash: str
    seq: int
    cast_at: str
    revote: bool
    """The member had voted online before: this ballot replaces the earlier one."""
    resent: bool = False
    """This very ballot was already on the board (an earlier answer was lost): the receipt is
    that ballot's, and nothing new was stored."""


@dataclass(frozen=True, slots=True)
class BoardLookup:
    """A tracking code checked on the board: `state` is "counted" (the last ballot of its
    credential), "replaced" (a later re-vote counts) or "cancelled" (a paper ballot counts)."""

    tracking_code: str
    seq: int
    state: str


def tracking_prefix(code: str) -> str:
    """The 40 hex digits of the event hash a tracking code shows (spec §11.4)."""
    text = code.replace("-", "").replace(" ", "").upper().translate(_FROM_CROCKFORD)
    try:
        raw = base64.b32decode(text) if len(text) == 32 else b""
    except ValueError:
        raw = b""
    if len(raw) != 20:
        raise ValidationError("tracking code", "code", "8 groups of 4 characters", code)
    return raw.hex()


def receipt_of(
    election_id: str, event: Event, at: datetime, revote: bool, resent: bool = False
) -> CastReceipt:
    """The receipt for the Ballot `event` cast at `at` (spec §11.4: its tracking code)."""
    stamp = format_instant(at)
    return CastReceipt(election_id, tracking_code(event), event.hash, event.seq, stamp, revote,
                       resent)  # fmt: skip


@contextlib.contextmanager
def storage_words() -> Iterator[None]:
    """The database's failures worded for the voter: no tracking code, and what to do."""
    try:
        yield
    except CommitUncertainError as error:
        raise CommitUncertainError(
            f"we cannot tell whether your ballot was recorded ({error}) and no tracking "
            "code was issued; please cast it again: if it was recorded you get its "
            "tracking code, and in any case only your last ballot counts"
        ) from error
    except StorageUnavailableError as error:
        raise StorageUnavailableError(
            f"your ballot was NOT recorded and no tracking code was issued ({error}); "
            "please cast it again later"
        ) from error


def parse_ballot(ballot: Ballot | Mapping[str, object]) -> Ballot:
    """The Ballot of a cast's body, or BallotRefusedError naming what is wrong."""
    if isinstance(ballot, Ballot):
        return ballot
    try:
        return Ballot.from_body(ballot, "ballot")
    except ClearcountError as error:
        raise BallotRefusedError(f"ballot refused: {error}") from None


def verified_ahead(election_id: str, ballot: Ballot) -> Election | None:
    """The election `ballot`'s proofs and signature were just checked against (spec §11.4),
    outside any transaction; None when this process has not loaded the election yet, the
    credential is not on its list, or the check failed: the board then checks under the lock
    against the election it loads, and words the refusal itself (the guess may be stale, e.g.
    another database with the same election id)."""
    election = cached_election(election_id)
    if election is None or ballot.credential.to_bytes() not in election.credentials:
        return None
    try:
        verify_ballot(election, ballot)
    except ClearcountError:
        return None
    return election


class CastingService:
    """Online casting, Benaloh challenges and tracking-code checks (spec §11.4-§11.5)."""

    def __init__(self, uow: ElectionUnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def cast(
        self,
        principal: Principal | Admission,
        election_id: str,
        ballot: Ballot | Mapping[str, object],
    ) -> CastReceipt:
        """Accept an authenticated member's ballot; the receipt only after a durable commit.
        The member is the principal (a voter, authenticated by the web login or the CLI), or
        the one an `Admission` signs in inside this same transaction (the booth)."""
        admission = None if isinstance(principal, Principal) else principal
        voter = principal if isinstance(principal, Principal) else BOOTH_SIGN_IN
        if admission is None:
            authorise(voter, "casting.cast")
        ballot = parse_ballot(ballot)
        checked = verified_ahead(election_id, ballot)
        at = self._clock.now()
        try:
            with storage_words(), self._uow() as uow:
                used = False
                if admission is not None:
                    voter, used = admission.admit(uow)
                    authorise(voter, "casting.cast")
                member_id = voter.name
                stored = require_election(uow, election_id, lock=True)
                if admission is not None:
                    admission.locked(uow, stored)
                d = stored.definition
                counts = uow.board.counts(election_id)
                if counts.get("EndBallots"):
                    raise ElectionStateError(
                        f"election {election_id!r}: expected an open election, got one that is "
                        "closed (no more online ballots)"
                    )
                if at < d.opens or at >= d.closes:
                    raise ElectionStateError(
                        f"election {election_id!r}: expected a ballot between "
                        f"{format_instant(d.opens)} and {format_instant(d.closes)}, got one at "
                        f"{format_instant(at)} (outside the timetable)"
                    )
                election = load_election(uow, election_id)
                require_eligible(uow, stored, member_id)
                marks = uow.register.for_member(election_id, member_id)
                paper = next((m for m in marks if m.channel in PAPER_CHANNELS), None)
                if paper is not None:
                    raise ChannelConflictError(
                        f"member {member_id!r}: already voted by {paper.channel} ballot on "
                        f"{paper.day}; under the published channel precedence "
                        f"{list(d.channels)} a {paper.channel} ballot cancels online voting, "
                        "so this second ballot is refused"
                    )
                credential = codec.hexify(ballot.credential)
                earlier = uow.board.ballots_of(election_id, credential)
                try:
                    again = bb.resent(ballot, earlier)
                    if again is None and used and admission is not None:
                        admission.refuse_used()
                    if again is None:
                        tail = tail_of(uow, election_id, counts)
                        board = board_of(uow, election_id, election, counts, tail=tail,
                                         credentials=[ballot.credential.to_bytes()])  # fmt: skip
                        proofs = election is not checked  # else checked before the lock
                        _, event = bb.cast(tail, board, ballot, check_proofs=proofs)
                except ClearcountError as error:
                    raise BallotRefusedError(f"ballot refused: {error}") from None
                bind_credential(uow, election_id, credential, member_id)
                if again is None:
                    uow.board.append(election_id, event)
                    day = register_day(at)
                    uow.register.add(RegisterMark(election_id, member_id, "online", day, "online"))
                    if admission is not None:
                        admission.stored(uow)
                    uow.commit()
                else:
                    event = again  # already stored: nothing to write
                    if admission is not None:
                        uow.commit()  # but the request's count against the rate limit
        except IneligibleVoterError as refused:
            record_refusal(self._uow, at, voter.name, election_id, refused)
            raise
        if again is None:
            return receipt_of(election_id, event, at, any(m.channel == "online" for m in marks))
        return receipt_of(election_id, again, at, any(e.seq < again.seq for e in earlier), True)

    def challenge(
        self, principal: Principal, election_id: str, spoiled: Spoiled | Mapping[str, object]
    ) -> str:
        """Publish a Benaloh-challenged ballot (spec §11.5); returns its event hash. It is
        never counted and marks nobody in the register."""
        authorise(principal, "casting.challenge")
        try:
            if not isinstance(spoiled, Spoiled):
                spoiled = Spoiled.from_body(spoiled, "spoiled ballot")
            with self._uow() as uow:
                require_election(uow, election_id, lock=True)
                counts = uow.board.counts(election_id)
                election = load_election(uow, election_id)
                board = board_of(uow, election_id, election, counts)
                _, event = bb.post_spoiled(tail_of(uow, election_id, counts), board, spoiled)
                uow.board.append(election_id, event)
                uow.commit()
        except (StorageUnavailableError, ElectionStateError, NotFoundError):
            raise
        except ClearcountError as error:
            raise BallotRefusedError(f"challenged ballot refused: {error}") from None
        return event.hash

    def lookup(self, election_id: str, code: str) -> BoardLookup:
        """Find a tracking code on the board and say whether that ballot counts (spec §11.4)."""
        prefix = tracking_prefix(code)
        with self._uow() as uow:
            require_election(uow, election_id)
            found = [e for e in uow.board.by_hash_prefix(election_id, prefix) if e.kind == "Ballot"]
            if not found:
                raise NotFoundError(f"tracking code {code!r}: no such ballot on the board")
            event = found[0]
            credential = str(event.body["credential"])
            later = [e for e in uow.board.ballots_of(election_id, credential) if e.seq > event.seq]
            cancelled = uow.board.is_cancelled(election_id, credential)
        state = "cancelled" if cancelled else "replaced" if later else "counted"
        return BoardLookup(tracking_code(event), event.seq, state)
