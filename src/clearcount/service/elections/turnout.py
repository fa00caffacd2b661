"""Turnout while a ballot is open, and who has not voted yet (issue 11; issue 9's console).

`turnout` gives aggregates only: eligible and voted overall, per channel (the marked register's
statistics, `service.register`), and per branch or workplace. A unit's cell is suppressed when
fewer than `SUPPRESS_BELOW` eligible members are in it (a branch of two would say who voted);
when exactly one unit of a kind is suppressed, the next smallest of that kind is too, so that
the suppressed one cannot be had by taking the others from the total.

`not_voted` is the list for reminders: eligible members on the committed roll with no line in
the register, with their contact details. It names members, so only an officer gets it and
every access goes in the audit log with its purpose (domain.md §4 row 2: who saw it).
"""

from __future__ import annotations

from dataclasses import dataclass

from clearcount.service.audit import append_events
from clearcount.service.authorisation import Principal, authorise
from clearcount.service.elections.ports import ElectionUnitOfWork, ElectionUnitOfWorkFactory
from clearcount.service.elections.register import ChannelStatistics, register_statistics
from clearcount.service.elections.state import phase_of, require_election
from clearcount.service.errors import ElectionStateError, ValidationError
from clearcount.service.membership.organisations import UnitKind
from clearcount.service.membership.roll_snapshot import RollSnapshot
from clearcount.service.ports import Clock

__all__ = [
    "SUPPRESS_BELOW",
    "NotVoted",
    "Turnout",
    "TurnoutService",
    "UnitTurnout",
    "committed_roll",
    "not_voted_in",
]

SUPPRESS_BELOW = 5
_REPORTED_KINDS = (UnitKind.BRANCH, UnitKind.WORKPLACE)


@dataclass(frozen=True, slots=True)
class UnitTurnout:
    """One branch or workplace; `eligible` and `voted` are None when the cell is suppressed."""

    unit_id: str
    name: str
    kind: str
    eligible: int | None
    voted: int | None

    @property
    def suppressed(self) -> bool:
        return self.eligible is None

    def to_json(self) -> dict[str, object]:
        return {"unit_id": self.unit_id, "name": self.name, "kind": self.kind,
                "eligible": self.eligible, "voted": self.voted}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Turnout:
    election_id: str
    phase: str
    eligible: int
    voted: int
    channels: tuple[ChannelStatistics, ...]
    units: tuple[UnitTurnout, ...]
    suppress_below: int

    def to_json(self) -> dict[str, object]:
        return {
            "election_id": self.election_id,
            "phase": self.phase,
            "eligible": self.eligible,
            "voted": self.voted,
            "channels": [c.to_json() for c in self.channels],
            "units": [u.to_json() for u in self.units],
            "suppress_below": self.suppress_below,
        }


@dataclass(frozen=True, slots=True)
class NotVoted:
    """An eligible member with no line in the register yet, and how to reach them."""

    member_id: str
    name: str
    email: str
    postcode: str


def committed_roll(uow: ElectionUnitOfWork, election_id: str) -> RollSnapshot:
    """The roll version the Setup committed to; ElectionStateError before the key ceremony."""
    stored = require_election(uow, election_id)
    snapshot = (
        None if stored.roll_version is None else uow.snapshots.get(election_id, stored.roll_version)
    )
    if snapshot is None:
        raise ElectionStateError(
            f"election {election_id!r}: expected a committed roll, got none (turnout starts "
            "once the key ceremony has run)"
        )
    return snapshot


def voters_of(uow: ElectionUnitOfWork, election_id: str) -> frozenset[str]:
    """Members with at least one line in the marked register."""
    return frozenset(m.member_id for m in uow.register.list(election_id))


def _suppress(rows: list[UnitTurnout], threshold: int) -> list[UnitTurnout]:
    """Primary suppression (fewer than `threshold` eligible) and, per kind, secondary
    suppression of the next smallest cell when only one would be hidden."""
    hidden = {r.unit_id for r in rows if (r.eligible or 0) < threshold}
    for kind in {r.kind for r in rows}:
        same = [r for r in rows if r.kind == kind]
        if sum(1 for r in same if r.unit_id in hidden) == 1:
            shown = sorted(
                (r for r in same if r.unit_id not in hidden), key=lambda r: r.eligible or 0
            )
            if shown:
                hidden.add(shown[0].unit_id)
    return [
        UnitTurnout(r.unit_id, r.name, r.kind, None, None) if r.unit_id in hidden else r
        for r in rows
    ]


class TurnoutService:
    """Turnout by channel and by unit (aggregates) and the not-voted list (audited)."""

    def __init__(
        self, uow: ElectionUnitOfWorkFactory, clock: Clock, suppress_below: int = SUPPRESS_BELOW
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._suppress_below = suppress_below

    def turnout(self, principal: Principal, election_id: str) -> Turnout:
        """Eligible and voted: overall, per channel, per branch or workplace (a cell with
        fewer eligible members than the threshold is suppressed)."""
        authorise(principal, "turnout.turnout")
        with self._uow() as uow:
            stored = require_election(uow, election_id)
            snapshot = committed_roll(uow, election_id)
            marks = list(uow.register.list(election_id))
            units = uow.organisations.units(stored.definition.organisation_id)
            phase = phase_of(uow.board.counts(election_id))
        voters = frozenset(m.member_id for m in marks)
        eligible = [e for e in snapshot.entries if e.decision.eligible]
        rows = [
            UnitTurnout(
                u.unit_id,
                u.name,
                str(u.kind),
                sum(1 for e in eligible if u.unit_id in e.facts.units),
                sum(1 for e in eligible if u.unit_id in e.facts.units and e.member_id in voters),
            )
            for u in sorted(units, key=lambda u: (str(u.kind), u.name))
            if u.kind in _REPORTED_KINDS
        ]
        stats = register_statistics(
            election_id, marks, stored.definition.channels, snapshot.header.eligible
        )
        return Turnout(
            election_id,
            phase,
            stats.eligible,
            stats.voted,
            stats.channels,
            tuple(_suppress(rows, self._suppress_below)),
            self._suppress_below,
        )

    def not_voted(self, principal: Principal, election_id: str, purpose: str) -> list[NotVoted]:
        """Eligible members who have not voted, for reminders; the access is audited."""
        authorise(principal, "turnout.not_voted")
        if not purpose.strip():
            raise ValidationError("not-voted list", "purpose", "why it is needed", purpose)
        with self._uow() as uow:
            stored = require_election(uow, election_id)
            out = not_voted_in(uow, election_id, stored.definition.organisation_id)
            append_events(
                uow,
                at=self._clock.now(),
                actor=principal.name,
                action="register.not_voted_listed",
                organisation_id=stored.definition.organisation_id,
                subject=f"election:{election_id}",
                note=purpose,
            )
            uow.commit()
        return out


def not_voted_in(uow: ElectionUnitOfWork, election_id: str, organisation_id: str) -> list[NotVoted]:
    """The not-voted list inside an open unit of work (the reminders use it too)."""
    snapshot = committed_roll(uow, election_id)
    voters = voters_of(uow, election_id)
    out: list[NotVoted] = []
    for entry in sorted(snapshot.entries, key=lambda e: e.member_id):
        if not entry.decision.eligible or entry.member_id in voters:
            continue
        member = uow.members.get(organisation_id, entry.member_id)
        name = "" if member is None else f"{member.given_name} {member.family_name}"
        out.append(
            NotVoted(
                entry.member_id,
                name,
                "" if member is None else member.email,
                "" if member is None else member.postcode,
            )
        )
    return out
