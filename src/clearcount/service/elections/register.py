"""The marked register: who voted, by which channel, and when (shared/rules/domain.md §4).

Every accepted ballot adds one `RegisterMark` (member, channel, instant, who entered it): an
online cast by the casting service, a meeting or postal ballot by the two tellers. The register
is its own table, with nothing that links a line to a ballot: no credential, no tracking code,
no event number; the board (the record) holds only public credentials (spec §11.4). It answers
the Ilford South question, "who cast electronic votes, by what method, and when", and its
statistics per channel go into the results and the appeal panel's evidence.

Channel precedence (spec §11.6, published in Setup): a member's counted channel is the highest
one they used; a meeting or postal ballot cancels their online credential.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from clearcount.service.audit import AuditWriter, Entry, append_events
from clearcount.service.authorisation import Principal, Role, authorise
from clearcount.service.elections.ports import ElectionUnitOfWork, ElectionUnitOfWorkFactory
from clearcount.service.elections.records import PAPER_CHANNELS, RegisterMark, StoredElection
from clearcount.service.elections.state import require_election
from clearcount.service.errors import (
    ElectionStateError,
    IneligibleVoterError,
    NotAuthorisedError,
    ValidationError,
)
from clearcount.service.ports import Clock

__all__ = [
    "ChannelStatistics",
    "RegisterService",
    "RegisterStatistics",
    "audit_apart",
    "counted_channel",
    "eligible_count",
    "record_refusal",
    "refusals_audited",
    "register_statistics",
    "require_eligible",
]


@dataclass(frozen=True, slots=True)
class ChannelStatistics:
    """One channel: members whose counted ballot came by it, and register lines on it."""

    channel: str
    voters: int
    marks: int

    def to_json(self) -> dict[str, object]:
        return {"channel": self.channel, "voters": self.voters, "marks": self.marks}


@dataclass(frozen=True, slots=True)
class RegisterStatistics:
    """Turnout per channel. `voted` is distinct members; `revotes` the online re-votes;
    `online_superseded` members who voted online and then on paper (paper counts)."""

    election_id: str
    eligible: int
    voted: int
    channels: tuple[ChannelStatistics, ...]
    revotes: int
    online_superseded: int

    def to_json(self) -> dict[str, object]:
        return {
            "election_id": self.election_id,
            "eligible": self.eligible,
            "voted": self.voted,
            "channels": [c.to_json() for c in self.channels],
            "revotes": self.revotes,
            "online_superseded": self.online_superseded,
        }


def counted_channel(marks: Iterable[RegisterMark], precedence: Sequence[str]) -> str | None:
    """The channel whose ballot counts for one member: the highest-precedence one used."""
    used = {m.channel for m in marks}
    for channel in precedence:
        if channel in used:
            return channel
    return None


def register_statistics(
    election_id: str, marks: Sequence[RegisterMark], precedence: Sequence[str], eligible: int
) -> RegisterStatistics:
    """Per-channel statistics of a register (pure)."""
    by_member: dict[str, list[RegisterMark]] = {}
    for mark in marks:
        by_member.setdefault(mark.member_id, []).append(mark)
    counted = {m: counted_channel(ms, precedence) for m, ms in by_member.items()}
    channels = tuple(
        ChannelStatistics(
            channel,
            sum(1 for c in counted.values() if c == channel),
            sum(1 for m in marks if m.channel == channel),
        )
        for channel in precedence
    )
    online = [ms for ms in by_member.values() if any(m.channel == "online" for m in ms)]
    return RegisterStatistics(
        election_id,
        eligible,
        len(by_member),
        channels,
        sum(sum(1 for m in ms if m.channel == "online") - 1 for ms in online),
        sum(1 for ms in online if any(m.channel in PAPER_CHANNELS for m in ms)),
    )


def eligible_count(uow: ElectionUnitOfWork, election_id: str, roll_version: int | None) -> int:
    """Eligible members on the roll version the Setup committed to (0 before the ceremony)."""
    if roll_version is None:
        return 0
    snapshot = uow.snapshots.get(election_id, roll_version)
    return 0 if snapshot is None else snapshot.header.eligible


def require_eligible(uow: ElectionUnitOfWork, stored: StoredElection, member_id: str) -> None:
    """IneligibleVoterError unless `member_id` is eligible on the roll Setup committed to."""
    election_id = stored.election_id
    if stored.roll_version is None:
        raise ElectionStateError(f"election {election_id!r}: no committed roll yet")
    entry = uow.snapshots.entry(election_id, stored.roll_version, member_id)
    if entry is None:
        raise IneligibleVoterError(
            f"member {member_id!r}: expected a member on the roll of election {election_id!r}, "
            "got someone not on it"
        )
    if not entry.decision.eligible:
        raise IneligibleVoterError(
            f"member {member_id!r}: not an eligible voter in election {election_id!r}; the "
            "reason is not shown here: it is in the audit log (`clearcount roll history "
            "--member`), for the returning officer and the member",
            member_id=member_id,
            reason=entry.decision.reason or "ineligible",
        )


def audit_apart(
    uow: ElectionUnitOfWorkFactory,
    at: datetime,
    actor: str,
    election_id: str,
    entry: Entry,
) -> None:
    """One audit entry about ELECTION in its own transaction: a refusal is evidence, though the
    refused operation's own transaction was rolled back."""
    with uow() as unit:
        stored = require_election(unit, election_id)
        organisation = stored.definition.organisation_id
        entry = dataclasses.replace(entry, organisation_id=organisation)
        AuditWriter(unit, at=at, actor=actor).write([entry])
        unit.commit()


def record_refusal(
    uow: ElectionUnitOfWorkFactory,
    at: datetime,
    actor: str,
    election_id: str,
    refused: IneligibleVoterError,
) -> None:
    """Audit a refused ineligible voter with the reason the refusal did not show."""
    if refused.member_id:
        note = f"election {election_id}: {refused.reason}"
        entry = Entry("vote.refused_ineligible", None, f"member:{refused.member_id}", (), note)
        audit_apart(uow, at, actor, election_id, entry)


@contextmanager
def refusals_audited(
    uow: ElectionUnitOfWorkFactory, clock: Clock, actor: str, election_id: str
) -> Iterator[None]:
    """Within: an IneligibleVoterError is audited with its reason (`record_refusal`), then
    raised on, without the reason, to whoever acted."""
    try:
        yield
    except IneligibleVoterError as refused:
        record_refusal(uow, clock.now(), actor, election_id, refused)
        raise


class RegisterService:
    """Read the marked register: statistics for everyone, the lines for officials (audited)."""

    def __init__(self, uow: ElectionUnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def statistics(self, election_id: str) -> RegisterStatistics:
        """Turnout per channel (no personal data)."""
        with self._uow() as uow:
            stored = require_election(uow, election_id)
            marks = list(uow.register.list(election_id))
            eligible = eligible_count(uow, election_id, stored.roll_version)
        return register_statistics(election_id, marks, stored.definition.channels, eligible)

    def marks(self, principal: Principal, election_id: str, purpose: str) -> list[RegisterMark]:
        """Every line of the register, for an official, scrutineer or panel; the access is
        recorded in the audit log with its purpose (domain.md §4 row 2: who saw it)."""
        authorise(principal, "register.marks")
        actor = principal.name
        if not purpose.strip():
            raise ValidationError("register access", "purpose", "why it is needed", purpose)
        with self._uow() as uow:
            stored = require_election(uow, election_id)
            marks = list(uow.register.list(election_id))
            append_events(
                uow,
                at=self._clock.now(),
                actor=actor,
                action="register.accessed",
                organisation_id=stored.definition.organisation_id,
                subject=f"election:{election_id}",
                note=purpose,
            )
            uow.commit()
        return marks

    def member_marks(
        self, principal: Principal, election_id: str, member_id: str
    ) -> list[RegisterMark]:
        """One member's own lines (what they may see about themselves): a voter sees only
        their own, an officer anyone's."""
        authorise(principal, "register.member_marks")
        if principal.role is Role.VOTER and principal.name != member_id:
            raise NotAuthorisedError(
                f"register lines of member {member_id!r}: a voter sees only their own, got "
                f"{principal.name!r}"
            )
        with self._uow() as uow:
            require_election(uow, election_id)
            return list(uow.register.for_member(election_id, member_id))
