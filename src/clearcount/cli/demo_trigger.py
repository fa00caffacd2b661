"""The demo's trigger ballot (issue 5): Ashby Vale CLP's branches' members and affiliates.

Each of the four party branches runs its own members' yes/no election (its roll: the branch's
members, by the unit-membership rule), voted online and on paper at the branch meeting. The two
affiliates' officers make their keys (separate key files); the returning officer signs the list
of bodies before any branch election opens; each affiliate's officer signs its affiliate's vote
under that list and the CLP secretary records it (issue 8); the
trigger ballot is declared under labour-2021, the two-section electoral college
(docs/counting/trigger-ballot.md), with what labour-2018 and labour-pre-2018 would have given
from the same votes as an illustration; then every branch
record and the trigger declaration are verified (`verifier.trigger`).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import click

from clearcount.record.trigger_signed import (
    AffiliateVoteAct,
    ListedAffiliate,
    sign_affiliate_vote,
    sign_bodies,
)
from clearcount.service.authorisation import Principal, Role
from clearcount.service.elections.ballots import CeremonyReport, contest
from clearcount.service.elections.records import BallotDefinition
from clearcount.service.membership.eligibility import EligibilityRules
from clearcount.service.membership.organisations import Organisation, OrganisationKind
from clearcount.service.roles.credential_authority import KeyMaterial
from clearcount.service.roles.keys import load_long_term_key
from clearcount.verifier.trigger import verify_trigger
from clearcount.verifier.trigger_document import AffiliateEntry, BranchEntry, trigger_count

from . import demo_data as data
from .demo_steps import AS_OFFICER, OFFICER, SCRUTINEER, TELLERS, TRUSTEES, Demo, DemoOutcome
from .trigger_commands import summary_lines

__all__ = ["trigger_ballot"]

SECRETARY = "Sam Patel (CLP secretary)"
AS_SECRETARY = Principal(SECRETARY, Role.OFFICER)
TRIGGER = "av-trigger-2031"


def _branch_election(demo: Demo, unit: str, name: str) -> tuple[str, CeremonyReport, KeyMaterial]:
    eid = f"{unit}-trigger-2031"
    demo.freeze(
        EligibilityRules(
            eid,
            "ashby-vale-clp",
            "trigger",
            f"Rule Book 2021 Ch.5 Cl.IV.5: the members of {name} decide its vote",
            date(2031, 2, 15),
            units=frozenset({unit}),
        )
    )
    question = contest(
        "reselect",
        "Should Alex Morrow MP be reselected without an open selection?",
        "yes-no",
        ("Yes", "No"),
    )
    report, material = demo.open(
        BallotDefinition(
            election_id=eid,
            organisation_id="ashby-vale-clp",
            title=f"{name}: trigger ballot 2031",
            opens=datetime.fromisoformat("2031-02-16T09:00+00:00"),
            closes=datetime.fromisoformat("2031-03-02T17:00+00:00"),
            contests=(question,),
            credential_authority=SCRUTINEER,
            trustees=TRUSTEES,
            threshold=2,
            tellers=TELLERS,
            channels=("meeting", "online"),
        )
    )
    return eid, report, material


def trigger_ballot(demo: Demo) -> None:
    click.echo("== 1. Ashby Vale CLP: trigger ballot (branches' members, affiliates' officers)")
    s = demo.services
    demo.clock.set("2031-01-10T10:00Z")
    party = Organisation("ashby-vale-clp", "Ashby Vale CLP", OrganisationKind.PARTY)
    demo.setup_organisation(party, data.AV_UNITS, data.AV_MEMBERS)
    demo.clock.set("2031-02-01T10:00Z")
    cards = [demo.role_card("affiliate", a) for a in data.AV_AFFILIATES]
    click.echo(f"  {len(cards)} affiliates' officers made their keys (keys/affiliate-*.key)")
    s.trigger.create(
        AS_SECRETARY, TRIGGER, party.organisation_id, "Ashby Vale CLP trigger ballot 2031",
        "labour-2021", [ListedAffiliate(c.name, c.key) for c in cards],
    )  # fmt: skip
    opened = {}
    for unit, (name, _, _) in data.AV_BRANCH_VOTES.items():
        click.echo(f"-- {name}: the members' ballot")
        opened[unit] = _branch_election(demo, unit, name)
        s.trigger.add_branch(AS_SECRETARY, TRIGGER, name, opened[unit][0])
    officer = load_long_term_key(demo.key_files[OFFICER], demo.passphrase(OFFICER), role="officer")
    draft = s.trigger.draft_bodies(AS_OFFICER, TRIGGER, officer.name, officer.key)
    fixed = s.trigger.fix_bodies(AS_OFFICER, sign_bodies(draft, officer.signing))
    bodies = demo.directory / "records" / f"{TRIGGER}-bodies.json"
    bodies.parent.mkdir(parents=True, exist_ok=True)
    bodies.write_bytes(fixed.document.encode("utf-8"))
    click.echo(
        f"  list of bodies signed by the returning officer before opening (records/{bodies.name},"
        f" sha256 {fixed.hash[:16]}…)"
    )
    demo.clock.set("2031-02-20T19:30Z")
    for unit, (name, online, _) in data.AV_BRANCH_VOTES.items():
        eid, _, material = opened[unit]
        for member, vote in online.items():
            demo.cast(eid, material, member, {"reselect": (0 if vote == "Yes" else 1,)})
        click.echo(f"  {name}: {len(online)} member(s) voted online")
    demo.clock.set("2031-02-26T21:00Z")
    for unit, (_, _, meeting) in data.AV_BRANCH_VOTES.items():
        eid, report, material = opened[unit]
        papers = [(0 if vote == "Yes" else 1,) for vote in meeting.values()]
        demo.paper(eid, report, material, "meeting", {"reselect": papers}, list(meeting))
    demo.clock.set("2031-02-27T12:00Z")
    listed = s.trigger.bodies(TRIGGER)
    for affiliate, (vote, person) in data.AV_AFFILIATE_VOTES.items():
        key = load_long_term_key(
            demo.key_files[affiliate], demo.passphrase(affiliate), role="affiliate"
        )
        act = sign_affiliate_vote(listed, affiliate, person, vote, key.signing)
        s.trigger.record_affiliate_vote(AS_SECRETARY, TRIGGER, act)
        click.echo(f"  {affiliate}: {vote.upper()}, signed by {person}, recorded by the secretary")
    demo.clock.set("2031-03-02T17:00Z")
    for unit in data.AV_BRANCH_VOTES:
        eid, report, _ = opened[unit]
        demo.count(eid, report)
    demo.clock.set("2031-03-03T10:00Z")
    entry = s.trigger.declare(AS_SECRETARY, TRIGGER)
    path = demo.directory / "records" / f"{TRIGGER}-declaration.json"
    path.write_bytes(entry.document.encode("utf-8"))
    document = json.loads(entry.document)
    click.echo(f"== Trigger ballot declared (records/{path.name}, sha256 {entry.hash[:16]}…)")
    for line in summary_lines(document):
        click.echo(line)
    branches = [BranchEntry(**b) for b in document["branches"]]
    affiliates = [
        AffiliateEntry.signed(AffiliateVoteAct.from_json(a)) for a in document["affiliates"]
    ]
    for profile, rule in (
        ("labour-2018", "the 2018 rule (a third of branches or of affiliates asking)"),
        ("labour-pre-2018", "the pre-2018 rule (a majority of all bodies pooled)"),
    ):
        other = trigger_count(profile, branches, affiliates)["outcome"]
        assert isinstance(other, dict)
        click.echo(f"  for illustration, {rule} on the same votes: {other['verdict']}")
    records = [demo.directory / "records" / opened[u][0] for u in data.AV_BRANCH_VOTES]
    checked = verify_trigger(path, records)
    for record, record_report in checked.records:
        verdict = "VERIFIED" if record_report.ok else "NOT VERIFIED"
        click.echo(f"  verify records/{Path(record).name}: {verdict}")
    for outcome in checked.outcomes:
        detail = f": {outcome.detail}" if outcome.spec.id == "V-TRIG-VERDICT-1" else ""
        click.echo(f"  {outcome.status.value:>7} {outcome.spec.id} {outcome.spec.title}{detail}")
    verdict = "VERIFIED" if checked.ok else "NOT VERIFIED"
    click.echo(f"verify-trigger on records/{path.name}: {verdict}\n")
    demo.outcomes.append(
        DemoOutcome(
            TRIGGER,
            "Ashby Vale CLP trigger ballot 2031: declaration",
            path,
            checked.ok,
            len(checked.failed()),
            {},
        )
    )
