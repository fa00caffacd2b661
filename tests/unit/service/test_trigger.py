"""Trigger ballots (issues 5, 8): branches' members vote, affiliates' officers sign their votes
under the officer's signed list of bodies, the secretary records, declare."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from tests.principals import officer
from tests.unit.service.election_world import ELECTION
from tests.unit.service.trigger_world import (
    AFFILIATES,
    BRANCH,
    TRIGGER,
    BranchLifecycle,
    define_trigger,
    officer_secret,
    open_trigger,
    record_vote,
    signed_vote,
    vote_count_publish,
)
from tests.unit.service.world import OFFICER, World

from clearcount.core.errors import RecordError
from clearcount.crypto.group import Point, Scalar
from clearcount.record.archive import read_record_bytes
from clearcount.record.trigger_signed import (
    AffiliateVoteAct,
    ListedAffiliate,
    sign_affiliate_vote,
    sign_bodies,
)
from clearcount.service.errors import ConflictError, ElectionStateError, ValidationError
from clearcount.verifier import verify_record
from clearcount.verifier.trigger import verify_trigger_document


@pytest.fixture
def life(world: World, tmp_path: Path) -> BranchLifecycle:
    return BranchLifecycle(world, tmp_path / "keys")


def test_declaring_before_every_branch_has_a_result_is_refused(life: BranchLifecycle) -> None:
    trigger = open_trigger(life)
    record_vote(trigger, AFFILIATES[0], "yes", "Jo Secretary")
    with pytest.raises(ElectionStateError, match=rf"waiting for: {BRANCH}.*no declared result"):
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
        trigger.add_branch(officer(OFFICER), TRIGGER, "Another branch", "some-election")
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
    with pytest.raises(ElectionStateError, match="before any branch election opens"):
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


def test_an_election_is_only_one_branchs(life: BranchLifecycle) -> None:
    trigger = define_trigger(life)
    with pytest.raises(ConflictError, match="already"):
        trigger.add_branch(officer(OFFICER), TRIGGER, "Another branch", ELECTION)


def test_declaration_counts_members_and_signed_affiliate_votes_and_verifies(
    life: BranchLifecycle, tmp_path: Path
) -> None:
    trigger = open_trigger(life)
    record_vote(trigger, AFFILIATES[0], "yes", "Jo Secretary")
    record = tmp_path / "branch.zip"
    vote_count_publish(life, record)
    with pytest.raises(
        ElectionStateError, match=rf"signed vote or abstention; missing: {AFFILIATES[1]}"
    ):
        trigger.declare(officer(OFFICER), TRIGGER)
    record_vote(trigger, AFFILIATES[1], "abstain", "Kim Chair")
    entry = trigger.declare(officer(OFFICER), TRIGGER)
    document = json.loads(entry.document)
    assert document["profile"] == "labour-2021"
    assert [(b["name"], b["yes"], b["no"]) for b in document["branches"]] == [(BRANCH, 1, 2)]
    assert [(a["affiliate"], a["vote"], a["officer"]) for a in document["affiliates"]] == [
        (AFFILIATES[0], "yes", "Jo Secretary"),
        (AFFILIATES[1], "abstain", "Kim Chair"),
    ]
    assert document["bodies"]["officer"] == OFFICER
    # branches 50 x 2/2 asked... the branch asked (1 yes, 2 no); the union backs the MP: 50 + 0
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
