"""`--format rctab-json` against RCTab's own summary JSON
(`original/*_expected_detailed_report.json` in shared/peer-cases/rctab): every round's tally,
threshold, who was elected or eliminated, the inactive ballots and where the votes went
(`transfers`), for every case that has one."""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any

import pytest
from tests.peer.peer_cases import PEER_ROOT, peer_params
from tests.peer.test_rctab_peer_cases import load

from clearcount.reports.rctab_summary import rctab_summaries

PEER = PEER_ROOT / "rctab"


def _cases() -> list[Any]:
    return peer_params(
        PEER,
        lambda: sorted(
            {p.parent.parent.name for p in PEER.glob("*/original/*_expected_detailed_report.json")}
        ),
    )


def _numbers(mapping: dict[str, str]) -> dict[str, Fraction]:
    return {k: Fraction(v) for k, v in mapping.items() if Fraction(v) != 0}


def _merged(entries: list[dict[str, Any]]) -> dict[str, Fraction]:
    """A round's transfers over all its entries (clearcount gives them on the first entry)."""
    total: dict[str, Fraction] = {}
    for entry in entries:
        for k, v in _numbers(entry.get("transfers", {})).items():
            total[k] = total.get(k, Fraction(0)) + v
    return total


def _who(entries: list[dict[str, Any]], key: str) -> list[str]:
    return sorted(e[key] for e in entries if key in e)


@pytest.mark.parametrize("case", _cases())
def test_rctab_summary_matches_rctab(case: str) -> None:
    _, result = load(case)
    reports = sorted((PEER / case / "original").glob("*_expected_detailed_report.json"))
    summaries = json.loads(json.dumps(rctab_summaries(result, case)))
    assert len(summaries) == len(reports)  # one per pass (sequential multi-seat: one per seat)
    for ours, report in zip(summaries, reports, strict=True):
        _compare(ours, json.loads(report.read_text(encoding="utf-8")))


def _compare(ours: dict[str, Any], theirs: dict[str, Any]) -> None:
    if theirs["summary"]["numWinners"]:  # RCTab writes 0 for its bottoms-up modes
        assert ours["summary"]["numWinners"] == theirs["summary"]["numWinners"]
    assert len(ours["results"]) == len(theirs["results"])
    for mine, want in zip(ours["results"], theirs["results"], strict=True):
        where = f"round {want['round']}"
        assert mine["round"] == want["round"]
        assert _numbers(mine["tally"]) == _numbers(want["tally"]), where
        assert Fraction(mine["threshold"]) == Fraction(want["threshold"]), where
        for key in ("elected", "eliminated"):
            assert _who(mine["tallyResults"], key) == _who(want["tallyResults"], key), where
        assert _merged(mine["tallyResults"]) == _merged(want["tallyResults"]), where
        inactive = _numbers(mine.get("inactiveBallots", {}))
        assert inactive == _numbers(want.get("inactiveBallots", {})), where
