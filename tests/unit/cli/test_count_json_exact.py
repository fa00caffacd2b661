"""`clearcount count --format json` gives every value exactly, for every method: whole numbers as
JSON integers or strings, fractions as the record's decimal strings, never a binary float."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from clearcount.cli.count_command import METHOD_NAMES, count_command

SAMPLE = Path(__file__).parents[3] / "src/clearcount/samples/northfold_union_executive.blt"
BODIES = {
    "profile": "labour-2018",
    "title": "Ashby Vale CLP",
    "bodies": [
        {"name": "Northfold branch", "kind": "branch", "vote": "no"},
        {"name": "Riverside branch", "kind": "branch", "members": {"yes": 9, "no": 7}},
        {"name": "Vale Allied Workers", "kind": "affiliate", "vote": "yes"},
    ],
}
ONE_SEAT = {"fptp", "irv"}


def _ballots(method: str, folder: Path) -> list[str]:
    """The file and options each method counts here (the sample's STV election where it can)."""
    if method == "trigger-ballot":
        path = folder / "bodies.json"
        path.write_text(json.dumps(BODIES), encoding="utf-8")
        return [str(path)]
    if method == "yes-no":
        path = folder / "question.csv"
        path.write_text("Yes,No\n1,\n,1\n1,\n1,\n", encoding="utf-8")
        return [str(path)]
    return [str(SAMPLE), *(["--seats", "1"] if method in ONE_SEAT else [])]


def _no_float(text: str) -> None:
    pytest.fail(f"a binary float in --format json: {text}")


def _numbers(value: object) -> list[object]:
    if isinstance(value, dict):
        return [n for v in value.values() for n in _numbers(v)]
    if isinstance(value, list):
        return [n for v in value for n in _numbers(v)]
    return [value] if isinstance(value, int | float) and not isinstance(value, bool) else []


@pytest.mark.parametrize("method", METHOD_NAMES)
def test_json_output_holds_no_binary_float(method: str, tmp_path: Path) -> None:
    args = [*_ballots(method, tmp_path), "--method", method, "--format", "json"]
    done = CliRunner().invoke(count_command, args)
    assert done.exit_code == 0, done.output
    data = json.loads(done.output, parse_float=_no_float, parse_constant=_no_float)
    assert all(isinstance(n, int) for n in _numbers(data))
    assert data["method"] == method


def test_fractional_transfers_are_decimal_strings(tmp_path: Path) -> None:
    done = CliRunner().invoke(count_command, [str(SAMPLE), "-m", "stv-meek", "--format", "json"])
    data = json.loads(done.output, parse_float=_no_float)
    values = [v for stage in data["stages"] for v in stage["tallies"].values()]
    assert all(isinstance(v, str) for v in values)
    assert any("." in v for v in values)  # Meek's keep values leave fractions
