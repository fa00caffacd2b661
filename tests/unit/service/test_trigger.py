"""Trigger ballots (issue 5): branches' members vote, affiliates' officers record, declare."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.principals import officer
from tests.unit.service.election_world import ELECTION
from tests.unit.service.trigger_world import (
    AFFILIATES,
    BRANCH,
    TRIGGER,
    BranchLifecycle,
    open_trigger,
    vote_count_publish,
)
from tests.unit.service.world import OFFICER, World

from clearcount.record.archive import read_record_bytes
from clearcount.service.errors import ConflictError, ElectionStateError, ValidationError
from clearcount.verifier import verify_record
from clearcount.verifier.trigger import verify_trigger_document


@pytest.fixture
def life(world: World, tmp_path: Path) -> BranchLifecycle:
    return BranchLifecycle(world, tmp_path / "keys")


def test_declaring_before_every_branch_has_a_result_is_refused(life: BranchLifecycle) -> None:
    trigger = open_trigger(life)
    trigger.record_affiliate_vote(officer(OFFICER), TRIGGER, AFFILIATES[0], "yes", "Jo Secretary")
    with pytest.raises(ElectionStateError, match=rf"waiting for: {BRANCH}.*no declared result"):
        trigger.declare(officer(OFFICER), TRIGGER)
    assert trigger.status(TRIGGER).declaration is None


def test_an_unknown_affiliate_and_a_bad_vote_are_refused(life: BranchLifecycle) -> None:
    trigger = open_trigger(life)
    with pytest.raises(ValidationError, match="affiliate: expected one of its affiliates"):
        trigger.record_affiliate_vote(
            officer(OFFICER), TRIGGER, "Unknown Union", "yes", "Al Officer"
        )
    with pytest.raises(ValidationError, match="vote: expected yes or no"):
        trigger.record_affiliate_vote(
            officer(OFFICER), TRIGGER, AFFILIATES[0], "maybe", "Al Officer"
        )
    assert trigger.status(TRIGGER).history == ()


def test_a_second_vote_needs_replace_and_both_are_kept_and_audited(
    life: BranchLifecycle,
) -> None:
    trigger = open_trigger(life)
    trigger.record_affiliate_vote(officer(OFFICER), TRIGGER, AFFILIATES[1], "yes", "Kim Chair")
    with pytest.raises(ConflictError, match=r"already recorded.*replace"):
        trigger.record_affiliate_vote(officer(OFFICER), TRIGGER, AFFILIATES[1], "no", "Kim Chair")
    with pytest.raises(ConflictError, match="none to replace"):
        trigger.record_affiliate_vote(
            officer(OFFICER), TRIGGER, AFFILIATES[0], "no", "Jo Secretary", replace=True
        )
    trigger.record_affiliate_vote(
        officer(OFFICER), TRIGGER, AFFILIATES[1], "no", "Lee Secretary", replace=True
    )
    status = trigger.status(TRIGGER)
    assert [(v.vote, v.officer, v.replaces) for v in status.history] == [
        ("yes", "Kim Chair", False),
        ("no", "Lee Secretary", True),
    ]
    assert [(v.affiliate, v.vote) for v in status.votes] == [(AFFILIATES[1], "no")]
    actions = [e.action for e in life.world.audit.history("northfold-twu", f"trigger:{TRIGGER}")]
    assert actions.count("trigger.affiliate_vote") == 1
    assert actions.count("trigger.affiliate_vote_replaced") == 1


def test_an_election_is_only_one_branchs(life: BranchLifecycle) -> None:
    trigger = open_trigger(life)
    with pytest.raises(ConflictError, match="already"):
        trigger.add_branch(officer(OFFICER), TRIGGER, "Another branch", ELECTION)


def test_declaration_counts_members_and_affiliates_and_verifies(
    life: BranchLifecycle, tmp_path: Path
) -> None:
    trigger = open_trigger(life)
    trigger.record_affiliate_vote(officer(OFFICER), TRIGGER, AFFILIATES[0], "yes", "Jo Secretary")
    record = tmp_path / "branch.zip"
    vote_count_publish(life, record)
    entry = trigger.declare(officer(OFFICER), TRIGGER)
    document = json.loads(entry.document)
    assert document["profile"] == "labour-2021"
    assert [(b["name"], b["yes"], b["no"]) for b in document["branches"]] == [(BRANCH, 1, 2)]
    assert document["affiliates"] == [
        {"name": AFFILIATES[0], "vote": "yes", "officer": "Jo Secretary"},
        {"name": AFFILIATES[1], "vote": None, "officer": None},
    ]
    # one body for the MP (the union), one against (the branch): half of those voting
    assert document["triggered"] is False
    with pytest.raises(ConflictError, match="already declared"):
        trigger.declare(officer(OFFICER), TRIGGER)
    with pytest.raises(ElectionStateError, match="already declared"):
        trigger.record_affiliate_vote(officer(OFFICER), TRIGGER, AFFILIATES[1], "no", "Kim Chair")
    report = verify_trigger_document(
        entry.document.encode("utf-8"),
        {str(record): (verify_record(record, workers=1), read_record_bytes(record))},
    )
    assert report.ok, [o.findings for o in report.failed()]
