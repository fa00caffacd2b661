"""Test support for trigger ballots: one branch's members' yes/no election over a real store.

The Northfold Depot's branch (units: northfold-branch, so the roll is the branch's members by
the unit-membership rule): NTW-00001, -02, -05 and -06 are eligible. Two affiliates, each with
its officer's own key; the returning officer's key signs the list of bodies (issue 8).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
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

from clearcount.crypto.group import Point, Scalar
from clearcount.record.events import ContestSpec
from clearcount.record.trigger_signed import (
    AffiliateVoteAct,
    ListedAffiliate,
    sign_affiliate_vote,
    sign_bodies,
)
from clearcount.service.elections.ballots import BallotDefinition
from clearcount.service.membership.eligibility import EligibilityRules
from clearcount.service.trigger.ballots import TriggerService

TRIGGER = "nf-trigger-2022"
BRANCH = "Northfold Branch"
AFFILIATES = ("Northfold TWU", "Co-operative Party")
AFFILIATE_SECRETS = {name: Scalar.random() for name in AFFILIATES}
"""Each affiliate's officer's key (made on that officer's machine in real use)."""


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


def define_trigger(life: BranchLifecycle) -> TriggerService:
    """The branch election set up (key ceremony, credentials), the trigger ballot defined with
    its affiliates' keys and the branch, its list of bodies not fixed yet."""
    life.define((STRIKE,))
    life.setup()
    life.credentials()
    service = TriggerService(life.world.store.unit_of_work, life.world.clock)
    listed = [ListedAffiliate(a, Point.base_mul(AFFILIATE_SECRETS[a])) for a in AFFILIATES]
    service.create(
        officer(OFFICER), TRIGGER, "northfold-twu", "Trigger ballot 2022", "labour-2021", listed
    )
    service.add_branch(officer(OFFICER), TRIGGER, BRANCH, ELECTION)
    return service


def open_trigger(life: BranchLifecycle) -> TriggerService:
    """Set up the branch election, define the trigger ballot with it as its one branch, fix
    and sign the list of bodies before the election opens, then open the voting window."""
    service = define_trigger(life)
    secret = officer_secret(life)
    draft = service.draft_bodies(officer(OFFICER), TRIGGER, OFFICER, Point.base_mul(secret))
    service.fix_bodies(officer(OFFICER), sign_bodies(draft, secret))
    life.world.clock.at = datetime(2022, 9, 12, 10, 0, tzinfo=UTC)
    return service


def signed_vote(
    service: TriggerService, affiliate: str, vote: str, officer: str
) -> AffiliateVoteAct:
    """`affiliate`'s officer signs `vote` under the ballot's signed list of bodies."""
    bodies = service.bodies(TRIGGER)
    return sign_affiliate_vote(bodies, affiliate, officer, vote, AFFILIATE_SECRETS[affiliate])


def record_vote(service: TriggerService, affiliate: str, vote: str, name: str) -> None:
    """Sign and record (the secretary records what the affiliate's officer signed)."""
    act = signed_vote(service, affiliate, vote, name)
    service.record_affiliate_vote(officer(OFFICER), TRIGGER, act)


def vote_count_publish(life: BranchLifecycle, record: Path) -> None:
    """Members vote 1 yes, 2 no; count, declare and publish the branch's record."""
    for member, choice in (("NTW-00001", 0), ("NTW-00002", 1), ("NTW-00005", 1)):
        life.casting.cast(voter(member), ELECTION, life.ballot(member, {"strike": [choice]}))
    life.count()
    life.publication.publish(officer(OFFICER), ELECTION, record)


def officer_secret(life: BranchLifecycle) -> Scalar:
    """The returning officer's signing key: the one its card registered for the branch
    election (so the branch record's Setup lists it)."""
    return life.role_keys[OFFICER].signing
