"""Every RCTab regression case in shared/peer-cases/rctab, counted by `rctab` and compared with
RCTab's own report: the winners and, round by round, the threshold, the tallies, who was elected
or eliminated, and the inactive ballots by reason (README of the peer cases)."""

from __future__ import annotations

import gzip
import json
from fractions import Fraction
from typing import Any

import pytest
from tests.peer.peer_cases import PEER_ROOT, peer_params

from clearcount.counting import rctab
from clearcount.counting.readers.cvr_csv import parse_cvr_csv
from clearcount.counting.result import Result, Stage

PEER = PEER_ROOT / "rctab"
SLOW: set[str] = set()
"""Cases slower than a few seconds (none: the full Minneapolis CVRs count in well under one)."""
REASONS = ("overvotes", "skippedRankings", "repeatedRankings", "exhaustedChoices")


def _cases() -> list[Any]:
    return peer_params(
        PEER,
        lambda: [
            pytest.param(n, marks=[pytest.mark.slow] if n in SLOW else [])
            for n in sorted(p.parent.name for p in PEER.glob("*/expected.json"))
        ],
    )


def load(case: str) -> tuple[dict[str, Any], Result]:
    folder = PEER / case
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    path = folder / expected["ballots"]
    raw = path.read_bytes()
    text = (gzip.decompress(raw) if path.suffix == ".gz" else raw).decode("utf-8")
    names = [c["name"] for c in expected["candidates"]]
    contest = parse_cvr_csv(text, str(path), candidates=names)
    options = {
        "rules": expected["rctab_rules"],
        "candidates": expected["candidates"],
        "cvrFileSources": expected["cvr_sources"],
    }
    return expected, rctab.count(contest, options)


def _passes(result: Result) -> list[tuple[Stage, ...]]:
    spans = result.outcome.get("passes") or ((1, len(result.stages)),)
    assert isinstance(spans, tuple)
    return [result.stages[first - 1 : last] for first, last in spans]


def mismatches(expected: dict[str, Any], result: Result) -> list[str]:
    """Every difference from RCTab's report, as readable lines (empty when all agree)."""
    found: list[str] = []
    if sorted(result.elected) != sorted(expected["elected"]):
        found.append(f"elected {list(result.elected)} != {expected['elected']}")
    passes = _passes(result)
    if len(passes) != len(expected["passes"]):
        found.append(f"{len(passes)} passes != {len(expected['passes'])}")
    for number, (ours, theirs) in enumerate(zip(passes, expected["passes"], strict=False), 1):
        if len(ours) != len(theirs["rounds"]):
            found.append(f"pass {number}: {len(ours)} rounds != {len(theirs['rounds'])}")
        for stage, row in zip(ours, theirs["rounds"], strict=False):
            where = f"pass {number} round {row['round']}"
            tally = {k: Fraction(v) for k, v in row["tally"].items()}
            if dict(stage.tallies) != tally:
                diff = {
                    k: (str(stage.tallies.get(k)), str(tally.get(k)))
                    for k in set(tally) | set(stage.tallies)
                    if stage.tallies.get(k) != tally.get(k)
                }
                found.append(f"{where}: tallies differ (ours, RCTab) {diff}")
            if stage.quota != Fraction(row["threshold"]):
                found.append(f"{where}: threshold {stage.quota} != {row['threshold']}")
            if sorted(stage.elected) != sorted(row["elected"]):
                found.append(f"{where}: elected {stage.elected} != {row['elected']}")
            if sorted(stage.excluded) != sorted(row["eliminated"]):
                found.append(f"{where}: eliminated {stage.excluded} != {row['eliminated']}")
            for key in (*REASONS, "finalRoundSurplus"):
                want = Fraction(row["inactive"].get(key, "0"))
                got = stage.inactive.get(key, Fraction(0))
                if want != got:
                    found.append(f"{where}: inactive {key} {got} != {want}")
    return found


@pytest.mark.parametrize("case", _cases())
def test_rctab_peer_case(case: str) -> None:
    expected, result = load(case)
    assert mismatches(expected, result) == []
    for stage in result.stages:
        assert stage.accounted == result.valid_votes
