"""The demo's steps over the wired services: a fictional clock, an outbox mailer, and
`Demo`, which runs each step of docs/steps/ as the `clearcount` commands do (`clearcount demo`,
scenarios in `cli.demo`)."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path

import click

from clearcount.bootstrap import Services
from clearcount.mail.letters import render_letters, write_private
from clearcount.protocol.casting import make_ballot
from clearcount.protocol.challenge import spoil
from clearcount.protocol.roles import RoleCard, RoleSecret
from clearcount.service.authorisation import Principal, Role
from clearcount.service.elections.ballots import CeremonyReport
from clearcount.service.elections.records import BallotDefinition
from clearcount.service.elections.results import Declaration
from clearcount.service.elections.role_cards import init_role, write_card
from clearcount.service.membership.eligibility import EligibilityRules
from clearcount.service.membership.organisations import Organisation, Unit, UnitKind
from clearcount.service.ports import MailMessage
from clearcount.service.roles.ceremony_transport import CeremonyFolder
from clearcount.service.roles.credential_authority import (
    KeyMaterial,
    issue_credentials,
    letters,
    recipients_from_snapshot,
    send_credentials,
)
from clearcount.service.roles.delivery import VotingInstructions
from clearcount.service.roles.keys import load_long_term_key
from clearcount.service.roles.trustee_ceremony import trustee_round1, trustee_round2

from . import demo_data as data
from .context import election_of
from .tally_commands import print_declaration

__all__ = [
    "AS_OFFICER",
    "OFFICER",
    "SCRUTINEER",
    "TELLERS",
    "TRUSTEES",
    "Demo",
    "DemoClock",
    "DemoOutcome",
]

KDF_COST = 15
"""log2 of scrypt's N for the demo's key files (the real default is 17: slower to open)."""
OFFICER = "Jo Hale (returning officer)"
AS_OFFICER = Principal(OFFICER, Role.OFFICER)
SCRUTINEER = "Northgate Ballot Services (independent scrutineer)"
TRUSTEES = ("Priya Nandra", "Owen Birch", "Nia Cedar")
TELLERS = ("Pat Quinn", "Sam Ortiz")
DEFAULT_VOTE_URL = "https://vote.example.org"
"""Where the credential emails send voters when the demo is not served (a fictional server)."""


@dataclass(frozen=True, slots=True)
class DemoOutcome:
    election_id: str
    title: str
    record: Path
    verified: bool
    failed_checks: int
    elected: Mapping[str, tuple[str, ...]]


class DemoClock:
    """The fictional clock: the demo moves it to each step's date."""

    def __init__(self) -> None:
        self.at = datetime.fromisoformat("2031-01-05T10:00:00+00:00")

    def now(self) -> datetime:
        return self.at

    def set(self, instant: str) -> None:
        self.at = datetime.fromisoformat(instant.replace("Z", "+00:00"))


class OutboxMailer:
    """The Mailer port writing each message to a .eml file, as if an SMTP server took it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.sent = 0

    def send(self, message: MailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        email = EmailMessage()
        email["From"] = SCRUTINEER
        email["To"] = message.to
        email["Subject"] = message.subject
        email.set_content(message.body)
        self.sent += 1
        write_private(self.folder / f"{self.sent:03d}.eml", bytes(email))


@dataclass
class Demo:
    directory: Path
    services: Services
    clock: DemoClock
    rand: random.Random = field(default_factory=lambda: random.Random(2031))
    outcomes: list[DemoOutcome] = field(default_factory=list)
    key_files: dict[str, Path] = field(default_factory=dict)
    cards: dict[str, RoleCard] = field(default_factory=dict)
    tellers: dict[str, tuple[str, str]] = field(default_factory=dict)
    authorities: dict[str, str] = field(default_factory=dict)
    shares: dict[str, dict[str, Path]] = field(default_factory=dict)
    vote_url: str = DEFAULT_VOTE_URL

    def passphrase(self, name: str) -> str:
        return f"demo passphrase of {name}"

    def role_key(self, role: str, name: str) -> RoleSecret:
        """`name` opening their own key file in their own step (as on their own machine)."""
        return load_long_term_key(self.key_files[name], self.passphrase(name), role=role)

    def _slug(self, name: str) -> str:
        return "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")

    def role_card(self, role: str, name: str) -> RoleCard:
        """`clearcount role init` as `name` would run it on their own machine (once each)."""
        if name not in self.cards:
            path = self.directory / "keys" / f"{role}-{self._slug(name)}.key"
            path.parent.mkdir(parents=True, exist_ok=True)
            card = init_role(role, name, path, self.passphrase(name), log2_n=KDF_COST)
            write_card(path.with_name(path.stem + ".card.json"), card)
            self.key_files[name], self.cards[name] = path, card
        return self.cards[name]

    def setup_organisation(
        self,
        org: Organisation,
        units: Sequence[tuple[str, str, str, str | None]],
        members: Sequence[dict[str, str]],
    ) -> None:
        s = self.services
        s.organisations.create(AS_OFFICER, org)
        for unit_id, name, kind, parent in units:
            s.organisations.add_unit(
                AS_OFFICER, Unit(org.organisation_id, unit_id, name, UnitKind(kind), parent)
            )
        export = self.directory / "members" / f"{org.organisation_id}.csv"
        export.parent.mkdir(parents=True, exist_ok=True)
        export.write_text(data.csv_text(members), encoding="utf-8")
        plan = s.importer.import_csv(
            AS_OFFICER, org.organisation_id, export.read_bytes(), export.name
        )
        click.echo(f"  imported {len(plan.added)} members of {org.name} from {export.name}")

    def freeze(self, rules: EligibilityRules) -> int:
        self.services.eligibility.set_rules(AS_OFFICER, rules)
        header = self.services.rolls.freeze(AS_OFFICER, rules.ballot_id, "timetable: roll frozen")
        click.echo(f"  roll frozen: {header.eligible} of {header.size} members eligible")
        return header.eligible

    def open(self, definition: BallotDefinition) -> tuple[CeremonyReport, KeyMaterial]:
        s, eid = self.services, definition.election_id
        s.ballots.define(AS_OFFICER, definition)
        roles = [("officer", OFFICER), ("authority", definition.credential_authority)]
        roles += [("teller", n) for n in definition.tellers]
        roles += [("trustee", n) for n in definition.trustees]
        for role, name in roles:
            s.roles.register(AS_OFFICER, eid, self.role_card(role, name))
        self.tellers[eid] = definition.tellers
        report = self.ceremony(eid, definition.trustees)
        click.echo(
            f"  key ceremony: fingerprint {report.fingerprint[:16]}…, "
            f"{len(definition.trustees)} trustees ({definition.threshold} needed)"
        )
        snapshot = s.rolls.snapshot(AS_OFFICER, eid)
        members = {
            m.member_id: m for m in s.members.list_members(AS_OFFICER, definition.organisation_id)
        }
        material = issue_credentials(report.setup, recipients_from_snapshot(snapshot, members))
        authority = self.role_key("authority", definition.credential_authority)
        s.ballots.publish_credentials(AS_OFFICER, eid, material.credentials(authority.signing))
        self.authorities[eid] = definition.credential_authority
        how = VotingInstructions(self.vote_url, "the returning officer")
        mailer = OutboxMailer(self.directory / "outbox" / eid)
        sent = send_credentials(material, mailer, how)
        batch = letters(material, how, "1 April 2031")
        if batch:
            (self.directory / "letters").mkdir(exist_ok=True)
            write_private(self.directory / "letters" / f"{eid}.pdf", render_letters(batch))
        letters_note = f", {len(batch)} letters (letters/{eid}.pdf)" if batch else ""
        click.echo(f"  credentials: {len(sent.sent)} emailed (outbox/{eid}/){letters_note}")
        return report, material

    def ceremony(self, eid: str, trustees: Sequence[str]) -> CeremonyReport:
        """The distributed key ceremony, each trustee's rounds as its own step with its own
        key file (docs/steps/04); the ceremony folder is what the officer relays."""
        s, folder = self.services, CeremonyFolder(self.directory / "ceremony" / eid)
        s.ballots.ceremony_start(AS_OFFICER, eid, folder)
        for name in trustees:
            trustee_round1(folder, self.key_files[name], self.passphrase(name))
        shares = self.shares.setdefault(eid, {})
        for name in trustees:
            path = self.directory / "shares" / eid / f"trustee-{self._slug(name)}.key"
            done = trustee_round2(
                folder, self.key_files[name], self.passphrase(name), path, log2_n=KDF_COST
            )
            assert done.share_file is not None, f"{name} complained"
            shares[name] = done.share_file
        return s.ballots.ceremony_finish(AS_OFFICER, eid, folder)

    def cast(
        self,
        eid: str,
        material: KeyMaterial,
        member: str,
        marks: Mapping[str, Sequence[int]],
        *,
        challenge: bool = False,
    ) -> None:
        election = election_of(self.services, eid)
        voter = Principal(member, Role.VOTER)
        credential = material.find(member).secret
        ballot, openings = make_ballot(election, marks, credential)
        if challenge:
            self.services.casting.challenge(voter, eid, spoil(ballot, openings))
        else:
            self.services.casting.cast(voter, eid, ballot)

    def paper(
        self,
        eid: str,
        report: CeremonyReport,
        material: KeyMaterial,
        channel: str,
        papers: Mapping[str, Sequence[Sequence[int]]],
        voters: Sequence[str],
    ) -> None:
        tellers = [self.role_key("teller", n).teller() for n in self.tellers[eid]]
        authority = self.role_key("authority", self.authorities[eid])
        cancelled = material.cancellation(voters, authority.signing)
        self.services.paper.enter(
            eid,
            channel=channel,
            voters=voters,
            cancelled=cancelled,
            papers=papers,
            tellers=(tellers[0], tellers[1]),
            signed_in=len(voters),
        )
        click.echo(f"  {channel} papers of {len(voters)} members entered by both tellers")

    def count(
        self,
        eid: str,
        report: CeremonyReport,
        absent: Sequence[str] = (),
        after_close: Callable[[], None] | None = None,
    ) -> Declaration:
        s = self.services
        s.closing.close(AS_OFFICER, eid)
        if after_close is not None:
            after_close()
        s.tally.tally(AS_OFFICER, eid)
        for trustee in self.shares[eid]:
            s.tally.shuffle(eid, trustee, self.role_key("trustee", trustee).signing)
        for trustee, path in self.shares[eid].items():
            if trustee not in absent:
                signing = self.role_key("trustee", trustee).signing
                s.tally.decrypt_with_key_file(eid, path, self.passphrase(trustee), signing)
        if absent:
            click.echo(f"  decrypted without {', '.join(absent)} (threshold met)")
        declaration = s.results.declare(AS_OFFICER, eid)
        click.echo("")
        print_declaration(declaration)
        publication = s.publication.publish(AS_OFFICER, eid, self.directory / "records" / eid)
        failed = len(publication.report.failed())
        verdict = "VERIFIED" if publication.verified else f"NOT VERIFIED ({failed} checks failed)"
        click.echo(
            f"verifier on records/{eid}: {verdict} "
            f"({publication.events} events, head {publication.head[:16]}…)\n"
        )
        self.outcomes.append(
            DemoOutcome(
                eid,
                declaration.title,
                publication.path,
                publication.verified,
                failed,
                {c.id: c.elected for c in declaration.contests},
            )
        )
        return declaration
