"""A tied branch meeting's row in the trigger ballot report says how the tie was resolved
(issue 9 review): the chair's casting vote, or the rules' `body_tie` reading, in every format."""

from __future__ import annotations

import csv
import io

import pytest
from tests.unit.reports.documents_world import VERIFIED, pdf_text

from clearcount.counting.trigger_ballot import Body, body_vote
from clearcount.documents.pdf import render_pdf
from clearcount.reports.document import Document, Table
from clearcount.reports.document_formats import document_csv, document_html
from clearcount.reports.trigger_report import trigger_report

DECLARATION = {
    "title": "Ashby Vale CLP trigger ballot 2031",
    "organisation": "ashby-vale-clp",
    "declared_at": "2031-03-03T10:00:00Z",
    "profile": "labour-2021",
}


def report(tie_rule: str, tied: Body) -> Document:
    bodies = [tied, Body("Riverside branch", "branch", members_yes=9, members_no=2)]
    listed = []
    for body in bodies:
        vote, how = body_vote(body, tie_rule)
        listed.append({"name": body.name, "kind": body.kind, "vote": vote, "how": how})
    count = {"outcome": {"bodies": listed, "rule": "labour-2021", "verdict": "not triggered"}}
    branches = [(tied.name, 4, 4, "ab" * 32), ("Riverside branch", 9, 2, "cd" * 32)]
    return trigger_report(DECLARATION, branches, [], count, VERIFIED)


def branch_rows(document: Document) -> dict[str, str]:
    table = next(b for b in document.blocks if isinstance(b, Table) and b.header[0] == "Branch")
    return {row[0]: row[3] for row in table.rows}


CASTING = "no: asks for a selection (members tied 4 to 4; decided by the chair's casting vote)"


def test_a_tie_decided_by_the_chair_s_casting_vote_says_so_in_every_format() -> None:
    tied = Body("Ashby Vale North branch", "branch", "no", members_yes=4, members_no=4)
    document = report("casting-vote", tied)
    rows = branch_rows(document)
    assert rows["Ashby Vale North branch"] == CASTING
    assert rows["Riverside branch"] == "yes: backs the MP"  # a majority needs no words
    assert CASTING.replace("'", "&#x27;") in document_html(document)
    table = list(csv.reader(io.StringIO(document_csv(document))))
    assert any(CASTING in row for row in table)
    assert "decided by the chair's casting vote" in pdf_text(render_pdf(document))


@pytest.mark.parametrize(
    ("rule", "reading"),
    [("abstain", "abstained"), ("no", "no: asks for a selection")],
)
def test_a_tie_read_by_the_rules_names_the_rule(rule: str, reading: str) -> None:
    tied = Body("Ashby Vale North branch", "branch", members_yes=4, members_no=4)
    words = f"{reading} (members tied 4 to 4; the rules' reading of a tie, body_tie: {rule})"
    assert branch_rows(report(rule, tied))["Ashby Vale North branch"] == words
