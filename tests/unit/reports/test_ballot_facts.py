"""The numbered postal papers as the documents read them from the record (spec §11.12): issued
(PaperIssue), replaced (PaperReplacement), counted, spoilt, late and voided (PaperReturns)."""

from __future__ import annotations

import dataclasses

from tests.unit.reports.documents_world import VERIFIED, facts, pdf_text, question

from clearcount.documents.pdf import render_pdf
from clearcount.record.chain import Event
from clearcount.reports.ballot_facts import PostalPapers, postal_papers
from clearcount.reports.union_documents import scrutineer_231b


def _event(seq: int, kind: str, body: dict[str, object]) -> Event:
    return Event(seq, kind, body, "00" * 32)


def test_postal_papers_are_counted_from_issue_replacements_and_returns() -> None:
    events = [
        _event(0, "Setup", {}),
        _event(1, "PaperIssue", {"papers": 10, "first": 1}),
        _event(2, "PaperReplacement", {"voided": 3, "number": 11}),
        _event(3, "PaperReturns", {"counted": [1, 2, 4, 11], "spoilt": [5], "late": [6, 7],
                                   "voided": [3], "superseded": []}),
    ]  # fmt: skip
    assert postal_papers(events) == PostalPapers(10, 1, 4, 1, 2, 1)
    assert postal_papers(events[:1]) is None


def test_the_scrutineers_report_gives_the_postal_papers() -> None:
    ballot = facts([question("strike", {"profile": "uk-industrial-action", "opened":
                                        "2031-05-01", "entitled": 100}, 60, 10)])  # fmt: skip
    ballot = dataclasses.replace(ballot, postal=PostalPapers(100, 2, 70, 1, 3, 2))
    text = pdf_text(render_pdf(scrutineer_231b(ballot, VERIFIED)))
    assert "Numbered postal papers issued 100" in text
    assert "Replacement papers issued (each voiding an issued number) 2" in text
    assert "Postal papers returned in time and counted 70" in text
    assert "Postal papers returned late (not counted) 3" in text
