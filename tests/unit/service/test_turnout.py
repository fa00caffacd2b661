"""Turnout while the ballot is open (aggregates, small cells suppressed), the not-voted list,
reminders at most once per interval, and editing a ballot until it opens (issue 11)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from tests.principals import officer, voter
from tests.unit.service.election_world import CHAIR, ELECTION, ELIGIBLE, Lifecycle
from tests.unit.service.world import World

from clearcount.service.authorisation import Principal, Role
from clearcount.service.elections.reminders import ReminderService
from clearcount.service.elections.turnout import TurnoutService
from clearcount.service.errors import (
    ConflictError,
    ElectionStateError,
    NotAuthorisedError,
    ValidationError,
)
from clearcount.service.ports import MailMessage
from clearcount.service.roles.delivery import DeliveryError


@pytest.fixture
def life(world: World, tmp_path: Path) -> Lifecycle:
    return Lifecycle(world, tmp_path / "keys")


def cast(life: Lifecycle, member: str) -> None:
    life.casting.cast(voter(member), ELECTION, life.ballot(member, {"chair": [0]}))


def test_turnout_by_channel_and_unit_with_small_cells_suppressed(life: Lifecycle) -> None:
    life.open()
    cast(life, "NTW-00001")
    cast(life, "NTW-00003")
    uow, clock = life.world.store.unit_of_work, life.world.clock
    shown = TurnoutService(uow, clock, suppress_below=1).turnout(officer(), ELECTION)
    assert (shown.eligible, shown.voted) == (5, 2)
    assert {c.channel: c.voters for c in shown.channels}["online"] == 2
    cells = {u.unit_id: (u.eligible, u.voted) for u in shown.units}
    assert cells == {"northfold-branch": (4, 1), "northfold-depot": (4, 1), "tram-yard": (1, 1)}
    default = TurnoutService(uow, clock).turnout(officer(), ELECTION)
    assert all(u.suppressed for u in default.units)  # 4 and 1 eligible: under 5
    assert "NTW" not in str(default.to_json())


def test_one_small_cell_hides_the_next_smallest_of_its_kind(life: Lifecycle) -> None:
    life.open()
    uow, clock = life.world.store.unit_of_work, life.world.clock
    turnout = TurnoutService(uow, clock, suppress_below=2).turnout(officer(), ELECTION)
    # tram-yard (1 eligible) is hidden; northfold-depot too, or total minus it gives it away
    assert {u.unit_id for u in turnout.units if u.suppressed} == {"tram-yard", "northfold-depot"}


def test_not_voted_is_for_officers_and_audited(life: Lifecycle) -> None:
    life.open()
    cast(life, "NTW-00002")
    service = TurnoutService(life.world.store.unit_of_work, life.world.clock)
    with pytest.raises(NotAuthorisedError):
        service.not_voted(Principal("t", Role.TELLER), ELECTION, "reminders")
    with pytest.raises(NotAuthorisedError):
        service.turnout(Principal("t", Role.TELLER), ELECTION)
    left = service.not_voted(officer(), ELECTION, "reminders")
    assert [m.member_id for m in left] == [m for m in ELIGIBLE if m != "NTW-00002"]
    history = life.world.audit.history(officer(), "northfold-twu", f"election:{ELECTION}")
    assert history[-1].action == "register.not_voted_listed"
    assert history[-1].note == "reminders"


def test_turnout_needs_the_committed_roll(life: Lifecycle) -> None:
    life.define()
    service = TurnoutService(life.world.store.unit_of_work, life.world.clock)
    with pytest.raises(ElectionStateError, match="committed roll"):
        service.turnout(officer(), ELECTION)


class Outbox:
    def __init__(self, refuse: str = "") -> None:
        self.sent: list[MailMessage] = []
        self.refuse = refuse

    def send(self, message: MailMessage) -> None:
        if message.to == self.refuse:
            raise DeliveryError(message.to, "recipient refused: 553 mailbox name not allowed")
        self.sent.append(message)


def test_reminders_go_once_per_round_resume_after_a_refusal_and_wait_the_interval(
    life: Lifecycle,
) -> None:
    life.open()
    cast(life, "NTW-00001")
    clock = life.world.clock
    service = ReminderService(life.world.store.unit_of_work, clock, timedelta(hours=24))
    outbox = Outbox(refuse="mo.marsden@example.org")
    first = service.remind(officer(), ELECTION, outbox)
    # NTW-00005 has no email (a letter), NTW-00001 voted; NTW-00002's server refused
    assert (first.round, first.sent, first.without_email) == (1, 2, 1)
    assert first.failed[0][0] == "NTW-00002"
    assert not first.finished
    assert {m.to for m in outbox.sent} == {"nat.nuttall@example.org", "quin.quarmby@example.org"}
    assert "Voting closes at 2022-09-20 18:00 BST." in outbox.sent[0].body
    outbox.refuse = ""
    outbox.sent.clear()
    resumed = service.remind(officer(), ELECTION, outbox)  # the same round, only the rest
    assert (resumed.round, resumed.sent, resumed.already) == (1, 1, 2)
    assert resumed.finished
    assert [m.to for m in outbox.sent] == ["mo.marsden@example.org"]
    with pytest.raises(ConflictError, match="the next may go from"):
        service.remind(officer(), ELECTION, outbox)
    clock.advance(hours=24)
    assert service.remind(officer(), ELECTION, outbox).round == 2
    for statement in ("UPDATE reminders_sent SET round = 9", "DELETE FROM reminders_sent"):
        with (
            pytest.raises(sa.exc.DatabaseError, match="append-only"),
            life.world.store.engine.begin() as c,
        ):
            c.exec_driver_sql(statement)


def test_reminders_only_while_open(life: Lifecycle) -> None:
    life.define()
    service = ReminderService(life.world.store.unit_of_work, life.world.clock)
    with pytest.raises(ElectionStateError, match="open ballot"):
        service.remind(officer(), ELECTION, Outbox())


def test_a_ballot_is_edited_until_it_opens_with_an_audit_entry(life: Lifecycle) -> None:
    life.define()
    old = life.ballots.status(ELECTION)
    with life.world.store.unit_of_work() as uow:
        definition = uow.elections.get(ELECTION).definition  # type: ignore[union-attr]
    later = definition.closes + timedelta(days=1)
    edited = dataclasses.replace(definition, title="Executive election 2022 (rerun)",
                                 closes=later)  # fmt: skip
    changes = life.ballots.edit(officer(), ELECTION, edited)
    assert [c.field for c in changes] == ["title", "closes"]
    assert life.ballots.status(ELECTION).title != old.title
    history = life.world.audit.history(officer(), "northfold-twu", f"election:{ELECTION}")
    assert [e.field for e in history if e.action == "election.edited"] == ["title", "closes"]
    assert life.ballots.edit(officer(), ELECTION, edited) == []  # nothing changed, nothing logged
    with pytest.raises(ValidationError, match="organisation_id"):
        life.ballots.edit(officer(), ELECTION, dataclasses.replace(edited, organisation_id="x"))
    with pytest.raises(NotAuthorisedError):
        life.ballots.edit(Principal("t", Role.TELLER), ELECTION, edited)


def test_editing_is_refused_once_set_up_or_past_the_opening_time(life: Lifecycle) -> None:
    life.define()
    with life.world.store.unit_of_work() as uow:
        definition = uow.elections.get(ELECTION).definition  # type: ignore[union-attr]
    edited = dataclasses.replace(definition, title="Another title")
    life.world.clock.at = definition.opens
    with pytest.raises(ElectionStateError, match="edited only before"):
        life.ballots.edit(officer(), ELECTION, edited)
    life.world.clock.at = datetime(2022, 9, 1, 9, 0, tzinfo=UTC)
    life.setup()
    with pytest.raises(ElectionStateError, match="got one that is setup"):
        life.ballots.edit(officer(), ELECTION, edited)
    assert CHAIR in definition.contests
