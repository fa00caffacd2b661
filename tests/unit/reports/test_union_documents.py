"""The union's statutory documents, read back from their PDFs (TULRCA 1992, domain.md §2).

Each threshold and notice period comes from the dated profile the ballot was counted under, so
a ballot opened the day before an ERA 2025 change and one opened that day get different
documents; a separate workplace ballot (s.228) can fail its turnout while all workplaces
together would pass, and the s.231 result says so.
"""

from __future__ import annotations

import re

import pytest
from tests.unit.reports.documents_world import VERIFIED, counted, facts, pdf_text, question

from clearcount.documents.pdf import render_pdf
from clearcount.protocol.setup import contest_spec
from clearcount.reports.declaration import declaration
from clearcount.reports.document_formats import document_csv, document_html, document_json
from clearcount.reports.statutory_fields import REQUIRED
from clearcount.reports.union_documents import (
    UnfitError,
    employer_231a,
    notice_226a,
    result_231,
    scrutineer_231b,
)

IA = {"profile": "uk-industrial-action", "entitled": 100}
BUILDERS = {
    "notice-226a": notice_226a,
    "result-231": result_231,
    "employer-231a": employer_231a,
    "scrutineer-231b": scrutineer_231b,
}


def _text(kind: str, opened: str, **options: object) -> str:
    ballot = facts(
        [question("strike", {**IA, "opened": opened, **options}, 60, 10, 2)],
        opens=f"{opened}T09:00:00Z",
    )
    return pdf_text(render_pdf(BUILDERS[kind](ballot, VERIFIED)))


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_every_required_field_is_in_the_pdf(kind: str) -> None:
    text = _text(kind, "2031-05-01")
    for section, what, label in REQUIRED[kind]:
        assert label in text, f"{kind}: {section} requires {what} ({label!r} not found)"
    assert "ab" * 32 in text  # the record hash
    assert "VERIFIED: 1 checks of the independent verifier passed" in text


def test_the_figures_are_the_declared_count() -> None:
    text = _text("result-231", "2031-05-01")
    assert "Number of individuals entitled to vote 100" in text
    assert "Number of votes cast (papers returned) 72" in text
    assert "Number answering Yes 60" in text
    assert "Number answering No 10" in text
    assert "Number of spoilt or otherwise invalid papers 2" in text
    assert "CARRIED" in text


def test_turnout_test_applies_the_day_before_e_balloting_commences_and_not_on_it() -> None:
    commenced = {"e_balloting_commenced": "2026-08-01"}
    before = _text("result-231", "2026-07-31", **commenced)
    on = _text("result-231", "2026-08-01", **commenced)
    assert "Turnout test (50% of those entitled) MET: 72 of 100" in before
    assert "NOT APPLIED: the 50% turnout rule" not in before
    assert "Turnout test (50% of those entitled) NOT APPLIED: the 50% turnout rule" in on
    assert "repealed by the Employment Rights Act 2025" in on


def test_the_40_percent_test_and_the_mandate_either_side_of_18_february_2026() -> None:
    before = _text("result-231", "2026-02-17", important_public_services=True)
    on = _text("result-231", "2026-02-18", important_public_services=True)
    assert "voting Yes (important public services) MET: 60 of 100" in before
    assert "6 months from the date of the ballot, or 9 by agreement" in before
    assert "voting Yes (important public services) NOT APPLIED: the 40%" in on
    assert "12 months from the date of the ballot, no extension" in on
    ordinary = _text("result-231", "2026-02-17")
    assert "NOT APPLICABLE: not an important public services ballot" in ordinary


def test_the_notice_of_ballot_gives_the_dates_and_contents_in_force() -> None:
    before = _text("notice-226a", "2026-02-17")
    on = _text("notice-226a", "2026-02-18")
    assert "Opening day of the ballot 2026-02-17" in before
    assert "before the opening day) 2026-02-10" in before  # 7 days
    assert "(at least 3 days before the opening day) 2026-02-14" in before
    assert "with the number of employees in each category" in before
    assert "14 days, or 7 by agreement" in before
    assert "the categories of employee, the workplaces and the total number" in on
    assert "10 days (s.234A as amended by ERA 2025)" in on
    assert "Dated 2026-02-11" in on  # the notice is dated when it must reach the employer


def test_a_workplace_failing_its_turnout_while_all_workplaces_together_pass() -> None:
    options = {"profile": "uk-industrial-action", "opened": "2031-05-01"}
    places = [
        ("Northfold Depot", 40, counted({**options, "entitled": 40}, 25, 5)),
        ("Eastgate Garage", 60, counted({**options, "entitled": 60}, 20, 5)),
    ]
    ballot = facts(
        [question("strike", {**options, "entitled": 100}, 45, 10)],
        aggregation="separate",
        workplaces={"strike": places},
    )
    for build in (result_231, employer_231a):
        text = pdf_text(render_pdf(build(ballot, VERIFIED)))
        depot = text.index("Workplace: Northfold Depot")
        garage = text.index("Workplace: Eastgate Garage")
        together = text.index("All workplaces together (for information)")
        assert depot < garage < together
        assert "Turnout test (50% of those entitled) MET: 30 of 40" in text[depot:garage]
        assert "Turnout test (50% of those entitled) NOT MET: 25 of 60" in text[garage:together]
        assert "NOT CARRIED" in text[garage:together]
        assert "Turnout test (50% of those entitled) MET: 55 of 100" in text[together:]
        assert "action may be called only where that workplace's ballot met every test" in text
    notice = pdf_text(render_pdf(notice_226a(ballot, VERIFIED)))
    assert (
        "Eastgate Garage (60 entitled), Northfold Depot (40 entitled) (a separate ballot" in notice
    )
    report = pdf_text(render_pdf(scrutineer_231b(ballot, VERIFIED)))
    assert "workplace Eastgate Garage Number of individuals entitled to vote 60" in report


def test_an_aggregated_ballot_states_one_result_and_each_workplaces_figures() -> None:
    options = {"profile": "uk-industrial-action", "opened": "2031-05-01"}
    places = [("Northfold Depot", 40, counted({**options, "entitled": 40}, 25, 5))]
    ballot = facts(
        [question("strike", {**options, "entitled": 40}, 25, 5)],
        aggregation="aggregate",
        workplaces={"strike": places},
    )
    text = pdf_text(render_pdf(result_231(ballot, VERIFIED)))
    assert "Aggregated result of all workplaces (s.228A)" in text
    assert "Workplace: Northfold Depot Number of individuals entitled to vote 40" in text


def test_the_scrutineers_report_states_papers_and_statements() -> None:
    text = _text("scrutineer-231b", "2031-05-01")
    assert "Voting papers and credentials distributed 100" in text
    assert "Papers returned 72" in text
    assert "Valid votes 70" in text
    assert re.search(r"Northgate Ballot Services is satisfied that there are no reasonable", text)


def test_a_document_renders_to_the_same_bytes_twice() -> None:
    ballot = facts([question("strike", {**IA, "opened": "2031-05-01"}, 60, 10)])
    for build in BUILDERS.values():
        document = build(ballot, VERIFIED)
        assert render_pdf(document) == render_pdf(build(ballot, VERIFIED))
        assert document_html(document) == document_html(build(ballot, VERIFIED))
        assert document_json(document) == document_json(build(ballot, VERIFIED))
        assert document_csv(document) == document_csv(build(ballot, VERIFIED))


def test_the_pdf_metadata_comes_from_the_record_not_the_clock() -> None:
    ballot = facts([question("strike", {**IA, "opened": "2031-05-01"}, 60, 10)])
    data = render_pdf(result_231(ballot, VERIFIED))
    assert b"/CreationDate (D:20310515" in data
    assert b"/Producer (clearcount documents)" in data


def test_a_kind_that_does_not_fit_the_election_is_refused() -> None:
    irv = contest_spec("candidate", "Parliamentary candidate", "irv", ("Ann", "Bo"))
    selection = facts([(irv, {})])
    with pytest.raises(UnfitError, match=r"^--kind result-231: .* record constructed-ballot has "
                       r"'candidate' counted by irv: use --kind declaration"):  # fmt: skip
        result_231(selection, VERIFIED)
    union = facts([question("strike", {**IA, "opened": "2031-05-01"}, 6, 1)])
    with pytest.raises(UnfitError, match="has only yes-no questions: use --kind result-231"):
        declaration(union, VERIFIED)
