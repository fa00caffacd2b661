"""The vectorised `irv` (ranking matrix + `matrix_runoff.MatrixPiles`) against the reference
piles: equal Results (every stage, tally, inactive figure, tie-break) or the same error."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.strategies import contests
from tests.unit.counting import matrix_equivalence
from tests.unit.counting.matrix_equivalence import outcome

from clearcount.counting import irv
from clearcount.counting.ballots import Ballot, Contest
from clearcount.counting.ranking_matrix import RankingMatrix, attach
from clearcount.counting.readers.blt import parse_blt
from clearcount.counting.readers.cvr_csv import parse_cvr_csv
from clearcount.counting.result import Result

Options = dict[str, object]
B = Ballot.of
GOLDEN = Path(__file__).resolve().parents[2] / "golden" / "irv"


def fast(contest: Contest, options: Options | None = None) -> Result:
    return matrix_equivalence.fast(irv, contest, options)


def assert_same(contest: Contest, options: Options | None = None) -> Result | None:
    return matrix_equivalence.assert_same(irv, contest, options)


def one_seat(contest: Contest) -> Contest:
    return replace(contest, seats=1)


@settings(max_examples=400, deadline=None)
@given(contests(max_candidates=7, max_ballots=30, withdrawn=True, undeclared=True).map(one_seat))
def test_random_contests_count_the_same(contest: Contest) -> None:
    """Ties (small weights make many), exhaustion, withdrawn and write-in candidates."""
    assert_same(contest)


OPTIONS = st.fixed_dictionaries(
    {
        "batch_elimination": st.booleans(),
        "continue_until_two": st.booleans(),
        "first_round_threshold": st.booleans(),
        "tie_break": st.sampled_from(["history_then_lot", "lot", "candidate_order", "random"]),
        "seed": st.sampled_from(["7", "12345"]),
    }
)


@settings(max_examples=200, deadline=None)
@given(contests(max_candidates=6, withdrawn=True, undeclared=True).map(one_seat), OPTIONS)
def test_every_option_counts_the_same_on_the_matrix(contest: Contest, options: Options) -> None:
    """`irv.count` uses the matrix for the default options only; the matrix engine itself runs
    the same round loop whatever the options, and must agree under each."""
    assert outcome(lambda: fast(contest, options)) == outcome(
        lambda: irv.count_reference(contest, options)
    )


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.integers(1, 2**40), min_size=3, max_size=3),
    st.lists(st.integers(0, 2), min_size=1, max_size=6),
)
def test_huge_weights_stay_exact(weights: list[int], extra: list[int]) -> None:
    papers = (B(0, 1, weight=weights[0]), B(1, 2, weight=weights[1]), B(2, weight=weights[2]))
    contest = Contest(("Ann", "Ben", "Cat"), papers + tuple(B(c) for c in extra))
    assert_same(contest)


def test_a_large_random_election_counts_the_same() -> None:
    rng = random.Random(2026)
    n = 12
    papers = []
    for _ in range(5000):
        ranking = rng.sample(range(n), rng.randint(0, n))
        papers.append(B(*ranking, weight=rng.choice((1, 1, 1, 2, 7))))
    contest = attach(Contest(tuple(f"Candidate {i}" for i in range(n)), tuple(papers)))
    result = assert_same(contest)
    assert result is not None
    assert len(result.stages) > 5


def test_ties_broken_by_history_and_by_lot_are_recorded_the_same() -> None:
    contest = Contest(
        ("Ann", "Ben", "Cat", "Dan"),
        (B(0, weight=5), B(1, 2, weight=2), B(2, 1, weight=3), B(3, 1)),
    )
    result = assert_same(contest, {"seed": "s"})
    assert result is not None
    assert {t.method for t in result.tie_breaks} == {"history (most recent stage)"}
    lot = Contest(("Ann", "Ben", "Cat"), (B(0, weight=2), B(1, weight=2), B(2, weight=4)))
    drawn = assert_same(lot)
    assert drawn is not None
    assert drawn.tie_breaks[0].method == "seeded draw"


def test_blank_papers_and_all_withdrawn_rankings_are_inactive_the_same() -> None:
    contest = Contest(
        ("Ann", "Ben", "Cat"),
        (B(weight=3), B(2, weight=2), B(0, 1, weight=4), B(1, weight=3)),
        withdrawn=frozenset({2}),
    )
    result = assert_same(contest)
    assert result is not None
    assert result.stages[0].inactive["undervotes"] == 3
    assert result.stages[0].inactive["exhaustedChoices"] == 2


def _golden_contest(folder: Path) -> Contest:
    csv_file = folder / "ballots.csv"
    if csv_file.exists():
        return parse_cvr_csv(csv_file.read_text(encoding="utf-8"), str(csv_file))
    blt_file = folder / "ballots.blt"
    return parse_blt(blt_file.read_text(encoding="utf-8"), str(blt_file))


CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "expected.json").exists())
DEFECTIVE = {"overvote_exhausts", "skipped_rank_exhausts", "skipped_rank_passed_over"}
"""Golden cases whose papers have overvotes or skipped ranks: no matrix, reference engine."""


@pytest.mark.parametrize("case", CASES)
def test_golden_cases_through_the_matrix(case: str) -> None:
    folder = GOLDEN / case
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    contest = _golden_contest(folder)
    matrix = RankingMatrix.from_ballots(contest.ballots, len(contest.candidates))
    if case in DEFECTIVE:
        assert matrix is None
        return
    assert matrix is not None
    result = irv.count_with_matrix(contest, matrix, expected["options"])
    assert result == irv.count_reference(contest, expected["options"])
    assert list(result.elected) == expected["elected"]
    assert [list(s.excluded) for s in result.stages] == [s["excluded"] for s in expected["stages"]]


def test_dispatch_uses_the_matrix_for_default_options_and_plain_papers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    contest = Contest(("Ann", "Ben", "Cat"), (B(0, 1), B(1), B(2, 0)))
    expected = irv.count_reference(contest)

    def refuse(*args: object, **kwargs: object) -> Result:
        raise AssertionError("the reference engine was used")

    monkeypatch.setattr(irv, "count_reference", refuse)
    assert irv.count(contest) == expected
    assert irv.count(contest, {"seed": "published", "overvote": "exhaust"}).elected


def test_dispatch_keeps_the_reference_for_other_options_and_defective_papers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    plain = Contest(("Ann", "Ben", "Cat"), (B(0, 1), B(1), B(2, 0)))
    defective = Contest(("Ann", "Ben"), (Ballot(((0,), (), (1,))), B(1)))
    expected = irv.count_reference(plain, {"batch_elimination": True})
    expected_defective = irv.count_reference(defective)

    def refuse(*args: object, **kwargs: object) -> Result:
        raise AssertionError("the matrix engine was used")

    monkeypatch.setattr(irv, "count_with_matrix", refuse)
    assert irv.count(plain, {"batch_elimination": True}) == expected
    assert irv.count(defective) == expected_defective
