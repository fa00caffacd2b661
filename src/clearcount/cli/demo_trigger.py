"""The demo's trigger ballot (issues 5, 8, 11): Ashby Vale CLP's branches' members and affiliates.

ONE election with a yes/no contest per party branch (one Setup, one key ceremony, one key file
per trustee, one tally): the roll rules scope each contest to its own branch's members
(`contest_by_unit`), so each member's credential votes in their own branch's contest only;
members vote online and on paper at their branch meeting. The affiliates' officers make their
keys (separate key files); the returning officer signs the list of bodies before the election
opens; each affiliate's officer signs its affiliate's vote under that list and the CLP
secretary records it (issue 8); the returning officer signs the abstention of an affiliate
that did not meet and enters the casting vote of the chair of a branch whose members tied.
The trigger ballot is declared under labour-2021, the two-section electoral college
(docs/counting/trigger-ballot.md), with what labour-2018 and labour-pre-2018 would have given
from the same votes as an illustration; then the election record and the trigger declaration
are verified (`verifier.trigger`).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import click

from clearcount.core.errors import ClearcountError
from clearcount.crypto.group import Scalar
from clearcount.record.trigger_signed import (
    AffiliateVoteAct,
    BodiesList,
    CastingVoteAct,
    ListedAffiliate,
    sign_abstention,
    sign_affiliate_vote,
    sign_bodies,
    sign_casting_vote,
)
from clearcount.service.authorisation import Principal, Role
from clearcount.service.elections.ballots import CeremonyReport, contest
from clearcount.service.elections.records import BallotDefinition
from clearcount.service.membership.eligibility import EligibilityRules
from clearcount.service.membership.organisations import Organisation, OrganisationKind
from clearcount.service.roles.credential_authority import KeyMaterial
from clearcount.service.roles.keys import load_long_term_key
from clearcount.verifier.trigger import verify_trigger
from clearcount.verifier.trigger_document import (
    AffiliateEntry,
    BranchEntry,
    trigger_count,
    with_casting,
)

from . import demo_data as data
from .demo_steps import AS_OFFICER, OFFICER, SCRUTINEER, TELLERS, TRUSTEES, Demo, DemoOutcome
from .trigger_commands import summary_lines

__all__ = ["trigger_ballot"]

SECRETARY = "Sam Patel (CLP secretary)"
AS_SECRETARY = Principal(SECRETARY, Role.OFFICER)
TRIGGER = "av-trigger-2031"


def _trigger_election(demo: Demo) -> tuple[CeremonyReport, KeyMaterial]:
    """The one election: a contest per branch, each scoped to its unit's members."""
    units = frozenset(data.AV_BRANCH_VOTES)
    demo.freeze(
        EligibilityRules(
            TRIGGER,
            "ashby-vale-clp",
            "trigger",
            "Rule Book 2021 Ch.5 Cl.IV.5: each branch's members decide its vote",
            date(2031, 2, 15),
            units=units,
            contest_by_unit=True,
        )
    )
    question = "Should Alex Morrow MP be reselected without an open selection?"
    contests = tuple(
        contest(unit, f"{name}: {question}", "yes-no", ("Yes", "No"))
        for unit, (name, _, _) in data.AV_BRANCH_VOTES.items()
    )
    return demo.open(
        BallotDefinition(
            election_id=TRIGGER,
            organisation_id="ashby-vale-clp",
            title="Ashby Vale CLP trigger ballot 2031",
            opens=datetime.fromisoformat("2031-02-16T09:00+00:00"),
            closes=datetime.fromisoformat("2031-03-02T17:00+00:00"),
            contests=contests,
            credential_authority=SCRUTINEER,
            trustees=TRUSTEES,
            threshold=2,
            tellers=TELLERS,
            channels=("meeting", "online"),
        )
    )


def _officer_entries(demo: Demo, listed: BodiesList, officer: Scalar) -> None:
    """The returning officer's signed entries: the abstention of each body that did not vote,
    the casting vote of the chair of each branch whose members tied."""
    s = demo.services
    voted = set(data.AV_AFFILIATE_VOTES)
    for affiliate in (a.name for a in listed.affiliates if a.name not in voted):
        act = sign_abstention(listed, affiliate, "did not meet", officer)
        s.trigger.record_abstention(AS_OFFICER, TRIGGER, act)
        click.echo(f"  {affiliate}: did not meet; recorded as abstaining (signed) by {OFFICER}")
    _, tallies = s.trigger.tallies(TRIGGER)
    names = {name: unit for unit, (name, _, _) in data.AV_BRANCH_VOTES.items()}
    for b in tallies:
        if b.yes == b.no > 0:
            chair, vote = data.AV_CASTING_VOTES[names[b.name]]
            casting = sign_casting_vote(listed, b.name, (b.yes, b.no), chair, vote, officer)
            s.trigger.record_casting_vote(AS_OFFICER, TRIGGER, casting)
            click.echo(
                f"  {b.name}: members tied {b.yes} to {b.no}; {chair}'s casting vote "
                f"{vote.upper()}, entered (signed) by {OFFICER}"
            )


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
    click.echo("-- one election, a contest per branch, each for its own members")
    report, material = _trigger_election(demo)
    for unit, (name, _, _) in data.AV_BRANCH_VOTES.items():
        s.trigger.add_branch(AS_SECRETARY, TRIGGER, name, TRIGGER, unit)
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
        for member, vote in online.items():
            demo.cast(TRIGGER, material, member, {unit: (0 if vote == "Yes" else 1,)})
        click.echo(f"  {name}: {len(online)} member(s) voted online in its contest")
    stray = next(iter(data.AV_BRANCH_VOTES["av-north"][1]))
    try:
        demo.cast(TRIGGER, material, stray, {"av-south": (0,)})
    except ClearcountError as error:
        click.echo(f"  a North member's ballot in South's contest is refused: {error}")
    demo.clock.set("2031-02-26T21:00Z")
    for unit, (_, _, meeting) in data.AV_BRANCH_VOTES.items():
        papers = [(0 if vote == "Yes" else 1,) for vote in meeting.values()]
        demo.paper(TRIGGER, report, material, "meeting", {unit: papers}, list(meeting))
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
    demo.count(TRIGGER, report)
    demo.clock.set("2031-03-02T18:00Z")
    _officer_entries(demo, listed, officer.signing)
    demo.clock.set("2031-03-03T10:00Z")
    entry = s.trigger.declare(AS_SECRETARY, TRIGGER)
    path = demo.directory / "records" / f"{TRIGGER}-declaration.json"
    path.write_bytes(entry.document.encode("utf-8"))
    document = json.loads(entry.document)
    click.echo(f"== Trigger ballot declared (records/{path.name}, sha256 {entry.hash[:16]}…)")
    for line in summary_lines(document):
        click.echo(line)
    casting = [CastingVoteAct.from_json(c) for c in document["casting_votes"]]
    branches = with_casting([BranchEntry(**b) for b in document["branches"]], casting)
    signed = {
        a.affiliate: AffiliateEntry.signed(a)
        for a in map(AffiliateVoteAct.from_json, document["affiliates"])
    }
    affiliates = [
        signed.get(a.name) or AffiliateEntry(a.name, None, None) for a in listed.affiliates
    ]
    for profile, rule in (
        ("labour-2018", "the 2018 rule (a third of branches or of affiliates asking)"),
        ("labour-pre-2018", "the pre-2018 rule (a majority of all bodies pooled)"),
    ):
        other = trigger_count(profile, branches, affiliates, listed.options)["outcome"]
        assert isinstance(other, dict)
        click.echo(f"  for illustration, {rule} on the same votes: {other['verdict']}")
    records = [demo.directory / "records" / TRIGGER]
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
