"""The marked register: who voted, how, when; kept apart from the ballots."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from tests.principals import officer, voter
from tests.unit.service.election_world import ELECTION, Lifecycle
from tests.unit.service.world import World

from clearcount.service.elections.records import RegisterMark
from clearcount.service.elections.register import counted_channel, register_statistics
from clearcount.service.errors import ValidationError


@pytest.fixture
def life(world: World, tmp_path: Path) -> Lifecycle:
    return Lifecycle(world, tmp_path / "keys")


def mark(member: str, channel: str) -> RegisterMark:
    return RegisterMark("e", member, channel, "2022-09-12", "x")


def test_statistics_follow_the_published_precedence() -> None:
    precedence = ("meeting", "postal", "online")
    marks = [
        mark("a", "online"),
        mark("a", "online"),
        mark("a", "postal"),
        mark("b", "online"),
        mark("c", "meeting"),
    ]
    assert counted_channel(marks[:3], precedence) == "postal"
    assert counted_channel([], precedence) is None
    stats = register_statistics("e", marks, precedence, eligible=10)
    assert stats.to_json() == {
        "election_id": "e",
        "eligible": 10,
        "voted": 3,
        "revotes": 1,
        "online_superseded": 1,
        "channels": [
            {"channel": "meeting", "voters": 1, "marks": 1},
            {"channel": "postal", "voters": 1, "marks": 1},
            {"channel": "online", "voters": 1, "marks": 3},
        ],
    }


def test_the_register_holds_no_link_to_a_ballot_and_reading_it_is_audited(
    life: Lifecycle,
) -> None:
    life.open()
    receipt = life.casting.cast(
        voter("NTW-00006"), ELECTION, life.ballot("NTW-00006", {"chair": [2]})
    )
    with life.world.store.engine.connect() as c:
        columns = {col["name"] for col in sa.inspect(c).get_columns("marked_register")}
        rows = c.exec_driver_sql("SELECT * FROM marked_register").all()
    assert columns == {"mark_key", "election_id", "member_id", "channel", "day", "recorded_by"}
    credential = life.credential("NTW-00006").public.to_bytes().hex()
    assert not any(credential in str(r) or receipt.event_hash in str(r) for r in rows)
    with pytest.raises(ValidationError, match="purpose"):
        life.register.marks(officer("officer"), ELECTION, " ")
    assert len(life.register.marks(officer("scrutineer H. Pell"), ELECTION, "s.49 inspection")) == 1
    history = life.world.audit.history(officer(), "northfold-twu", f"election:{ELECTION}")
    assert [(e.action, e.actor, e.note) for e in history][-1] == (
        "register.accessed",
        "scrutineer H. Pell",
        "s.49 inspection",
    )
    assert life.register.statistics(ELECTION).voted == 1


def test_the_register_does_not_line_up_with_the_ballots(life: Lifecycle) -> None:
    """No order, identifier or time finer than the day: the lines of five casts, written in the
    order of their Ballot events, come back by member, and the table keeps no write order."""
    life.open()
    order = ("NTW-00006", "NTW-00002", "NTW-00005", "NTW-00001", "NTW-00003")
    for member in order:
        life.casting.cast(voter(member), ELECTION, life.ballot(member, {"chair": [0]}))
    marks = life.register.marks(officer("officer"), ELECTION, "count check")
    assert [m.member_id for m in marks] == sorted(order)
    assert {m.day for m in marks} == {"2022-09-12"}
    with life.world.store.engine.connect() as c:
        keys = [r.mark_key for r in c.exec_driver_sql("SELECT mark_key FROM marked_register")]
        assert len(set(keys)) == len(order)
        assert all(len(k) == 64 for k in keys)
        if c.dialect.name == "sqlite":
            with pytest.raises(sa.exc.OperationalError, match="rowid"):
                c.exec_driver_sql("SELECT rowid FROM marked_register")
