"""Printed voting papers: every field TULRCA s.229 requires reads back from the PDF (pypdf)."""

from __future__ import annotations

import dataclasses
import io

from pypdf import PdfReader

from clearcount.mail.papers import render_papers, render_sample
from clearcount.protocol.postal_statement import STATEMENT_FROM_ERA_2025 as STATEMENT
from clearcount.protocol.simulate_postal import _content
from clearcount.service.roles.postal_papers import VotingPaper

SCRUTINEER = "Northgate Ballot Services"
TITLE = "Northfold Bus Depot: industrial action ballot"


def _pages(data: bytes) -> list[str]:
    return [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages]


def test_each_paper_states_what_section_229_requires_in_issue_order() -> None:
    papers = [
        VotingPaper(2, ("Siobhán O'Neill", "12 Depot Road", "Northfold NF2 1QP")),
        VotingPaper(1, ("Łukasz Nowak", "10 Depot Road", "Northfold NF1 0QP"), "ABCD-EFGH"),
    ]
    content = _content()
    pages = _pages(render_papers(SCRUTINEER, TITLE, content, papers))
    assert len(pages) == 2
    assert "Voting paper No. 000001" in pages[0]
    assert "Voting paper No. 000002" in pages[1]
    for page in pages:
        assert f"Independent scrutineer: {SCRUTINEER}" in page
        assert content.return_address in page
        assert "received by" in page
        assert "Are you prepared to take part in strike action?" in page
        assert "Are you prepared to take part in action short of a strike?" in page
        assert content.who_may_call in page
        assert " ".join(STATEMENT.split()) in page
    assert "Łukasz Nowak" in pages[0]
    assert "ABCD EFGH" in pages[0]  # on two lines, as the letters print it
    assert "Siobhán O'Neill" in pages[1]
    assert "credential" not in pages[1]


def test_the_sample_paper_names_no_member() -> None:
    (page,) = _pages(render_sample(SCRUTINEER, TITLE, _content()))
    assert "SAMPLE VOTING PAPER" in page
    assert "No." not in page
    assert "Depot Road" not in page


def test_the_statement_follows_the_ballots_date_either_side_of_the_era_2025() -> None:
    from datetime import date

    from clearcount.protocol.postal_statement import statutory_statement

    before = statutory_statement(date(2026, 2, 17))
    after = statutory_statement(date(2026, 2, 18))
    assert "fewer than twelve weeks" in before
    assert "twelve weeks" not in after
    content = _content()
    for statement in (before, after):
        dated = dataclasses.replace(content, statement=statement)
        (page,) = _pages(render_sample(SCRUTINEER, TITLE, dated))
        assert " ".join(statement.split()) in page
