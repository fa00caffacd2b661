import dataclasses
from datetime import date

import pytest
from tests.principals import officer
from tests.unit.service.world import OFFICER, World

from clearcount.record.roll import merkle_root, verify_inclusion
from clearcount.service.errors import NotFoundError, SnapshotError, ValidationError
from clearcount.service.membership.eligibility import EligibilityDecision, EligibilityRules
from clearcount.service.membership.members import Suspension
from clearcount.service.membership.roll_snapshot import recheck

# Labour's 2021/22 trigger round: joined by 9 May 2021, 6 months' membership at 9 Nov 2021.
TRIGGER = {
    "ballot_id": "av-trigger-2021",
    "ballot_kind": "trigger",
    "basis": "NEC procedural guidelines, trigger ballots 2021/22",
    "qualifying_date": date(2021, 11, 9),
    "freeze_date": date(2021, 5, 9),
    "minimum_membership_months": 6,
    "arrears_grace_months": 3,
    "units": frozenset({"ashby-vale-clp"}),
}


def frozen(world: World) -> str:
    org = world.party()
    world.load(org, "ashby_vale_clp.csv")
    world.eligibility.set_rules(officer(OFFICER), EligibilityRules(organisation_id=org, **TRIGGER))  # type: ignore[arg-type]
    world.rolls.freeze(officer(OFFICER), "av-trigger-2021", "timetable step 3: roll frozen")
    return org


def test_freeze_records_each_decision_with_its_reason(world: World) -> None:
    frozen(world)
    snap = world.rolls.snapshot(officer(), "av-trigger-2021")
    h = snap.header
    assert (h.version, h.rules_version, h.size, h.eligible) == (1, 1, 10, 7)
    reasons = {e.member_id: e.decision.reason for e in snap.entries if not e.decision.eligible}
    assert reasons == {
        "AV0004": "joined 2021-06-01, after the freeze date 2021-05-09; joined 2021-06-01, "
        "after 2021-05-09: less than 6 months' continuous membership at 2021-11-09",
        "AV0005": "in arrears: paid up to 2021-01-31; with 3 months' grace good standing "
        "ended 2021-04-30, before 2021-11-09",
        "AV0006": "left 2021-10-01, on or before the qualifying date 2021-11-09",
    }
    assert "good standing until 2021-12-30" in snap.entry("AV0007").decision.reason  # grace
    assert snap.entry("AV0003").decision.eligible  # joined on the freeze date itself
    assert snap.entry("AV0008").decision.eligible  # via the affiliate, within the CLP
    commitments = [e.commitment for e in snap.entries]
    assert commitments == sorted(commitments)
    assert h.root == merkle_root([e.roll_entry() for e in snap.entries])
    world.rolls.recheck("av-trigger-2021")


def test_every_member_can_check_their_entry(world: World) -> None:
    frozen(world)
    for member_id in (f"AV{n:04d}" for n in range(1, 11)):
        receipt = world.rolls.receipt(officer(), "av-trigger-2021", member_id)
        verify_inclusion(receipt.entry, receipt.proof, receipt.root)
        assert len(bytes.fromhex(receipt.salt_hex)) == 32
    with pytest.raises(NotFoundError):
        world.rolls.receipt(officer(), "av-trigger-2021", "AV9999")


def test_changes_after_the_freeze_are_audited_and_refreezing_is_a_new_version(
    world: World,
) -> None:
    org = frozen(world)
    first = world.rolls.snapshot(officer(), "av-trigger-2021")
    world.clock.advance(days=2)
    world.members.update(
        officer(OFFICER),
        org,
        "AV0005",
        "subscription received 2021-11-02",
        paid_up_to=date(2022, 10, 31),
    )
    world.members.suspend(
        officer(OFFICER),
        org,
        "AV0009",
        Suspension(date(2021, 11, 3), None, "regional office 2021-11-03 #88"),
    )
    after = [
        e for e in world.audit.history(officer(), org) if e.action == "roll.changed_after_freeze"
    ]
    assert [(e.subject, e.field) for e in after] == [
        ("member:AV0005", "paid_up_to"),
        ("member:AV0009", "suspensions"),
    ]
    assert "ballot av-trigger-2021: roll version 1 frozen at 2021-11-01T09:30" in after[0].note
    assert (
        world.rolls.snapshot(officer(), "av-trigger-2021") == first
    )  # the frozen roll is unchanged

    world.rolls.freeze(officer(OFFICER), "av-trigger-2021", "appeal upheld: AV0005 paid in time")
    second = world.rolls.snapshot(officer(), "av-trigger-2021")
    assert second.header.version == 2
    assert second.entry("AV0005").decision.eligible
    assert second.entry("AV0009").decision.reason == (
        "suspended from all ballots from 2021-11-03 (regional office 2021-11-03 #88)"
    )
    assert {e.member_id: e.salt for e in first.entries} == {
        e.member_id: e.salt for e in second.entries
    }  # salts persist across versions
    moved = [
        (e.subject, e.old, e.new)
        for e in world.audit.history(officer(), org)
        if e.action == "roll.refrozen_member"
    ]
    assert moved == [
        ("member:AV0005", '"ineligible"', '"eligible"'),
        ("member:AV0009", '"eligible"', '"ineligible"'),
    ]
    assert [v.version for v in world.rolls.versions(officer(), "av-trigger-2021")] == [1, 2]
    assert world.rolls.snapshot(officer(), "av-trigger-2021", 1) == first
    world.audit.verify()


def test_a_snapshot_keeps_its_rules_version(world: World) -> None:
    org = frozen(world)
    world.eligibility.set_rules(
        officer(OFFICER),
        EligibilityRules(organisation_id=org, **(TRIGGER | {"freeze_date": date(2021, 7, 1)})),
    )  # type: ignore[arg-type]
    world.rolls.recheck("av-trigger-2021")  # still against rules version 1
    changes = [
        (e.field, e.old, e.new)
        for e in world.audit.history(officer(), org, "ballot:av-trigger-2021")
        if e.action == "eligibility.rules_set" and e.old is not None
    ]
    assert changes == [("freeze_date", '"2021-05-09"', '"2021-07-01"')]


def test_recheck_catches_a_stored_decision_that_does_not_follow(world: World) -> None:
    frozen(world)
    snap = world.rolls.snapshot(officer(), "av-trigger-2021")
    rules = world.eligibility.rules("av-trigger-2021").rules
    i = next(i for i, e in enumerate(snap.entries) if not e.decision.eligible)
    forged = dataclasses.replace(snap.entries[i].decision, eligible=True)
    entries = list(snap.entries)
    entries[i] = dataclasses.replace(entries[i], decision=forged)
    with pytest.raises(SnapshotError, match="stored decision differs"):
        recheck(dataclasses.replace(snap, entries=tuple(entries)), rules)
    bad_root = dataclasses.replace(snap, header=dataclasses.replace(snap.header, root="0" * 64))
    with pytest.raises(SnapshotError, match="root"):
        recheck(bad_root, rules)
    assert isinstance(forged, EligibilityDecision)


def test_freeze_needs_rules_and_a_reason(world: World) -> None:
    world.party()
    with pytest.raises(NotFoundError, match="no such ballot"):
        world.rolls.freeze(officer(OFFICER), "nothing", "why")
    with pytest.raises(ValidationError, match="reason"):
        world.rolls.freeze(officer(OFFICER), "nothing", "")
    with pytest.raises(NotFoundError, match="no frozen roll"):
        world.rolls.snapshot(officer(), "nothing")
