import dataclasses
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from tests.principals import officer
from tests.unit.service.world import OFFICER, World

from clearcount.service.audit import (
    GENESIS,
    AuditEvent,
    format_instant,
    jsonable,
    verify_audit_chain,
)
from clearcount.service.errors import AuditChainError, ValidationError
from clearcount.service.membership.members import Member


def chain(world: World) -> list[AuditEvent]:
    org = world.party()
    world.members.add(
        officer(OFFICER),
        Member(org, "AV0001", "Ann", "Arbel", date(2015, 3, 2), email="ann.arbel@example.org"),
    )
    world.members.update(
        officer(OFFICER),
        org,
        "AV0001",
        "member asked by phone, call log 2021-10-30",
        email="ann@example.net",
    )
    return world.audit.history(officer(), org)


def test_each_change_is_who_when_old_new(world: World) -> None:
    events = chain(world)
    update = [e for e in events if e.action == "member.updated"]
    assert len(update) == 1
    (e,) = update
    assert (e.actor, e.subject, e.field, e.old, e.new) == (
        OFFICER,
        "member:AV0001",
        "email",
        '"ann.arbel@example.org"',
        '"ann@example.net"',
    )
    assert e.at == "2021-11-01T09:30:00.000000Z"
    assert e.note == "member asked by phone, call log 2021-10-30"
    world.audit.verify()
    verify_audit_chain(events)
    assert events[0].prev_hash == GENESIS


def test_tampering_is_detected(world: World) -> None:
    events = chain(world)
    altered = list(events)
    altered[-1] = dataclasses.replace(altered[-1], new='"mallory@example.net"')
    with pytest.raises(AuditChainError, match="content does not match"):
        verify_audit_chain(altered)
    with pytest.raises(AuditChainError, match="sequence number"):
        verify_audit_chain(events[:3] + events[4:])
    with pytest.raises(AuditChainError):
        verify_audit_chain([events[1], events[0], *events[2:]])
    forged = dataclasses.replace(events[2], prev_hash=events[0].hash)
    with pytest.raises(AuditChainError, match="prev_hash"):
        verify_audit_chain([*events[:2], forged])


def test_access_to_the_roll_is_recorded(world: World) -> None:
    org = world.party()
    world.audit.record_access(
        officer("scrutineer P. Ashworth"), org, "roll:av-selection", "s.49 check"
    )
    (e,) = [e for e in world.audit.history(officer(), org) if e.action == "roll.accessed"]
    assert (e.actor, e.subject, e.note) == (
        "scrutineer P. Ashworth",
        "roll:av-selection",
        "s.49 check",
    )
    with pytest.raises(ValidationError, match=r"caller.s name"):
        world.audit.record_access(officer(" "), org, "roll", "why")


def test_values_and_instants_have_one_text_form() -> None:
    assert jsonable({"d": date(2021, 5, 9), "s": frozenset({"b", "a"})}) == {
        "d": "2021-05-09",
        "s": ["a", "b"],
    }
    bst = timezone(timedelta(hours=1))
    assert format_instant(datetime(2021, 6, 1, 10, tzinfo=bst)) == "2021-06-01T09:00:00.000000Z"
    assert format_instant(datetime(2021, 6, 1, 9, tzinfo=UTC)) == "2021-06-01T09:00:00.000000Z"
    with pytest.raises(ValidationError, match="timezone-aware"):
        format_instant(datetime(2021, 6, 1))
    with pytest.raises(TypeError):
        jsonable(object())
