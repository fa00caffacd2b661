"""Trigger ballots (issues 5, 8, 11): one election with a contest per branch (each branch's
members vote in their own contest only), affiliates' officers sign their votes under the
officer's signed list of bodies, the returning officer signs abstentions and casting votes,
the secretary records, declare."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from tests.principals import officer, voter
from tests.unit.service.election_world import ELECTION, TRUSTEES
from tests.unit.service.trigger_world import (
    AFFILIATES,
    BRANCH,
    BRANCHES,
    TRIGGER,
    BranchLifecycle,
    define_trigger,
    officer_abstains,
    officer_secret,
    open_trigger,
    record_vote,
    signed_vote,
    vote_count_publish,
)
from tests.unit.service.world import OFFICER, World
from tests.unit.verifier.forgery import rebuild

from clearcount.core.canonical import canonical_json
from clearcount.core.errors import ClearcountError, RecordError
from clearcount.counting.trigger_ballot import PROFILES
from clearcount.crypto.group import Point, Scalar
from clearcount.protocol.casting import make_ballot
from clearcount.record.archive import decode_events, read_record_bytes
from clearcount.record.events import Setup
from clearcount.record.trigger_signed import (
    AffiliateVoteAct,
    ListedAffiliate,
    sign_abstention,
    sign_affiliate_vote,
    sign_bodies,
    sign_casting_vote,
)
from clearcount.service.errors import ConflictError, ElectionStateError, ValidationError
from clearcount.verifier import Status, verify_events, verify_record
from clearcount.verifier.trigger import verify_trigger_document


@pytest.fixture
def life(world: World, tmp_path: Path) -> BranchLifecycle:
    return BranchLifecycle(world, tmp_path / "keys")


def test_declaring_before_the_election_has_a_result_is_refused(life: BranchLifecycle) -> None:
    trigger = open_trigger(life)
    record_vote(trigger, AFFILIATES[0], "yes", "Jo Secretary")
    with pytest.raises(ElectionStateError, match=rf"{ELECTION}.*no declared result"):
        trigger.declare(officer(OFFICER), TRIGGER)
    assert trigger.status(TRIGGER).declaration is None


def test_a_vote_not_signed_by_the_listed_key_or_for_another_list_is_refused(
    life: BranchLifecycle,
) -> None:
    trigger = open_trigger(life)
    good = signed_vote(trigger, AFFILIATES[0], "yes", "Jo Secretary")
    forged = AffiliateVoteAct(
        good.trigger_id, good.bodies, good.affiliate, good.officer, "no", good.signature
    )
    with pytest.raises(ValidationError, match="signed by the affiliate's key"):
        trigger.record_affiliate_vote(officer(OFFICER), TRIGGER, forged)
    by_officer = AffiliateVoteAct(good.trigger_id, good.bodies, good.affiliate, good.officer, "no")
    with pytest.raises(RecordError, match=r"not in the bodies list|another key"):
        sign_affiliate_vote(trigger.bodies(TRIGGER), AFFILIATES[0], "X", "no", Scalar.random())
    elsewhere = AffiliateVoteAct("another-trigger", good.bodies, good.affiliate, "X", "no")
    for act in (by_officer, elsewhere):
        with pytest.raises(ValidationError):
            trigger.record_affiliate_vote(officer(OFFICER), TRIGGER, act)
    with pytest.raises(ValidationError, match="affiliate: expected one of its affiliates"):
        trigger.record_affiliate_vote(
            officer(OFFICER),
            TRIGGER,
            AffiliateVoteAct(TRIGGER, good.bodies, "Unknown Union", "X", "yes"),
        )
    assert trigger.status(TRIGGER).history == ()


def test_the_list_is_fixed_once_signed_and_only_before_opening(life: BranchLifecycle) -> None:
    trigger = open_trigger(life)
    with pytest.raises(ElectionStateError, match="list of bodies is fixed"):
        trigger.add_branch(officer(OFFICER), TRIGGER, "Another branch", ELECTION, "tram-yard")
    with pytest.raises(ConflictError, match="fixed"):
        trigger.draft_bodies(
            officer(OFFICER), TRIGGER, OFFICER, Point.base_mul(officer_secret(life))
        )
    assert trigger.status(TRIGGER).bodies is not None


def test_a_list_fixed_after_opening_or_signed_wrongly_is_refused(life: BranchLifecycle) -> None:
    service = define_trigger(life)
    secret = officer_secret(life)
    draft = service.draft_bodies(officer(OFFICER), TRIGGER, OFFICER, Point.base_mul(secret))
    with pytest.raises(RecordError, match="not officer"):
        sign_bodies(draft, Scalar.random())
    with pytest.raises(ValidationError, match="officer's signed list"):
        service.fix_bodies(officer(OFFICER), draft)  # unsigned
    stranger = Scalar.random()
    theirs = service.draft_bodies(
        officer(OFFICER), TRIGGER, "A. Stranger", Point.base_mul(stranger)
    )
    with pytest.raises(ValidationError, match="returning officer whose card"):
        service.fix_bodies(officer(OFFICER), sign_bodies(theirs, stranger))
    extra = ListedAffiliate("Added Union", Point.base_mul(Scalar.random()))
    padded = replace(draft, affiliates=(*draft.affiliates, extra))
    with pytest.raises(ValidationError, match="the list as it stands"):
        service.fix_bodies(officer(OFFICER), sign_bodies(padded, secret))
    life.world.clock.at = datetime(2022, 9, 12, 10, 0, tzinfo=UTC)
    with pytest.raises(ElectionStateError, match="must be fixed before it opens"):
        service.fix_bodies(officer(OFFICER), sign_bodies(draft, secret))


def test_a_second_vote_needs_replace_and_both_are_kept_and_audited(
    life: BranchLifecycle,
) -> None:
    trigger = open_trigger(life)
    record_vote(trigger, AFFILIATES[1], "yes", "Kim Chair")
    with pytest.raises(ConflictError, match=r"already recorded.*replace"):
        record_vote(trigger, AFFILIATES[1], "no", "Kim Chair")
    with pytest.raises(ConflictError, match="none to replace"):
        trigger.record_affiliate_vote(
            officer(OFFICER), TRIGGER, signed_vote(trigger, AFFILIATES[0], "no", "Jo"), replace=True
        )
    trigger.record_affiliate_vote(
        officer(OFFICER),
        TRIGGER,
        signed_vote(trigger, AFFILIATES[1], "no", "Lee Secretary"),
        replace=True,
    )
    status = trigger.status(TRIGGER)
    assert [(v.vote, v.officer, v.replaces) for v in status.history] == [
        ("yes", "Kim Chair", False),
        ("no", "Lee Secretary", True),
    ]
    assert [(v.affiliate, v.vote) for v in status.votes] == [(AFFILIATES[1], "no")]
    actions = [
        e.action for e in life.world.audit.history(officer(), "northfold-twu", f"trigger:{TRIGGER}")
    ]
    assert actions.count("trigger.affiliate_vote") == 1
    assert actions.count("trigger.affiliate_vote_replaced") == 1
    assert actions.count("trigger.bodies_fixed") == 1


def test_a_contest_is_only_one_branchs_and_every_contest_a_branchs(
    life: BranchLifecycle,
) -> None:
    trigger = define_trigger(life)
    with pytest.raises(ConflictError, match="already"):
        trigger.add_branch(officer(OFFICER), TRIGGER, "Another branch", ELECTION, "tram-yard")
    with pytest.raises(ValidationError, match="a contest of election"):
        trigger.add_branch(officer(OFFICER), TRIGGER, "Another branch", ELECTION, "nm-garage")
    with pytest.raises(ValidationError, match="one election"):
        trigger.add_branch(officer(OFFICER), TRIGGER, "Another branch", "elsewhere", "x")


def test_one_ceremony_one_setup_one_key_file_per_trustee_for_every_branch(
    life: BranchLifecycle,
) -> None:
    trigger = open_trigger(life)
    setup_event = life.ballots.setup_event(ELECTION)
    setup = Setup.from_body(setup_event.body, "Setup")
    assert [c.id for c in setup.contests] == list(BRANCHES)
    assert [(s.contests, s.eligible) for s in setup.roll.scopes] == [
        (("northfold-depot",), 4),
        (("tram-yard",), 1),
    ]
    shares = sorted(p.name for p in (life.key_dir).glob("trustee-*.key"))
    assert len(shares) == len(TRUSTEES), shares
    bodies = trigger.bodies(TRIGGER)
    assert (bodies.election_id, bodies.setup_hash) == (ELECTION, setup_event.hash)
    assert [(b.name, b.contest) for b in bodies.branches] == [
        (name, unit) for unit, name in BRANCHES.items()
    ]
    assert bodies.body_tie == "casting-vote"


def test_a_member_cannot_vote_in_another_branchs_contest(
    life: BranchLifecycle, tmp_path: Path
) -> None:
    open_trigger(life)
    with pytest.raises(RecordError, match=r"only in contest\(s\) \['tram-yard'\].*not entitled"):
        life.ballot("NTW-00003", {"northfold-depot": [0]})
    lenient = replace(life.election(), scopes={})
    stray, _ = make_ballot(lenient, {"northfold-depot": [1]}, life.credential("NTW-00003"))
    with pytest.raises(ClearcountError, match="the credential's"):
        life.casting.cast(voter("NTW-00003"), ELECTION, stray)
    record = tmp_path / "trigger.zip"
    vote_count_publish(life, record)
    honest = decode_events(read_record_bytes(record), "record")
    forged = rebuild(honest, "Ballot", [("Ballot", stray.to_body())], declare_result=False)
    report = verify_events(forged, workers=1)
    shape = next(o for o in report.outcomes if o.spec.id == "V-BALLOT-SHAPE")
    assert shape.status is Status.FAILED
    assert "not entitled" in shape.findings[0].message


def test_declaration_counts_members_and_signed_affiliate_votes_and_verifies(
    life: BranchLifecycle, tmp_path: Path
) -> None:
    trigger = open_trigger(life)
    record_vote(trigger, AFFILIATES[0], "yes", "Jo Secretary")
    record = tmp_path / "trigger.zip"
    vote_count_publish(life, record)
    with pytest.raises(ElectionStateError, match=r"waiting for: branch Tram Yard Branch.*abstain"):
        trigger.declare(officer(OFFICER), TRIGGER)
    officer_abstains(trigger, life, "Tram Yard Branch")
    with pytest.raises(ElectionStateError, match=rf"affiliate {AFFILIATES[1]}: its officer's"):
        trigger.declare(officer(OFFICER), TRIGGER)
    record_vote(trigger, AFFILIATES[1], "abstain", "Kim Chair")
    entry = trigger.declare(officer(OFFICER), TRIGGER)
    document = json.loads(entry.document)
    assert document["profile"] == "labour-2021"
    assert [(b["name"], b["yes"], b["no"]) for b in document["branches"]] == [
        (BRANCH, 1, 2),
        ("Tram Yard Branch", 0, 0),
    ]
    assert [a["body"] for a in document["abstentions"]] == ["Tram Yard Branch"]
    assert [(a["affiliate"], a["vote"], a["officer"]) for a in document["affiliates"]] == [
        (AFFILIATES[0], "yes", "Jo Secretary"),
        (AFFILIATES[1], "abstain", "Kim Chair"),
    ]
    assert document["bodies"]["officer"] == OFFICER
    # the one branch that voted asked (1 yes, 2 no); the union backs the MP: 50 + 0
    college = document["count"]["outcome"]["college"]
    assert (
        college["summary"]
        == "branches 50.0 + affiliates 0.0 = 50.0%, not more than 50%: the MP is reselected"
    )
    assert document["triggered"] is False
    with pytest.raises(ConflictError, match="already declared"):
        trigger.declare(officer(OFFICER), TRIGGER)
    with pytest.raises(ElectionStateError, match="already declared"):
        record_vote(trigger, AFFILIATES[1], "no", "Kim Chair")
    report = verify_trigger_document(
        entry.document.encode("utf-8"),
        {str(record): (verify_record(record, workers=1), read_record_bytes(record))},
    )
    assert report.ok, [o.findings for o in report.failed()]


@pytest.mark.parametrize("profile", PROFILES)
def test_a_tied_branch_is_decided_by_the_chairs_casting_vote_under_each_profile(
    life: BranchLifecycle, tmp_path: Path, profile: str
) -> None:
    trigger = open_trigger(life, profile)
    record = tmp_path / "trigger.zip"
    vote_count_publish(life, record, (("NTW-00001", 0), ("NTW-00002", 1)))
    officer_abstains(trigger, life, "Tram Yard Branch")
    record_vote(trigger, AFFILIATES[0], "yes", "Jo Secretary")
    record_vote(trigger, AFFILIATES[1], "yes", "Kim Chair")
    with pytest.raises(ElectionStateError, match=r"members tied 1 to 1.*casting vote"):
        trigger.declare(officer(OFFICER), TRIGGER)
    bodies = trigger.bodies(TRIGGER)
    with pytest.raises(RecordError, match="not returning officer"):
        sign_casting_vote(bodies, BRANCH, (1, 1), "Ann Chair", "no", Scalar.random())
    with pytest.raises(RecordError, match="expected a tie"):
        sign_casting_vote(bodies, BRANCH, (2, 1), "Ann Chair", "no", officer_secret(life))
    act = sign_casting_vote(bodies, BRANCH, (1, 1), "Ann Chair", "no", officer_secret(life))
    forged = replace(act, vote="yes")
    with pytest.raises(ValidationError, match="signed by returning officer"):
        trigger.record_casting_vote(officer(OFFICER), TRIGGER, forged)
    trigger.record_casting_vote(officer(OFFICER), TRIGGER, act)
    with pytest.raises(ConflictError, match="already recorded"):
        trigger.record_casting_vote(officer(OFFICER), TRIGGER, act)
    document = json.loads(trigger.declare(officer(OFFICER), TRIGGER).document)
    how = {b["name"]: (b["vote"], b["how"]) for b in document["count"]["outcome"]["bodies"]}
    assert how[BRANCH] == ("no", "members tied; chair's casting vote")
    assert how["Tram Yard Branch"] == (None, "no member voted")
    assert document["triggered"] is (profile == "labour-2018")  # 2021: 50 + 0, not > 50
    data = canonical_json(document)
    report = verify_trigger_document(
        data, {str(record): (verify_record(record, workers=1), read_record_bytes(record))}
    )
    assert report.ok, [o.findings for o in report.failed()]


def test_a_forged_abstention_is_refused_and_an_affiliate_cannot_both_vote_and_abstain(
    life: BranchLifecycle,
) -> None:
    trigger = open_trigger(life)
    bodies = trigger.bodies(TRIGGER)
    with pytest.raises(RecordError, match="not returning officer"):
        sign_abstention(bodies, AFFILIATES[1], "did not meet", Scalar.random())
    good = sign_abstention(bodies, AFFILIATES[1], "did not meet", officer_secret(life))
    with pytest.raises(ValidationError, match="signed by returning officer"):
        trigger.record_abstention(officer(OFFICER), TRIGGER, replace(good, body=AFFILIATES[0]))
    record_vote(trigger, AFFILIATES[0], "yes", "Jo Secretary")
    with pytest.raises(ConflictError, match="did not abstain"):
        trigger.record_abstention(
            officer(OFFICER),
            TRIGGER,
            sign_abstention(bodies, AFFILIATES[0], "absent", officer_secret(life)),
        )
    trigger.record_abstention(officer(OFFICER), TRIGGER, good)
    with pytest.raises(ConflictError, match="recorded it as abstaining"):
        record_vote(trigger, AFFILIATES[1], "no", "Kim Chair")
