"""`clearcount demo`: three fictional elections, end to end, on the embedded SQLite database.

1. Ashby Vale CLP's trigger ballot (`cli.demo_trigger`): one election with a yes/no contest per
   branch, each of the four branches' members voting in their own branch's contest (online and
   at the branch meeting), the affiliates' officers give their affiliates' votes (one did not
   meet: the returning officer records its abstention; a tied branch's chair's casting vote is
   entered), and the ballot is declared under labour-2021 (an electoral college, branches 50%
   and affiliates 50%: 37.5 + 25.0 = 62.5% ask for a selection, so one proceeds) and verified
   against the election's record;
2. the open selection that follows: a preferential (AV) ballot of the CLP's members online, at
   the hustings meeting and by post (a meeting or postal paper replaces an online vote);
3. the Northfold Transport Workers' Union's industrial action ballot at Northfold Bus Depot
   (two yes/no questions, TULRCA thresholds), online and by post.

Every step goes through the same services the `clearcount` commands use (docs/steps/): roll
import, eligibility and freeze, definition, key ceremony with key files, the credential
authority (credentials "emailed" into DIR/outbox/, letters printed to DIR/letters/), online
ballots with a re-vote and a Benaloh challenge, paper batches signed by two tellers, close,
tally, shuffles, threshold decryption, declaration, and publication checked by the independent
verifier. The clock is a fictional one (spring 2031), moved on step by step.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import click

from clearcount.bootstrap import Config, build
from clearcount.record.events import ContestSpec, PostalRules
from clearcount.service.elections.ballots import contest
from clearcount.service.elections.records import BallotDefinition
from clearcount.service.membership.eligibility import (
    EligibilityRules,
    EntitlementList,
    EntitlementOverride,
)
from clearcount.service.membership.organisations import Organisation, OrganisationKind

from . import demo_data as data
from . import demo_postal
from .common import UserError, progress
from .demo_steps import (
    DEFAULT_VOTE_URL,
    SCRUTINEER,
    TELLERS,
    TRUSTEES,
    Demo,
    DemoClock,
    DemoOutcome,
    OutboxMailer,
)
from .demo_trigger import TRIGGER, trigger_ballot
from .report_command import write_documents

__all__ = ["DOCUMENTS", "DemoOutcome", "demo_documents", "run_demo", "serve_demo"]

MARKER = ".clearcount-demo"


def _definition(
    eid: str,
    org: str,
    title: str,
    opens: str,
    closes: str,
    contests: Sequence[ContestSpec],
    channels: tuple[str, ...],
    postal: PostalRules | None = None,
) -> BallotDefinition:
    return BallotDefinition(
        election_id=eid,
        organisation_id=org,
        title=title,
        opens=datetime.fromisoformat(opens),
        closes=datetime.fromisoformat(closes),
        contests=tuple(contests),
        credential_authority=SCRUTINEER,
        trustees=TRUSTEES,
        threshold=2,
        tellers=TELLERS,
        channels=channels,
        postal=postal,
    )


def _ranking(rand: random.Random) -> tuple[int, ...]:
    order = list(range(len(data.SELECTION_CANDIDATES)))
    rand.shuffle(order)
    if rand.random() < 0.2:  # a lean towards Amal Okafor, so the count has transfers
        order.remove(2)
        order.insert(0, 2)
    return tuple(order[: rand.randint(1, len(order))])


def open_selection(demo: Demo) -> None:
    click.echo("== 2. Ashby Vale CLP: open selection (AV; online, hustings meeting, postal)")
    eid, org = "av-selection-2031", "ashby-vale-clp"
    demo.clock.set("2031-03-10T10:00Z")
    demo.freeze(
        EligibilityRules(
            eid,
            org,
            "selection",
            "NEC selection procedures 2031, para 3 (fictional)",
            datetime(2031, 3, 10).date(),
            freeze_date=datetime(2030, 12, 31).date(),
            minimum_membership_months=6,
            arrears_grace_months=3,
            units=frozenset({"ashby-vale"}),
        )
    )
    race = contest(
        "candidate", "Parliamentary candidate for Ashby Vale", "irv", data.SELECTION_CANDIDATES
    )
    report, material = demo.open(
        _definition(
            eid,
            org,
            "Ashby Vale selection 2031",
            "2031-04-01T09:00+00:00",
            "2031-04-30T17:00+00:00",
            [race],
            ("meeting", "postal", "online"),
        )
    )
    emailed = [i.recipient.member_id for i in material.issued if i.recipient.channel == "email"]
    postal = [i.recipient.member_id for i in material.issued if i.recipient.channel == "postal"]
    meeting = ["AV1010", "AV1011", "AV1012"]
    online = [m for m in emailed if m not in meeting[1:] and m not in ("AV1019", "AV1020")]
    demo.clock.set("2031-04-05T12:00Z")
    with progress("online ballots", len(online) + 2) as advance:
        demo.cast(eid, material, "AV1002", {"candidate": (0, 1)}, challenge=True)
        advance(1)
        for member in online:
            demo.cast(eid, material, member, {"candidate": _ranking(demo.rand)})
            advance(1)
        demo.cast(eid, material, online[0], {"candidate": _ranking(demo.rand)})  # a re-vote
        advance(1)
    click.echo(
        f"  {len(online)} members voted online (one re-voted, one challenged a ballot "
        "first to check the encryption)"
    )
    demo.clock.set("2031-04-20T21:00Z")
    demo.paper(
        eid,
        report,
        material,
        "meeting",
        {"candidate": [_ranking(demo.rand) for _ in meeting]},
        meeting,
    )
    demo.clock.set("2031-04-29T12:00Z")
    demo.paper(
        eid,
        report,
        material,
        "postal",
        {"candidate": [_ranking(demo.rand) for _ in postal]},
        postal,
    )
    demo.clock.set("2031-04-30T17:00Z")
    demo.count(eid, report, absent=("Nia Cedar",))


def industrial_action(demo: Demo) -> None:
    click.echo("== 3. Northfold Transport Workers' Union: industrial action ballot")
    eid, org = "ntwu-depot-action-2031", "northfold-twu"
    demo.clock.set("2031-04-01T10:00Z")
    union = Organisation(org, "Northfold Transport Workers' Union", OrganisationKind.UNION)
    demo.setup_organisation(union, data.NTWU_UNITS, data.NTWU_MEMBERS)
    demo.clock.set("2031-04-20T10:00Z")
    entitled = demo.freeze(
        EligibilityRules(
            eid,
            org,
            "industrial-action",
            "TULRCA 1992 s.227; executive resolution 2031-04-14",
            datetime(2031, 4, 20).date(),
            entitlement=EntitlementList(
                "drivers and engineers at Northfold Bus Depot, whom the union believes it will "
                "induce to take part",
                units=frozenset({"northfold-depot"}),
                categories=frozenset({"driver", "engineer"}),
                excluded=(
                    EntitlementOverride("NTW-00005", "on the employer's leaver list, 2031-04-18"),
                ),
            ),
        )
    )
    options = {"profile": "uk-industrial-action", "opened": "2031-05-01", "entitled": entitled}
    questions = [
        contest(
            "strike",
            "Are you prepared to take part in strike action?",
            "yes-no",
            ("Yes", "No"),
            options=options,
        ),
        contest(
            "asos",
            "Are you prepared to take part in action short of a strike?",
            "yes-no",
            ("Yes", "No"),
            options=options,
        ),
    ]
    report, material = demo.open(
        _definition(
            eid,
            org,
            "Northfold Bus Depot: industrial action ballot 2031",
            "2031-05-01T09:00+00:00",
            "2031-05-15T17:00+00:00",
            questions,
            ("postal", "online"),
            PostalRules("hybrid"),
        )
    )
    papers = demo_postal.issue(demo, eid, org, material, SCRUTINEER)
    emailed = [i.recipient.member_id for i in material.issued if i.recipient.channel == "email"]
    postal = [i.recipient.member_id for i in material.issued if i.recipient.channel == "postal"]
    online = emailed[:-2]  # two members do not vote
    demo.clock.set("2031-05-06T08:00Z")
    with progress("online ballots", len(online)) as advance:
        for i, member in enumerate(online):
            strike = 1 if i % 4 == 3 else 0
            demo.cast(eid, material, member, {"strike": (strike,), "asos": (0,)})
            advance(1)
    click.echo(f"  {len(online)} members voted online")
    # paper 1 was replaced by the next number; the others hold the number they were issued
    replaced = len(papers.papers) + papers.papers[0].number
    number = {p.member_id: (replaced if p.number == 1 else p.number) for p in papers.papers}
    yes: dict[str, tuple[int, ...]] = {"strike": (0,), "asos": (0,)}
    returned: dict[int, dict[str, tuple[int, ...]] | None] = {number[m]: yes for m in postal}
    # voted online and posted the paper too: the paper counts (postal first), the online
    # ballot is cancelled; one paper comes back with no valid answer, one after the deadline
    returned[number[online[0]]] = {"strike": (0,), "asos": (1,)}
    returned[number[emailed[-2]]] = None
    demo.clock.set("2031-05-15T17:00Z")
    demo.count(
        eid,
        report,
        after_close=lambda: demo_postal.count_returns(
            demo, eid, material, SCRUTINEER, papers, returned, [number[emailed[-1]]]
        ),
    )


def prepare(directory: Path) -> None:
    """Make DIR ready: a new or empty folder, or one an earlier demo made (replaced)."""
    if directory.exists():
        if not directory.is_dir():
            raise UserError(f"--dir {directory}: exists and is not a folder")
        if any(directory.iterdir()):
            if not (directory / MARKER).exists():
                raise UserError(
                    f"--dir {directory}: not empty and not an earlier demo's folder; "
                    "give a new or empty folder"
                )
            shutil.rmtree(directory)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / MARKER).write_text("made by `clearcount demo`; it may replace this folder\n")


DOCUMENTS = {
    "av-trigger-2031": ("trigger-report",),
    "av-selection-2031": ("declaration", "appeal-bundle"),
    "ntwu-depot-action-2031": ("notice-226a", "result-231", "employer-231a", "scrutineer-231b"),
}
"""The documents `clearcount demo` makes from each verified record (docs/documents.md)."""


def demo_documents(directory: Path, outcomes: Sequence[DemoOutcome]) -> list[Path]:
    """Write each election's documents (PDF and HTML) to DIR/documents/; the paths written."""
    written: list[Path] = []
    for outcome in outcomes:
        kinds = DOCUMENTS.get(outcome.election_id)
        if kinds and "trigger-report" in kinds and outcome.record.is_dir():
            continue  # the trigger ballot's election: its report is made from the declaration
        if kinds:
            written += write_documents(
                outcome.record,
                kinds,
                directory / "documents",
                outcome.election_id,
                ("pdf", "html"),
            )
    return written


def run_demo(directory: Path, *, vote_url: str | None = None) -> list[DemoOutcome]:
    """Run the three elections in DIR (see the module docstring); returns their outcomes.
    `vote_url`: the server the credential emails link to (default: a fictional one)."""
    prepare(directory)
    clock = DemoClock()
    database = directory / "clearcount.db"
    services = build(Config(database_url=f"sqlite:///{database}"), clock=clock)
    demo = Demo(directory, services, clock, vote_url=vote_url or DEFAULT_VOTE_URL)
    try:
        trigger_ballot(demo)
        open_selection(demo)
        industrial_action(demo)
    finally:
        services.close()
    return demo.outcomes


def serve_demo(directory: Path, outcomes: Sequence[DemoOutcome], host: str, port: int) -> None:
    """`clearcount demo --serve`: the demo's database served on HOST:PORT, each election's
    pages listed first; mail the server sends (sign-in codes, receipts) goes to outbox/web/."""
    from .common import Database
    from .serve_command import serve

    base = f"http://{host}:{port}"
    lines = ["", "The demo's elections (all closed and counted; the record is public):"]
    for outcome in outcomes:
        e = outcome.election_id
        if e == TRIGGER and not outcome.record.is_dir():  # the declaration: no booth or board
            lines += [f"  {outcome.title}", f"    declaration: {base}/t/{e}"]
            continue
        lines += [
            f"  {outcome.title}",
            f"    booth:   {base}/e/{e}/vote",
            f"    board:   {base}/e/{e}/board",
            f"    results: {base}/e/{e}/results",
        ]
    db = Database(f"sqlite:///{directory / 'clearcount.db'}", None, None)
    mailer = OutboxMailer(directory / "outbox" / "web")
    serve(db, host, port, mailer=mailer, banner="\n".join(lines))
