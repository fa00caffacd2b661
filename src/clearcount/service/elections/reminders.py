"""Reminders by email to members who have not voted (issue 9's console, issue 11).

`remind` sends one round: every eligible member with no line in the register and an email
address gets one message saying the ballot is open, when it closes (London time, with the
zone) and to use the link in their credential email; the reminder carries no credential (the
server has none). Rounds are at most one per `every` (configured: `[reminders] every_hours`), so
running it from a scheduler (cron) every hour sends no more often than that.

The sent log is in the database: each accepted message is committed as soon as the mail server
takes it, so a round cut short (or with refused addresses) is resumed by the next run, which
sends only to members not yet reminded in that round; a round is finished once nobody is left.
One refused address fails alone and is reported. Members with no email are counted (they need
a letter), never dropped silently.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from clearcount.service.audit import Change, append_events, format_instant
from clearcount.service.authorisation import Principal, authorise
from clearcount.service.elections.ports import ElectionUnitOfWork
from clearcount.service.elections.state import phase_of, require_election
from clearcount.service.elections.turnout import NotVoted, not_voted_in
from clearcount.service.errors import ConflictError, ElectionStateError
from clearcount.service.london_time import show_london
from clearcount.service.ports import Clock, Mailer, MailMessage
from clearcount.service.roles.delivery import DeliveryError

__all__ = [
    "EVERY",
    "ReminderReport",
    "ReminderRepository",
    "ReminderRound",
    "ReminderService",
    "ReminderUnitOfWork",
    "ReminderUnitOfWorkFactory",
]

EVERY = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class ReminderRound:
    election_id: str
    round: int
    started_at: str
    started_by: str
    finished_at: str | None = None


class ReminderRepository(Protocol):
    def rounds(self, election_id: str) -> Sequence[ReminderRound]:
        """In round order."""
        ...

    def start(self, reminder_round: ReminderRound) -> None: ...
    def finish(self, election_id: str, round_number: int, at: str) -> None: ...
    def sent(self, election_id: str, round_number: int) -> frozenset[str]: ...
    def add_sent(self, election_id: str, round_number: int, member_id: str, at: str) -> None: ...


class ReminderUnitOfWork(ElectionUnitOfWork, Protocol):
    reminders: ReminderRepository


ReminderUnitOfWorkFactory = Callable[[], ReminderUnitOfWork]


@dataclass(frozen=True, slots=True)
class ReminderReport:
    """One run: the round, who was reminded now, before (this round), by letter, and failures."""

    election_id: str
    round: int
    sent: int
    already: int
    without_email: int
    failed: tuple[tuple[str, str], ...]
    finished: bool
    next_from: str


def _message(to: NotVoted, title: str, closes: datetime) -> MailMessage:
    return MailMessage(
        to.email,
        f"Reminder: you have not voted yet in {title}",
        f"Dear {to.name or 'member'},\n\n"
        f'The ballot "{title}" is open and you have not voted yet. Voting closes at '
        f"{show_london(closes)}.\n\nTo vote, use the link in the email that gave you your "
        "voting code. If you cannot find it, reply to this message.\n\nThis reminder goes to "
        "every member who has not voted; it does not carry your voting code.\n",
    )


class ReminderService:
    """Rounds of reminders to members who have not voted, at most one per `every`."""

    def __init__(
        self,
        uow: ReminderUnitOfWorkFactory,
        clock: Clock,
        every: timedelta = EVERY,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._every = every

    def _round(self, uow: ReminderUnitOfWork, election_id: str, actor: str) -> ReminderRound:
        """The unfinished round to resume, or a new one if `every` has passed since the last."""
        now = self._clock.now()
        rounds = uow.reminders.rounds(election_id)
        last = rounds[-1] if rounds else None
        if last is not None and last.finished_at is None:
            return last
        if last is not None:
            started = datetime.fromisoformat(last.started_at.replace("Z", "+00:00"))
            if now < started + self._every:
                raise ConflictError(
                    f"election {election_id!r}: reminders went at {show_london(started)}; the "
                    f"next may go from {show_london(started + self._every)} (at most one round "
                    f"every {self._every})"
                )
        new = ReminderRound(election_id, (last.round + 1) if last else 1, format_instant(now),
                            actor)  # fmt: skip
        uow.reminders.start(new)
        return new

    def remind(self, principal: Principal, election_id: str, mailer: Mailer) -> ReminderReport:
        """Send (or resume) a round of reminders; ConflictError if it is too soon."""
        authorise(principal, "reminders.remind")
        with self._uow() as uow:
            stored = require_election(uow, election_id, lock=True)
            d = stored.definition
            if phase_of(uow.board.counts(election_id)) != "open" or self._clock.now() >= d.closes:
                raise ElectionStateError(
                    f"election {election_id!r}: expected an open ballot to send reminders for"
                )
            current = self._round(uow, election_id, principal.name)
            done = uow.reminders.sent(election_id, current.round)
            waiting = not_voted_in(uow, election_id, d.organisation_id)
            append_events(
                uow,
                at=self._clock.now(),
                actor=principal.name,
                action="reminders.round",
                organisation_id=d.organisation_id,
                subject=f"election:{election_id}",
                changes=[Change("round", None, current.round)],
            )
            uow.commit()
        to_send = [m for m in waiting if m.email and m.member_id not in done]
        failed: list[tuple[str, str]] = []
        sent = 0
        for member in to_send:
            try:
                mailer.send(_message(member, d.title, d.closes))
            except DeliveryError as error:  # one refused address fails alone
                failed.append((member.member_id, error.reason))
                continue
            with self._uow() as uow:
                uow.reminders.add_sent(
                    election_id, current.round, member.member_id,
                    format_instant(self._clock.now()),
                )  # fmt: skip
                uow.commit()
            sent += 1
        finished = not failed
        if finished:
            with self._uow() as uow:
                uow.reminders.finish(election_id, current.round, format_instant(self._clock.now()))
                uow.commit()
        started = datetime.fromisoformat(current.started_at.replace("Z", "+00:00"))
        return ReminderReport(
            election_id,
            current.round,
            sent,
            sum(1 for m in waiting if m.member_id in done),
            sum(1 for m in waiting if not m.email),
            tuple(failed),
            finished,
            show_london(started + self._every),
        )
