"""Closing the ballot: EndBallots on the record (spec §11.6).

`ClosingService.close(principal, election_id)` appends EndBallots (the number of Ballot events and
the last one's hash): no online ballot is accepted after it. Closing before the published
closing time needs a stated reason, which goes into the audit log. Meeting and postal papers may
still be entered until counting starts (spec §11.6).
"""

from __future__ import annotations

from dataclasses import dataclass

from clearcount.core.errors import ClearcountError
from clearcount.protocol import board as bb
from clearcount.service.audit import Change, append_events, format_instant
from clearcount.service.authorisation import Principal, authorise
from clearcount.service.elections.ports import ElectionUnitOfWorkFactory
from clearcount.service.elections.state import (
    board_of,
    load_election,
    require_election,
    tail_of,
)
from clearcount.service.errors import ElectionStateError, ValidationError
from clearcount.service.ports import Clock

__all__ = ["CloseReport", "ClosingService"]


@dataclass(frozen=True, slots=True)
class CloseReport:
    """What EndBallots fixed: the online ballots on the record and the last one's hash."""

    election_id: str
    ballots: int
    last_ballot: str
    closed_at: str
    early: bool
    event_hash: str


class ClosingService:
    def __init__(self, uow: ElectionUnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def close(self, principal: Principal, election_id: str, *, reason: str = "") -> CloseReport:
        """Append EndBallots; before the closing time only with a `reason` (audited)."""
        authorise(principal, "closing.close")
        actor = principal.name
        at = self._clock.now()
        with self._uow() as uow:
            stored = require_election(uow, election_id, lock=True)
            d = stored.definition
            early = at < d.closes
            if early and not reason.strip():
                raise ValidationError(
                    f"closing election {election_id!r}",
                    "reason",
                    f"why it closes before {format_instant(d.closes)}, acknowledged with "
                    '--reason "WHY"',
                    reason,
                )
            counts = uow.board.counts(election_id)
            if counts.get("EndBallots"):
                raise ElectionStateError(f"election {election_id!r}: already closed")
            election = load_election(uow, election_id)
            board = board_of(uow, election_id, election, counts)
            try:
                board, event = bb.close(tail_of(uow, election_id, counts), board)
            except ClearcountError as error:
                raise ElectionStateError(f"election {election_id!r}: {error}") from None
            uow.board.append(election_id, event)
            append_events(
                uow,
                at=at,
                actor=actor,
                action="election.closed",
                organisation_id=d.organisation_id,
                subject=f"election:{election_id}",
                changes=[Change("ballots", None, board.ballots)],
                note=reason if early else "at the published closing time",
            )
            uow.commit()
        return CloseReport(
            election_id, board.ballots, board.last_ballot, format_instant(at), early, event.hash
        )
