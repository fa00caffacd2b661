"""Golden cases for the Gregory family: one folder per rule edge case, hand-worked answers.

Each folder under tests/golden/stv-scottish/ and tests/golden/stv-wigm/ holds `ballots.blt`,
`expected.json` (the options of the count, the winners and the whole stage table with 5- or
4-place decimal text) and a README line saying how the answer was worked out by hand.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clearcount.counting.numbers import decimal_text
from clearcount.counting.readers.blt import parse_blt
from clearcount.counting.registry import count
from clearcount.counting.result import Result

GOLDEN = Path(__file__).resolve().parents[2] / "golden"
CASES = sorted(
    path for method in ("stv-scottish", "stv-wigm") for path in (GOLDEN / method).iterdir()
)


def summary(result: Result) -> dict[str, object]:
    """The result as the golden files write it (decimal text, never floats)."""
    places = result.decimals

    def text(value: object) -> str:
        return decimal_text(value, places)  # type: ignore[arg-type]

    return {
        "elected": list(result.elected),
        "quota": text(result.quota),
        "valid_votes": decimal_text(result.valid_votes),
        "invalid_ballots": result.invalid_ballots,
        "stages": [
            {
                "number": stage.number,
                "action": stage.action,
                "tallies": {name: text(v) for name, v in stage.tallies.items()},
                "non_transferable": text(stage.non_transferable),
                "exhausted": text(stage.exhausted),
                "elected": list(stage.elected),
                "excluded": list(stage.excluded),
            }
            for stage in result.stages
        ],
        "tie_breaks": [
            {
                "stage": tie.stage,
                "purpose": tie.purpose,
                "tied": list(tie.tied),
                "chosen": list(tie.chosen),
                "method": tie.method,
                "seed": tie.seed,
            }
            for tie in result.tie_breaks
        ],
    }


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_golden_case(case: Path) -> None:
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    contest = parse_blt((case / "ballots.blt").read_text(encoding="utf-8"), str(case))
    result = count(expected["method"], contest, expected.get("options", {}))
    got = summary(result)
    for key in got:
        assert got[key] == expected[key], key
    for stage in result.stages:
        assert stage.accounted == result.valid_votes


def test_every_golden_case_has_a_readme() -> None:
    assert CASES
    for case in CASES:
        assert (case / "README.md").read_text(encoding="utf-8").strip()
