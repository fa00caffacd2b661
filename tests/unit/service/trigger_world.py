"""Test support for trigger ballots: ONE election, a yes/no contest per branch, over a real store.

Two branches, each a unit whose members vote in its own contest only (rules `contest_by_unit`,
spec §10.4.1): the Depot branch (unit northfold-depot: NTW-00001, -02, -05 and -06 eligible)
and the Tram Yard branch (unit tram-yard: NTW-00003). One key ceremony, one Setup. Two
affiliates, each with its officer's own key; the returning officer's key signs the list of
bodies (issue 8) and its own entries (abstentions, casting votes: issue 11).
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
    sign_abstention,
    sign_affiliate_vote,
    sign_bodies,
)
from clearcount.service.elections.ballots import BallotDefinition, contest
from clearcount.service.membership.eligibility import EligibilityRules
from clearcount.service.trigger.ballots import TriggerService

TRIGGER = "nf-trigger-2022"
BRANCHES = {"northfold-depot": "Depot Branch", "tram-yard": "Tram Yard Branch"}
BRANCH = BRANCHES["northfold-depot"]
CONTESTS = tuple(
    contest(unit, f"{name}: reselect the MP?", "yes-no", ("Yes", "No"))
    for unit, name in BRANCHES.items()
)
AFFILIATES = ("Northfold TWU", "Co-operative Party")
AFFILIATE_SECRETS = {name: Scalar.random() for name in AFFILIATES}
"""Each affiliate's officer's key (made on that officer's machine in real use)."""


class BranchLifecycle(Lifecycle):
    """The lifecycle with the branches' members as the roll, each scoped to its contest."""

    def define(self, contests: Sequence[ContestSpec] = CONTESTS, threshold: int = 2) -> None:
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
                units=frozenset(BRANCHES),
                contest_by_unit=True,
            ),
        )
        w.rolls.freeze(officer(OFFICER), ELECTION, "timetable")
        self.ballots.define(
            officer(OFFICER),
            BallotDefinition(
                ELECTION,
                org,
                "Northfold trigger ballot",
                OPENS,
                CLOSES,
                tuple(contests),
                "Harrow & Pell Scrutineers",
                TRUSTEES,
                threshold,
                TELLERS,
            ),
        )


def define_trigger(life: BranchLifecycle, profile: str = "labour-2021") -> TriggerService:
    """The one election set up (key ceremony, credentials), the trigger ballot defined with
    its affiliates' keys and both branches' contests, its list of bodies not fixed yet."""
    life.define()
    life.setup()
    life.credentials()
    service = TriggerService(life.world.store.unit_of_work, life.world.clock)
    listed = [ListedAffiliate(a, Point.base_mul(AFFILIATE_SECRETS[a])) for a in AFFILIATES]
    service.create(
        officer(OFFICER), TRIGGER, "northfold-twu", "Trigger ballot 2022", profile, listed
    )
    for unit, name in BRANCHES.items():
        service.add_branch(officer(OFFICER), TRIGGER, name, ELECTION, unit)
    return service


def open_trigger(life: BranchLifecycle, profile: str = "labour-2021") -> TriggerService:
    """Set up the election, define the trigger ballot with its two branches, fix and sign the
    list of bodies before the election opens, then open the voting window."""
    service = define_trigger(life, profile)
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


DEPOT_VOTES = (("NTW-00001", 0), ("NTW-00002", 1), ("NTW-00005", 1))
"""The Depot branch's members: 1 yes, 2 no (the Tram Yard's one member does not vote)."""


def vote_count_publish(
    life: BranchLifecycle, record: Path, votes: Sequence[tuple[str, int]] = DEPOT_VOTES
) -> None:
    """Depot members vote (`votes`, in their own contest); count, declare and publish."""
    for member, choice in votes:
        ballot = life.ballot(member, {"northfold-depot": [choice]})
        life.casting.cast(voter(member), ELECTION, ballot)
    life.count()
    life.publication.publish(officer(OFFICER), ELECTION, record)


def officer_abstains(service: TriggerService, life: BranchLifecycle, body: str) -> None:
    """The returning officer signs and records `body`'s abstention."""
    act = sign_abstention(service.bodies(TRIGGER), body, "did not meet", officer_secret(life))
    service.record_abstention(officer(OFFICER), TRIGGER, act)


def officer_secret(life: BranchLifecycle) -> Scalar:
    """The returning officer's signing key: the one its card registered for the branch
    election (so the branch record's Setup lists it)."""
    return life.role_keys[OFFICER].signing
