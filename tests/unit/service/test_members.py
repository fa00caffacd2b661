from datetime import date

import pytest
from tests.principals import officer
from tests.unit.service.world import OFFICER, World

from clearcount.service.errors import ConflictError, NotFoundError, ValidationError
from clearcount.service.membership.members import Member, Suspension, member_changes


def ann(org: str, **kw: object) -> Member:
    base: dict[str, object] = {"email": "ann.arbel@example.org", "units": frozenset({"av-north"})}
    return Member(org, "AV0001", "Ann", "Arbel", date(2015, 3, 2), **(base | kw))  # type: ignore[arg-type]


def test_add_and_update_are_audited_field_by_field(world: World) -> None:
    org = world.party()
    world.members.add(officer(OFFICER), ann(org), "new member form 2015-03-02")
    created = [(e.field, e.new) for e in world.audit.history(officer(), org, "member:AV0001")]
    assert created == [
        ("given_name", '"Ann"'),
        ("family_name", '"Arbel"'),
        ("email", '"ann.arbel@example.org"'),
        ("joined", '"2015-03-02"'),
        ("units", '["av-north"]'),
    ]
    changes = world.members.update(
        officer(OFFICER),
        org,
        "AV0001",
        "moved house",
        address="1 Mill Lane Ashby Vale",
        units=frozenset({"av-south"}),
    )
    assert [c.field for c in changes] == ["address", "units"]
    assert world.members.get(officer(), org, "AV0001").units == {"av-south"}
    last = world.audit.history(officer(), org, "member:AV0001")[-1]
    assert (last.field, last.old, last.new, last.note) == (
        "units",
        '["av-north"]',
        '["av-south"]',
        "moved house",
    )
    assert (
        world.members.update(
            officer(OFFICER), org, "AV0001", "no-op", address="1 Mill Lane Ashby Vale"
        )
        == []
    )


def test_bad_changes_are_refused_and_nothing_stored(world: World) -> None:
    org = world.party()
    world.members.add(officer(OFFICER), ann(org))
    before = world.audit.history(officer(), org)
    with pytest.raises(ValidationError, match=r"member.email: expected an address"):
        world.members.update(officer(OFFICER), org, "AV0001", "typo", email="ann at example.org")
    with pytest.raises(NotFoundError, match=r"units: no such unit 'bx-east' in ashby-labour"):
        world.members.update(officer(OFFICER), org, "AV0001", "x", units=frozenset({"bx-east"}))
    with pytest.raises(NotFoundError, match=r"no such unit 'av-nrth' .*did you mean 'av-north'"):
        world.members.update(officer(OFFICER), org, "AV0001", "x", units=frozenset({"av-nrth"}))
    with pytest.raises(ValidationError, match="reason"):
        world.members.update(officer(OFFICER), org, "AV0001", "", email="a@example.org")
    with pytest.raises(ValidationError, match="fields"):
        world.members.update(officer(OFFICER), org, "AV0001", "x", membership_no="AV9999")
    with pytest.raises(ConflictError):
        world.members.add(officer(OFFICER), ann(org))
    with pytest.raises(NotFoundError):
        world.members.update(officer(OFFICER), org, "AV0404", "x", email="a@example.org")
    assert world.members.get(officer(), org, "AV0001") == ann(org)
    assert world.audit.history(officer(), org) == before


def test_suspensions_keep_scope_dates_and_decision(world: World) -> None:
    org = world.party()
    world.members.add(officer(OFFICER), ann(org))
    s = Suspension(
        date(2016, 7, 1), None, "NEC 2016-07-01 item 4", ballot_kinds=frozenset({"leadership"})
    )
    world.members.suspend(officer(OFFICER), org, "AV0001", s)
    world.members.lift_suspension(
        officer(OFFICER), org, "AV0001", 0, date(2016, 10, 1), "NEC 2016-10-01 item 2"
    )
    (lifted,) = world.members.get(officer(), org, "AV0001").suspensions
    assert lifted.end == date(2016, 10, 1)
    assert lifted.reference == "NEC 2016-07-01 item 4"
    events = [
        e for e in world.audit.history(officer(), org, "member:AV0001") if e.field == "suspensions"
    ]
    assert [e.note for e in events] == [
        "suspension: NEC 2016-07-01 item 4",
        "NEC 2016-10-01 item 2",
    ]
    assert '"end":null' in (events[1].old or "")
    assert '"end":"2016-10-01"' in (events[1].new or "")
    with pytest.raises(ValidationError, match="end"):
        Suspension(date(2016, 7, 1), date(2016, 7, 1), "ref")
    with pytest.raises(ValidationError, match="index"):
        world.members.lift_suspension(officer(OFFICER), org, "AV0001", 3, date(2017, 1, 1), "r")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("member_id", ""),
        ("given_name", " Ann"),
        ("phone", "12"),
        ("left", date(2000, 1, 1)),
        ("categories", frozenset({"Bad Token"})),
    ],
)
def test_member_fields_are_validated(field: str, value: object) -> None:
    base: dict[str, object] = {
        "organisation_id": "o",
        "member_id": "AV1",
        "given_name": "Ann",
        "family_name": "Arbel",
        "joined": date(2015, 3, 2),
    }
    with pytest.raises(ValidationError, match=f"member.{field}"):
        Member(**(base | {field: value}))  # type: ignore[arg-type]


def test_member_changes_lists_changed_fields_only() -> None:
    a = ann("o")
    assert member_changes(a, a) == []
    assert [c.field for c in member_changes(None, a)] == [
        "given_name",
        "family_name",
        "email",
        "joined",
        "units",
    ]
