"""Test support for the election lifecycle: a union executive election over a real store.

The Northfold Transport Workers' Union (fictional; tests/fixtures/members/northfold_twu.csv):
five eligible members and one (NTW-00004, under six months' membership) who is not. The
credential authority's part is played with its real API (`issue_credentials`), so the tests
know which credential is whose, as only the authority would.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from tests.principals import officer
from tests.unit.service.world import OFFICER, World

from clearcount.crypto.group import Scalar, ScalarSource, seeded_scalars
from clearcount.protocol.casting import make_ballot
from clearcount.protocol.context import Election, read_election
from clearcount.protocol.credentials import CredentialSecret
from clearcount.protocol.paper import Cancellation, TellerSecret
from clearcount.protocol.roles import RoleSecret
from clearcount.record.events import Ballot, ContestSpec
from clearcount.service.elections.appeals import AppealService
from clearcount.service.elections.ballots import (
    BallotDefinition,
    BallotService,
    CeremonyReport,
    contest,
)
from clearcount.service.elections.casting import CastingService
from clearcount.service.elections.closing import ClosingService
from clearcount.service.elections.paper import PaperService
from clearcount.service.elections.publication import PublicationService, run_verifier
from clearcount.service.elections.register import RegisterService
from clearcount.service.elections.results import ResultsService
from clearcount.service.elections.role_cards import RoleService
from clearcount.service.elections.tally import TallyService
from clearcount.service.membership.eligibility import EligibilityRules
from clearcount.service.roles.ceremony_transport import CeremonyFolder
from clearcount.service.roles.credential_authority import (
    KeyMaterial,
    issue_credentials,
    recipients_from_snapshot,
)
from clearcount.service.roles.keys import save_long_term_key
from clearcount.service.roles.trustee_ceremony import trustee_round1, trustee_round2

ELECTION = "ntwu-exec-2022"
TRUSTEES = ("Tess Alder", "Omar Birch", "Nia Cedar")
TELLERS = ("Pat Quinn", "Sam Ortiz")
AUTHORITY = "Harrow & Pell Scrutineers"
PASSPHRASES = {name: f"{name.lower().replace(' ', '-')}-passphrase" for name in TRUSTEES + TELLERS}
LOW_COST = 14
ELIGIBLE = ("NTW-00001", "NTW-00002", "NTW-00003", "NTW-00005", "NTW-00006")
INELIGIBLE = "NTW-00004"
OPENS = datetime(2022, 9, 10, 9, 0, tzinfo=UTC)
CLOSES = datetime(2022, 9, 20, 17, 0, tzinfo=UTC)

CHAIR = contest("chair", "Branch chair", "fptp", ("Ann Hale", "Bob Irwin", "Cal Jones"))
STRIKE = contest("strike", "Strike action?", "yes-no", ("Yes", "No"))
LEADER = contest("leader", "Group leader", "irv", ("Dee", "Eli", "Fay"))


@dataclass
class Lifecycle:
    """The services of the lifecycle, over `world`'s store and clock."""

    world: World
    key_dir: Path
    rng: ScalarSource = field(default_factory=lambda: seeded_scalars(b"election world"))

    def __post_init__(self) -> None:
        uow, clock = self.world.store.unit_of_work, self.world.clock
        verify = run_verifier(1)
        self.ballots = BallotService(uow, clock)
        self.casting = CastingService(uow, clock)
        self.paper = PaperService(uow, clock)
        self.register = RegisterService(uow, clock)
        self.closing = ClosingService(uow, clock)
        self.tally = TallyService(uow, clock)
        self.results = ResultsService(uow, clock)
        self.publication = PublicationService(uow, clock, verify)
        self.appeals = AppealService(uow, clock, verify)
        self.roles = RoleService(uow, clock)
        self.role_keys: dict[str, RoleSecret] = {}
        self.trustee_keys: dict[str, Path] = {}
        self.share_files: dict[str, Path] = {}
        self.material: KeyMaterial | None = None
        self.ceremony: CeremonyReport | None = None

    # -- steps -----------------------------------------------------------------------------
    def define(self, contests: Sequence[ContestSpec] = (CHAIR, STRIKE), threshold: int = 2) -> None:
        w = self.world
        w.clock.set_day(date(2022, 9, 1))
        org = w.union()
        w.load(org, "northfold_twu.csv")
        w.eligibility.set_rules(
            officer(OFFICER),
            EligibilityRules(
                ELECTION,
                org,
                "executive",
                "Rule 14.2",
                date(2022, 9, 1),
                minimum_membership_months=6,
            ),
        )
        w.rolls.freeze(officer(OFFICER), ELECTION, "timetable: nominations closed")
        self.ballots.define(
            officer(OFFICER),
            BallotDefinition(
                ELECTION,
                org,
                "Executive election 2022",
                OPENS,
                CLOSES,
                tuple(contests),
                "Harrow & Pell Scrutineers",
                TRUSTEES,
                threshold,
                TELLERS,
            ),
        )

    def register_roles(self) -> None:
        """Each role makes its keys (as on its own machine); the officer registers the cards."""
        roles = [("officer", OFFICER), ("authority", AUTHORITY)]
        roles += [("teller", n) for n in TELLERS] + [("trustee", n) for n in TRUSTEES]
        for role, name in roles:
            secret = RoleSecret.generate(role, name, self.rng)
            self.role_keys[name] = secret
            if role == "trustee":
                path = self.key_dir / "roles" / f"{_slug(name)}.key"
                path.parent.mkdir(parents=True, exist_ok=True)
                save_long_term_key(path, secret, PASSPHRASES[name], log2_n=LOW_COST)
                self.trustee_keys[name] = path
            self.roles.register(officer(OFFICER), ELECTION, secret.card(self.rng))

    def setup(self) -> CeremonyReport:
        """The distributed key ceremony: each trustee's rounds with its own key file."""
        if not self.role_keys:
            self.register_roles()
        folder = CeremonyFolder(self.key_dir / "ceremony")
        self.ballots.ceremony_start(officer(OFFICER), ELECTION, folder)
        for name in TRUSTEES:
            trustee_round1(folder, self.trustee_keys[name], PASSPHRASES[name], rng=self.rng)
        for name in TRUSTEES:
            share = self.key_dir / f"trustee-{_slug(name)}.key"
            trustee_round2(
                folder,
                self.trustee_keys[name],
                PASSPHRASES[name],
                share,
                log2_n=LOW_COST,
                rng=self.rng,
            )
            self.share_files[name] = share
        self.ceremony = self.ballots.ceremony_finish(officer(OFFICER), ELECTION, folder)
        return self.ceremony

    def credentials(self) -> None:
        setup = self.ballots.setup_event(ELECTION)
        snapshot = self.world.rolls.snapshot(officer(), ELECTION)
        members = {
            m.member_id: m for m in self.world.members.list_members(officer(), "northfold-twu")
        }
        self.material = issue_credentials(
            setup, recipients_from_snapshot(snapshot, members), self.rng
        )
        authority = self.role_keys[AUTHORITY].signing
        self.ballots.publish_credentials(
            officer(OFFICER), ELECTION, self.material.credentials(authority)
        )

    def open(self, *, contests: Sequence[ContestSpec] = (CHAIR, STRIKE)) -> None:
        """Define, set up, publish credentials, and move the clock into the voting window."""
        self.define(contests)
        self.setup()
        self.credentials()
        self.world.clock.at = datetime(2022, 9, 12, 10, 0, tzinfo=UTC)

    # -- roles -----------------------------------------------------------------------------
    def election(self) -> Election:
        return read_election(self.ballots.record(ELECTION)[:2])

    def credential(self, member_id: str) -> CredentialSecret:
        assert self.material is not None
        return self.material.find(member_id).secret

    def ballot(self, member_id: str, choices: Mapping[str, Sequence[int]]) -> Ballot:
        return make_ballot(self.election(), choices, self.credential(member_id), self.rng)[0]

    def tellers(self) -> tuple[TellerSecret, TellerSecret]:
        a, b = (self.role_keys[n].teller() for n in TELLERS)
        return a, b

    def signing(self, name: str) -> Scalar:
        """`name`'s own long-term signing key (its `role init` key file)."""
        return self.role_keys[name].signing

    def cancellation(self, members: Sequence[str]) -> Cancellation:
        """The credential authority's signed list of these paper voters' credentials."""
        assert self.material is not None
        return self.material.cancellation(members, self.signing(AUTHORITY), self.rng)

    def trustee_file(self, name: str) -> Path:
        return self.share_files[name]

    def count(self, trustees: Sequence[str] = TRUSTEES[:2]) -> None:
        """Close (on time), tally, shuffle and have `trustees` decrypt; then declare."""
        self.world.clock.at = CLOSES
        self.closing.close(officer(OFFICER), ELECTION)
        self.tally.tally(officer(OFFICER), ELECTION)
        if any(c.kind == "mixnet" for c in self.election().setup.contests):
            for name in TRUSTEES:
                self.tally.shuffle(ELECTION, name, self.signing(name), rng=self.rng)
        for name in trustees:
            self.tally.decrypt_with_key_file(
                ELECTION,
                self.trustee_file(name),
                PASSPHRASES[name],
                self.signing(name),
                rng=self.rng,
            )
        self.results.declare(officer(OFFICER), ELECTION)


def _slug(name: str) -> str:
    return name.lower().replace(" ", "-")
