"""The demo union ballot's voting papers (docs/steps/15-postal-papers.md), step by step.

The scrutineer issues a numbered paper to every member entitled to vote (hybrid: each paper
also carries the member's online credential), prints them in issue order to
DIR/papers/ELECTION.pdf with the sample paper for the employer, keeps the number -> member list
sealed on its own machine, and replaces one paper lost in the post. After the close both
tellers enter the returned papers on their own, the entries are reconciled, and the scrutineer
names the members whose papers count; the papers go on the record as postal batches.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import click

from clearcount.mail.letters import write_private
from clearcount.mail.papers import render_papers, render_sample
from clearcount.protocol.postal import ReturnedPaper
from clearcount.protocol.postal_statement import statutory_statement
from clearcount.record.postal_body import PaperContent, PaperQuestion
from clearcount.service.authorisation import Principal, Role
from clearcount.service.roles.credential_authority import KeyMaterial
from clearcount.service.roles.postal_papers import (
    PaperList,
    issue_papers,
    load_paper_list,
    replace_paper,
    returns_cancellation,
    save_paper_list,
)

from .demo_steps import AS_OFFICER, KDF_COST, Demo

__all__ = ["count_returns", "issue"]


def _content(return_by: str) -> PaperContent:
    return PaperContent(
        "2031-04-24",
        "Northgate Ballot Services, Freepost NTWU BALLOT, Northfold NF1 1AA",
        return_by,
        (
            PaperQuestion("strike", "Are you prepared to take part in strike action?"),
            PaperQuestion("asos", "Are you prepared to take part in action short of a strike?"),
        ),
        "the General Secretary, Dana Whitlow, and the Northfold branch secretary",
        statutory_statement(date(2031, 5, 1)),
    )


def issue(demo: Demo, eid: str, org: str, material: KeyMaterial, scrutineer: str) -> PaperList:
    """Issue, print and record the papers; replace the first one (lost in the post)."""
    s = demo.services
    chain = s.ballots.record(eid)
    snapshot = s.rolls.snapshot(AS_OFFICER, eid)
    members = {m.member_id: m for m in s.members.list_members(AS_OFFICER, org)}
    signing = demo.role_key("authority", scrutineer).signing
    content = _content(str(chain[0].body["closes"]))
    issued = issue_papers(chain, snapshot, members, content, signing, material)
    folder = demo.directory / "papers"
    folder.mkdir(exist_ok=True)
    sealed = folder / f"{eid}.paper-list"
    save_paper_list(sealed, issued.papers, demo.passphrase(scrutineer), log2_n=KDF_COST)
    s.postal.record_issue(eid, issued.issue)
    title = str(chain[0].body["title"])
    write_private(folder / f"{eid}.pdf", render_papers(scrutineer, title, content, issued.printed))
    (folder / f"{eid}-sample.pdf").write_bytes(render_sample(scrutineer, title, content))
    papers = load_paper_list(sealed, demo.passphrase(scrutineer))
    replacement, _ = replace_paper(s.ballots.record(eid), papers, 1, "lost", signing, material)
    s.postal.record_replacement(eid, replacement)
    click.echo(
        f"  voting papers: {issued.issue.papers} numbered {issued.issue.first}.."
        f"{issued.issue.last} (papers/{eid}.pdf, sample papers/{eid}-sample.pdf); paper 1 "
        f"lost in the post, replaced by paper {replacement.number}"
    )
    return papers


def count_returns(
    demo: Demo,
    eid: str,
    material: KeyMaterial,
    scrutineer: str,
    papers: PaperList,
    returned: Mapping[int, Mapping[str, tuple[int, ...]] | None],
    late: Sequence[int],
) -> None:
    """Both tellers enter the returns; reconciled, the scrutineer names the voters; counted."""
    s = demo.services
    on_time, after = "2031-05-14T12:00:00+00:00", "2031-05-16T09:00:00+00:00"
    entry = [ReturnedPaper(n, a, on_time) for n, a in returned.items()]
    entry += [ReturnedPaper(n, {"strike": (0,), "asos": (0,)}, after) for n in late]
    names = demo.tellers[eid]
    for name in names:
        s.postal.enter(Principal(name, Role.TELLER), eid, entry)
    agreed = s.postal.reconcile(AS_OFFICER, eid)
    signing = demo.role_key("authority", scrutineer).signing
    named = returns_cancellation(s.ballots.record(eid), papers, agreed, material, signing)
    tellers = [demo.role_key("teller", n).teller() for n in names]
    receipt = s.postal.count(
        eid,
        voters=named.voters,
        superseded=named.superseded,
        cancellation=named.cancellation,
        tellers=(tellers[0], tellers[1]),
    )
    click.echo(
        f"  postal returns entered by both tellers and reconciled: {receipt.counted} counted, "
        f"{receipt.spoilt} spoilt, {receipt.late} late (not counted), {receipt.voided} voided"
    )
