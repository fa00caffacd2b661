"""Golden cases for `irv`: one folder per rule edge under tests/golden/irv, each hand-worked
(the folder's README says how), compared stage by stage."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest

from clearcount.counting import irv
from clearcount.counting.ballots import Contest
from clearcount.counting.readers.blt import parse_blt
from clearcount.counting.readers.cvr_csv import parse_cvr_csv

GOLDEN = Path(__file__).resolve().parents[2] / "golden" / "irv"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "expected.json").exists())


def _contest(folder: Path) -> Contest:
    csv_file = folder / "ballots.csv"
    if csv_file.exists():
        return parse_cvr_csv(csv_file.read_text(encoding="utf-8"), str(csv_file))
    blt_file = folder / "ballots.blt"
    return parse_blt(blt_file.read_text(encoding="utf-8"), str(blt_file))


@pytest.mark.parametrize("case", CASES)
def test_golden(case: str) -> None:
    folder = GOLDEN / case
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    assert (folder / "README.md").read_text(encoding="utf-8").strip()
    result = irv.count(_contest(folder), expected["options"])
    assert list(result.elected) == expected["elected"]
    assert len(result.stages) == len(expected["stages"])
    for stage, want in zip(result.stages, expected["stages"], strict=True):
        assert dict(stage.tallies) == {k: Fraction(v) for k, v in want["tallies"].items()}
        assert stage.quota == Fraction(want["quota"])
        assert list(stage.elected) == want["elected"]
        assert list(stage.excluded) == want["excluded"]
        inactive = {k: v for k, v in stage.inactive.items() if v}
        assert inactive == {k: Fraction(v) for k, v in want.get("inactive", {}).items()}
        assert stage.accounted == result.valid_votes
