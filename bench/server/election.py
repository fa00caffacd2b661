"""An open election with N members on any database, ready for a load test (bench/server).

`prepare_election(url, folder, members=N)` runs the real steps (docs/steps/) through the same
services the `clearcount` commands use, as `clearcount demo` does (`cli.demo_steps.Demo`):
organisation and roll import (N fictional members, each with an email address at
`bench.example.org`), eligibility and freeze, definition of a one-question yes/no ballot (an
industrial action ballot's shape), role keys, the distributed key ceremony and the credential
authority's list. The election opens an hour before now (real time: the server uses the
system clock) and closes `open_hours` later, so `clearcount serve` accepts ballots at once.

It returns a `PreparedElection` (also written to FOLDER/election.json, `PreparedElection.load`):
the database, the election id, and each voter's member id, email address and credential secret
(what the credential authority mailed them; only a benchmark keeps these together).

The roles' key files stay in FOLDER (keys/, shares/; passphrases `Demo.passphrase(name)`), so
`count_election(prepared, folder)` can later close, tally, shuffle, decrypt (2 of 3 trustees),
declare and publish the record to FOLDER/records/ELECTION, checked by the independent verifier.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from clearcount.bootstrap import Config, Services, build
from clearcount.cli.demo_steps import (
    OFFICER,
    SCRUTINEER,
    TELLERS,
    TRUSTEES,
    Demo,
    DemoClock,
    DemoOutcome,
)
from clearcount.crypto.group import Scalar
from clearcount.protocol.credentials import CredentialSecret
from clearcount.service.elections.ballots import CeremonyReport, contest
from clearcount.service.elections.records import BallotDefinition
from clearcount.service.membership.eligibility import EligibilityRules
from clearcount.service.membership.organisations import Organisation, OrganisationKind

__all__ = [
    "ELECTION_ID",
    "PreparedElection",
    "Voter",
    "count_election",
    "member_rows",
    "prepare_election",
]

ELECTION_ID = "bench-action-ballot"
ORGANISATION = "bench-transport-union"
QUESTION = "strike"
"""The one yes/no contest: {"strike": (0,)} votes yes, {"strike": (1,)} no."""


@dataclass(frozen=True, slots=True)
class Voter:
    member_id: str
    email: str
    credential: str
    """The credential secret s, hex (spec §11.3); `credential_secret()` gives the object."""

    def credential_secret(self) -> CredentialSecret:
        return CredentialSecret.from_secret(Scalar.from_bytes(bytes.fromhex(self.credential)))


@dataclass(frozen=True, slots=True)
class PreparedElection:
    database_url: str
    schema: str | None
    election_id: str
    voters: tuple[Voter, ...]
    closes: str = ""
    """When casting closes (ISO 8601, UTC); the count runs with its clock there."""

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self)), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> PreparedElection:
        data = json.loads(path.read_text(encoding="utf-8"))
        voters = tuple(Voter(**v) for v in data.pop("voters"))
        return cls(voters=voters, **data)


def member_rows(count: int) -> list[dict[str, str]]:
    """`count` fictional members (a membership system's CSV export), all eligible."""
    return [
        {
            "member_id": f"BTU-{i:06d}",
            "given_name": "Member",
            "family_name": f"Number {i}",
            "email": f"member{i:06d}@bench.example.org",
            "address": f"{i} Depot Road, Northfold",
            "postcode": "NF1 1QP",
            "joined": "2016-05-04",
            "paid_up_to": "2099-12-31",
            "units": "",
            "categories": "",
        }
        for i in range(1, count + 1)
    ]


def prepare_election(
    database_url: str,
    folder: Path,
    *,
    members: int,
    schema: str | None = None,
    open_hours: float = 24.0,
) -> PreparedElection:
    """Make the open election on `database_url` (an empty database, migrated here); key files
    and the credential authority's outbox go under `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC).replace(microsecond=0)
    clock = DemoClock()
    clock.at = now - timedelta(hours=2)
    services = build(
        Config(database_url=database_url, verifier_workers=1), clock=clock, schema=schema
    )
    try:
        demo = Demo(folder, services, clock, vote_url="http://127.0.0.1/")
        union = Organisation(ORGANISATION, "Bench Transport Union", OrganisationKind.UNION)
        demo.setup_organisation(union, (), member_rows(members))
        demo.freeze(
            EligibilityRules(
                ELECTION_ID,
                ORGANISATION,
                "industrial-action",
                "bench: every member",
                date(2016, 6, 1),
            )
        )
        question = contest(
            QUESTION, "Are you prepared to take part in strike action?", "yes-no", ("Yes", "No")
        )
        _, material = demo.open(
            BallotDefinition(
                ELECTION_ID,
                ORGANISATION,
                "Bench Transport Union: industrial action ballot",
                now - timedelta(hours=1),
                now + timedelta(hours=open_hours),
                (question,),
                SCRUTINEER,
                TRUSTEES,
                2,
                TELLERS,
                ("online",),
            )
        )
    finally:
        services.close()
    voters = tuple(
        Voter(
            i.recipient.member_id,
            i.recipient.email,
            i.secret.secret.to_bytes().hex(),
        )
        for i in material.issued
    )
    closes = (now + timedelta(hours=open_hours)).isoformat()
    prepared = PreparedElection(database_url, schema, ELECTION_ID, voters, closes)
    prepared.save(folder / "election.json")
    return prepared


def _demo(folder: Path, services: Services, clock: DemoClock) -> Demo:
    """The roles as `prepare_election` left them in `folder`: key files and trustee shares."""
    demo = Demo(folder, services, clock, vote_url="http://127.0.0.1/")
    roles = [("officer", OFFICER), ("authority", SCRUTINEER)]
    roles += [("teller", n) for n in TELLERS] + [("trustee", n) for n in TRUSTEES]
    for role, name in roles:
        demo.key_files[name] = folder / "keys" / f"{role}-{demo._slug(name)}.key"
    demo.shares[ELECTION_ID] = {
        n: folder / "shares" / ELECTION_ID / f"trustee-{demo._slug(n)}.key" for n in TRUSTEES
    }
    demo.tellers[ELECTION_ID] = TELLERS
    demo.authorities[ELECTION_ID] = SCRUTINEER
    return demo


def count_election(prepared: PreparedElection, folder: Path) -> DemoOutcome:
    """Close the election, count it and publish its record to FOLDER/records/ELECTION, checked
    by the independent verifier (`DemoOutcome.verified`). Its clock is set to the closing time
    (a fictional clock: closing early would need an official's reason), so the server must no
    longer be taking ballots."""
    clock = DemoClock()
    clock.at = datetime.fromisoformat(prepared.closes)
    config = Config(database_url=prepared.database_url, verifier_workers=1)
    services = build(config, clock=clock, schema=prepared.schema)
    try:
        demo = _demo(folder, services, clock)
        setup = services.ballots.setup_event(prepared.election_id)
        demo.count(prepared.election_id, CeremonyReport(prepared.election_id, setup.hash, setup))
    finally:
        services.close()
    return demo.outcomes[-1]
