"""The `clearcount` command as a user runs it: a real process, real files."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

SAMPLE = Path(__file__).parents[3] / "src/clearcount/samples/northfold_union_executive.blt"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "clearcount", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_json_output_has_elected_in_order_stages_quota_and_ties() -> None:
    done = run("count", str(SAMPLE), "--method", "stv-scottish", "--format", "json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert len(data["elected"]) == 4
    assert set(data["elected"]) <= set(data["candidates"])
    assert data["quota"] == data["stages"][0]["quota"]
    assert isinstance(data["tie_breaks"], list)
    assert data["stages"][0]["action"]


def test_seats_override_and_csv_format() -> None:
    done = run("count", str(SAMPLE), "-m", "stv-scottish", "--seats", "2", "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].startswith("Candidate,1:")


@pytest.mark.parametrize(
    ("content", "suffix", "fragment"),
    [
        ("2 1\n1 3 0\n0\n", ".blt", "line 2: candidate number 3 is out of range 1..2"),
        ("x", ".txt", "unknown ballot file type"),
        (None, ".blt", "cannot read file"),
    ],
)
def test_bad_input_is_one_clear_line(
    tmp_path: Path, content: str | None, suffix: str, fragment: str
) -> None:
    path = tmp_path / f"ballots{suffix}"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    done = run("count", str(path), "-m", "stv-scottish")
    assert done.returncode == 2
    assert fragment in done.stderr
    assert "Traceback" not in done.stderr
    assert str(path) in done.stderr


def test_unknown_rule_option_is_refused_by_name(tmp_path: Path) -> None:
    rules = tmp_path / "rules.json"
    rules.write_text('{"sead": "x"}', encoding="utf-8")
    done = run("count", str(SAMPLE), "-m", "stv-scottish", "--rules", str(rules))
    assert done.returncode == 2
    assert "sead" in done.stderr
    assert "Traceback" not in done.stderr


def test_json_numbers_are_the_records_exact_decimal_strings() -> None:
    from clearcount.counting.readers.blt import parse_blt
    from clearcount.counting.registry import count
    from clearcount.record.result_body import result_body

    done = run("count", str(SAMPLE), "--method", "stv-scottish", "--format", "json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout, parse_float=lambda text: pytest.fail(f"a float: {text}"))
    assert isinstance(data["quota"], str)
    assert all(isinstance(v, str) for v in data["stages"][0]["tallies"].values())
    contest = parse_blt(SAMPLE.read_text(encoding="utf-8"), str(SAMPLE))
    assert data == result_body(count("stv-scottish", contest))


def test_rctab_json_is_rctabs_summary_shape_with_exact_numbers(tmp_path: Path) -> None:
    ballots = tmp_path / "cvr.csv"
    rows = ["A,B", "A", "B,A", "B", "C,B", "C,A", "C", "A,C"]
    lines = [f"b{i},p1,{row}" for i, row in enumerate(rows)]
    ballots.write_text("ballot_id,precinct,rank1,rank2\n" + "\n".join(lines) + "\n")
    done = run("count", str(ballots), "--method", "irv", "--format", "rctab-json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout, parse_float=lambda text: pytest.fail(f"a float: {text}"))
    assert set(data) == {"config", "jsonFormatVersion", "results", "summary"}
    first, last = data["results"][0], data["results"][-1]
    assert first["round"] == 1
    assert first["tally"] == {"A": "3", "B": "2", "C": "3"}
    assert first["tallyResults"] == [{"eliminated": "B", "transfers": {"A": "1", "exhausted": "1"}}]
    assert last["tallyResults"] == [{"elected": "A", "transfers": {}}]
    assert data["summary"]["totalNumBallots"] == "8"
