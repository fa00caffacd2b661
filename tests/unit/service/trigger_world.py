"""Test support for trigger ballots: one branch's members' yes/no election over a real store.

The Northfold Depot's branch (units: northfold-branch, so the roll is the branch's members by
the unit-membership rule): NTW-00001, -02, -05 and -06 are eligible. Two affiliates.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from tests.principals import officer, voter
from tests.unit.service.election_world import (
    CLOSES,
    ELECTION,
    OPENS,
    STRIKE,
    TELLERS,
    TRUSTEES,
    Lifecycle,
)
from tests.unit.service.world import OFFICER

from clearcount.record.events import ContestSpec
from clearcount.service.ballots import BallotDefinition
from clearcount.service.eligibility import EligibilityRules
from clearcount.service.trigger import TriggerService

TRIGGER = "nf-trigger-2022"
BRANCH = "Northfold Branch"
AFFILIATES = ("Northfold TWU", "Co-operative Party")


class BranchLifecycle(Lifecycle):
    """The lifecycle with the branch's members as the roll (EligibilityRules.units)."""

    def define(self, contests: Sequence[ContestSpec] = (STRIKE,), threshold: int = 2) -> None:
        w = self.world
        w.clock.set_day(date(2022, 9, 1))
        org = w.union()
        w.load(org, "northfold_twu.csv")
        w.eligibility.set_rules(
            officer(OFFICER),
            EligibilityRules(
                ELECTION,
                org,
                "trigger",
                "Rule Book Ch.5 Cl.IV.5",
                date(2022, 9, 1),
                minimum_membership_months=6,
                units=frozenset({"northfold-branch"}),
            ),
        )
        w.rolls.freeze(officer(OFFICER), ELECTION, "timetable")
        self.ballots.define(
            officer(OFFICER),
            BallotDefinition(
                ELECTION,
                org,
                "Northfold Branch trigger ballot",
                OPENS,
                CLOSES,
                tuple(contests),
                "Harrow & Pell Scrutineers",
                TRUSTEES,
                threshold,
                TELLERS,
            ),
        )


def open_trigger(life: BranchLifecycle) -> TriggerService:
    """Open the branch election and define the trigger ballot with it as its one branch."""
    life.open(contests=(STRIKE,))
    service = TriggerService(life.world.store.unit_of_work, life.world.clock)
    service.create(
        officer(OFFICER), TRIGGER, "northfold-twu", "Trigger ballot 2022", "labour-2021", AFFILIATES
    )
    service.add_branch(officer(OFFICER), TRIGGER, BRANCH, ELECTION)
    return service


def vote_count_publish(life: BranchLifecycle, record: Path) -> None:
    """Members vote 1 yes, 2 no; count, declare and publish the branch's record."""
    for member, choice in (("NTW-00001", 0), ("NTW-00002", 1), ("NTW-00005", 1)):
        life.casting.cast(voter(member), ELECTION, life.ballot(member, {"strike": [choice]}))
    life.count()
    life.publication.publish(officer(OFFICER), ELECTION, record)
