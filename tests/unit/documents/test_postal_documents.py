"""The union's documents from real postal records (protocol.simulate_postal, spec §11.12): two
workplaces, Northfold Depot meeting its turnout and Eastgate Yard failing it while the aggregate
passes; one paper replaced, one spoilt, one late."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.unit.reports.documents_world import pdf_text

from clearcount.documents.build import make_document, render
from clearcount.protocol.simulate_postal import simulate_postal
from clearcount.record.archive import write_record


@pytest.fixture(scope="module")
def postal(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("postal")
    made = {}
    for scenario in ("separate", "aggregate"):
        path = folder / scenario
        write_record(simulate_postal(scenario).chain, path)
        made[scenario] = path
    return made


def _text(record: Path, kind: str) -> str:
    return pdf_text(render(make_document(record, kind, workers=1), "pdf"))


def test_a_separate_workplace_fails_its_turnout_while_the_aggregate_passes(
    postal: dict[str, Path],
) -> None:
    text = _text(postal["separate"], "result-231")
    depot = text.index("Workplace: Northfold Depot (separate workplace ballot, s.228)")
    yard = text.index("Workplace: Eastgate Yard (separate workplace ballot, s.228)")
    together = text.index("All workplaces together (for information)")
    assert depot < yard < together
    assert "Turnout test (50% of those entitled) MET: 4 of 6" in text[depot:yard]
    assert "Turnout test (50% of those entitled) NOT MET: 1 of 4" in text[yard:together]
    assert "Result NOT CARRIED" in text[yard:together]
    assert "Turnout test (50% of those entitled) MET: 5 of 10" in text[together:]
    assert "Postal papers returned late (not counted) 1" in text


def test_an_aggregated_ballot_states_the_one_result_then_each_workplace(
    postal: dict[str, Path],
) -> None:
    text = _text(postal["aggregate"], "employer-231a")
    result = text.index("Aggregated result of all workplaces (s.228A)")
    assert "Result CARRIED" in text[result : text.index("Workplace: Northfold Depot")]
    assert "Workplace: Eastgate Yard Number of individuals entitled to vote 4" in text
    notice = _text(postal["aggregate"], "notice-226a")
    assert "Northfold Depot (6 entitled), Eastgate Yard (4 entitled) (one aggregated" in notice


def test_the_scrutineers_report_accounts_for_every_numbered_paper(
    postal: dict[str, Path],
) -> None:
    text = _text(postal["separate"], "scrutineer-231b")
    for row in (
        "Numbered postal papers issued 10",
        "Replacement papers issued (each voiding an issued number) 1",
        "Postal papers returned in time and counted 5",
        "Postal papers spoilt 1",
        "Postal papers returned late (not counted) 1",
        "Postal papers voided 1",
        "Papers returned by post 5",
        "Strike?: workplace Eastgate Yard Number of individuals entitled to vote 4",
    ):
        assert row in text
