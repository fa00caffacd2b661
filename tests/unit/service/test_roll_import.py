import re
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.principals import officer
from tests.unit.service.world import FIXTURES, OFFICER, World

from clearcount.core.errors import InputFormatError
from clearcount.service.errors import ImportRefusedError
from clearcount.service.membership.eligibility import EligibilityRules
from clearcount.service.membership.roll_import import COLUMNS, ImportPlan


def test_first_import_adds_everyone_and_audits_it(world: World) -> None:
    org = world.party()
    plan = world.load(org, "ashby_vale_clp.csv")
    assert isinstance(plan, ImportPlan)
    assert (len(plan.added), plan.rejected, plan.changed, plan.absent) == (10, (), (), ())
    assert len(world.members.list_members(officer(), org)) == 10
    (event,) = [e for e in world.audit.history(officer(), org) if e.action == "roll.imported"]
    assert plan.sha256 in event.subject
    assert '"added":["AV0001"' in event.note
    world.audit.verify()


def test_bad_rows_are_named_and_nothing_is_applied(world: World) -> None:
    org = world.party()
    world.load(org, "ashby_vale_clp.csv")
    before = world.members.list_members(officer(), org)
    with pytest.raises(ImportRefusedError, match="rows rejected; nothing applied") as caught:
        world.load(org, "ashby_vale_clp_bad.csv")
    plan = caught.value.plan
    assert isinstance(plan, ImportPlan)
    assert [str(r) for r in plan.rejected] == [
        "line 3 (member AV0002), field joined: '09/05/2021' could be read day-first or "
        "month-first: give --date-format dd/mm/yyyy (or mm/dd/yyyy)",
        "line 4 (member AV0003), field units: unknown units ['av-east']; known: "
        "['ashby-vale-clp', 'av-north', 'av-south', 'av-unison']",
        "line 5 (member AV0001), field member_id: duplicate: already on line 2",
        "line 6 (member AV0005), field family_name: is required",
        "line 7 (member AV0006), field left: expected a date on or after joined 2012-01-09, "
        "got datetime.date(2011, 10, 1)",
        "line 8 (member AV0007), field *: expected 11 fields, got 4",
    ]
    assert [str(r) for r in plan.kept_with_problems] == []  # AV0006 is rejected for `left`
    assert world.members.list_members(officer(), org) == before
    refused = [e for e in world.audit.history(officer(), org) if e.action == "roll.import_refused"]
    assert len(refused) == 1
    assert "line 3 (member AV0002)" in refused[0].note


def test_valid_rows_can_be_applied_together_when_asked(world: World) -> None:
    org = world.union()
    world.clock.set_day(date(2025, 11, 1))
    data = (FIXTURES / "northfold_twu.csv").read_bytes() + b"NTW-00007,Rae,,,,,2020-01-01,,,\n"
    plan = world.importer.import_csv(officer(OFFICER), org, data, "ntwu.csv", apply_valid_rows=True)
    assert len(plan.added) == 6
    assert [r.field for r in plan.rejected] == ["family_name"]
    assert world.members.get(officer(), org, "NTW-00004").categories == {"engineer", "driver"}
    (event,) = [e for e in world.audit.history(officer(), org) if e.action == "roll.imported"]
    assert "line 8 (member NTW-00007), field family_name" in event.note


def test_a_failure_part_way_leaves_nothing(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """The second batch of members fails to write: the first batch and its audit events go
    too (one transaction)."""
    from clearcount.service.membership import members
    from clearcount.storage.repositories import SqlMemberRepository

    org = world.party()
    original = SqlMemberRepository.add_many
    calls = []

    def failing_add_many(self: SqlMemberRepository, added: list[object]) -> None:
        calls.append(len(added))
        if len(calls) == 2:
            raise OSError("disk full")
        original(self, added)  # type: ignore[arg-type]

    monkeypatch.setattr(members, "WRITE_BATCH", 3)
    monkeypatch.setattr(SqlMemberRepository, "add_many", failing_add_many)
    with pytest.raises(OSError, match="disk full"):
        world.load(org, "ashby_vale_clp.csv")
    assert calls == [3, 3]
    assert world.members.list_members(officer(), org) == []
    assert not [
        e for e in world.audit.history(officer(), org) if e.action.startswith("roll.import")
    ]


def test_reimport_is_a_diff_and_absent_members_are_kept(world: World) -> None:
    org = world.party()
    world.load(org, "ashby_vale_clp.csv")
    plan = world.importer.preview(
        officer(), org, (FIXTURES / "ashby_vale_clp_reimport.csv").read_bytes(), "reimport.csv"
    )
    assert [m.member_id for m in plan.added] == ["AV0011"]
    assert plan.absent == ("AV0006",)
    assert {d.member_id: [(c.field, c.old, c.new) for c in d.changes] for d in plan.changed} == {
        "AV0002": [("email", "ben.brask@example.org", "ben.b@example.net")],
        "AV0005": [("paid_up_to", date(2021, 1, 31), date(2021, 10, 31))],
    }
    assert "AV0002.email: 'ben.brask@example.org' -> 'ben.b@example.net'" in plan.report()
    world.load(org, "ashby_vale_clp_reimport.csv")
    assert (
        world.members.get(officer(), org, "AV0006").family_name == "Fenwick"
    )  # absent, not deleted
    assert world.members.get(officer(), org, "AV0002").email == "ben.b@example.net"
    old = [
        e.old for e in world.audit.history(officer(), org, "member:AV0002") if e.field == "email"
    ]
    assert old == [None, '"ben.brask@example.org"']


def test_absent_columns_leave_stored_fields_alone(world: World) -> None:
    org = world.party()
    world.load(org, "ashby_vale_clp.csv")
    data = b"member_id,given_name,family_name,joined\nAV0001,Ann,Arbel,2015-03-02\n"
    plan = world.importer.import_csv(officer(OFFICER), org, data, "names-only.csv")
    assert plan.is_noop
    assert world.members.get(officer(), org, "AV0001").email == "ann.arbel@example.org"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty file"),
        (b"member_id,given_name,joined\n", "no column for family_name"),
        (b"member_id,given_name,family_name,joined,email,EMAIL\n", "both map to email"),
        (b"member_id,given_name,family_name,joined\n\x81\n", "neither UTF-8 nor Windows-1252"),
        (b'member_id,given_name,family_name,joined\n"AV1,Ann\n', "CSV syntax"),
    ],
)
def test_unreadable_files_are_refused_whole(world: World, data: bytes, message: str) -> None:
    org = world.party()
    with pytest.raises(InputFormatError, match=re.escape(message)):
        world.importer.import_csv(officer(OFFICER), org, data, "x.csv")
    assert world.members.list_members(officer(), org) == []


def test_future_join_dates_are_rejected(world: World) -> None:
    org = world.party()
    data = b"member_id,given_name,family_name,joined\nAV1,Ann,Arbel,2021-11-02\n"
    plan = world.importer.preview(officer(), org, data, "x.csv")
    assert [str(r) for r in plan.rejected] == [
        "line 2 (member AV1), field joined: joined 2021-11-02 is in the future (today is "
        "2021-11-01)"
    ]


def _croydon_style(world: World) -> tuple[str, bytes]:
    org = world.party()
    world.load(org, "ashby_vale_clp.csv")
    world.eligibility.set_rules(
        officer(OFFICER),
        EligibilityRules(
            "av-selection",
            org,
            "selection",
            "NEC timetable 2021-10",
            date(2021, 11, 20),
            freeze_date=date(2021, 5, 9),
        ),
    )
    text = (FIXTURES / "ashby_vale_clp.csv").read_text()
    for n in (1, 2, 3, 4, 5, 7):
        text = text.replace(f"@example.org,07700 90000{n}", f"@example.org,07700 900{n}99")
    text = text.replace("jo.jarrow@example.org", "ann.arbel@example.org")
    return org, text.encode()


def test_bulk_contact_changes_near_a_freeze_date_are_flagged(world: World) -> None:
    org, data = _croydon_style(world)
    with pytest.raises(ImportRefusedError, match="import flagged") as caught:
        world.importer.import_csv(officer(OFFICER), org, data, "late.csv")
    plan = caught.value.plan
    assert isinstance(plan, ImportPlan)
    kinds = {f.kind: f.message for f in plan.flags}
    assert kinds["bulk_contact_change"] == (
        "6 members' contact details change (1 email, 5 phone) within 28 days of the "
        "qualifying date 2021-11-20 of ballot av-selection"
    )
    assert kinds["shared_contact"] == (
        "member AV0010's email changes to one that member(s) AV0001 also have"
    )
    assert world.members.get(officer(), org, "AV0001").phone == "07700 900001"
    plan = world.importer.import_csv(
        officer(OFFICER), org, data, "late.csv", acknowledge_flags=True
    )
    assert world.members.get(officer(), org, "AV0001").phone == "07700 900199"


def test_the_same_changes_far_from_a_freeze_date_are_not_flagged(world: World) -> None:
    org, data = _croydon_style(world)
    world.clock.set_day(date(2021, 9, 1))
    plan = world.importer.preview(officer(), org, data, "early.csv")
    assert [f.kind for f in plan.flags] == ["shared_contact"]


names = st.text(st.characters(codec="utf-8", categories=("L",)), min_size=1, max_size=12)
rows = st.lists(
    st.tuples(
        names,
        names,
        st.dates(date(1990, 1, 1), date(2021, 11, 1)),
        st.sampled_from(["", "a@example.org", "b.c@example.net"]),
        st.sampled_from(["", "av-north", "av-north;av-south"]),
    ),
    min_size=0,
    max_size=8,
)
counter = iter(range(10**6))


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows)
def test_reimporting_the_same_file_is_a_noop(world: World, members: list[tuple]) -> None:  # type: ignore[type-arg]
    org = world.party(f"org-{next(counter)}")
    lines = ["member_id,given_name,family_name,joined,email,units"]
    lines += [f"M{i},{g},{f},{j},{e},{u}" for i, (g, f, j, e, u) in enumerate(members)]
    data = ("\n".join(lines) + "\n").encode()
    first = world.importer.import_csv(
        officer(OFFICER), org, data, "a.csv", acknowledge_flags=True
    )  # members sharing an email are flagged
    assert len(first.added) == len(members)
    events = len(world.audit.history(officer(), org))
    again = world.importer.import_csv(officer(OFFICER), org, data, "a.csv")
    assert again.is_noop
    assert again.rejected == ()
    assert again.absent == ()
    assert len(again.unchanged) == len(members)
    assert len(world.audit.history(officer(), org)) == events + 1  # only the import event itself


def test_columns_are_documented() -> None:
    text = (FIXTURES.parents[2] / "docs" / "service" / "rolls.md").read_text()
    assert all(f"`{c}`" in text for c in COLUMNS)
