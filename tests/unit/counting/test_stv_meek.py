"""Meek STV (PRF reference rule and Droop's guarded variant): arithmetic, rule edges, invariants."""

from __future__ import annotations

import random
import time
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clearcount.core.errors import ConfigError
from clearcount.counting import stv_meek
from clearcount.counting.ballots import Ballot, Contest
from clearcount.counting.meek_distribution import (
    Arithmetic,
    distribute,
    group_rankings,
    group_weights,
)
from clearcount.counting.registry import count as count_by_name

NAMES = ("Ash", "Birch", "Cedar", "Dunn", "Elm", "Fenn")
GUARDED = {"omega": "0.000000001", "precision": 18, "guard": 9, "defeat_batch": "safe"}


def test_prf_arithmetic_rounds_up() -> None:
    prf = Arithmetic(9)
    assert prf.keep(10**9, 333_333_333) == (333_333_333, 666_666_667)
    assert prf.keep(666_666_667, 500_000_000) == (333_333_334, 333_333_333)  # rounded up
    assert prf.quota(6 * 10**9, 2) == 2 * 10**9 + 1  # B.2.b: + 1e-9
    assert prf.next_keep_factor(10**9, 2 * 10**9, 3 * 10**9) == 666_666_667  # not ...666


def test_guarded_arithmetic_truncates_and_compares_within_half_a_unit() -> None:
    guarded = Arithmetic(18, 9)
    one = guarded.one
    assert guarded.quota(6 * one, 2) == 2 * one  # exact mode: no epsilon
    assert guarded.ge(2 * one - 10**8, 2 * one)  # 1e-19 apart: equal
    assert guarded.lt(2 * one - 10**9, 2 * one)  # a whole unit of precision apart


def test_equal_ranking_is_split_equally() -> None:
    arithmetic = Arithmetic(9)
    one = arithmetic.one
    groups = group_rankings([(((0, 1), (2,)), 3)], [True] * 3, [False, True, True])
    votes = distribute(group_weights(groups), {0: one // 2, 1: one, 2: one}, arithmetic)
    assert votes == {0: 3 * one // 4, 1: 3 * one // 2, 2: 3 * one // 4}


def test_options_are_checked() -> None:
    contest = Contest(NAMES[:2], (Ballot.of(0),), seats=1)
    with pytest.raises(ConfigError, match="quota"):
        stv_meek.count(contest, {"quota": "droop"})
    with pytest.raises(ConfigError, match="omega"):
        stv_meek.count(contest, {"omega": "0.0000000001"})  # finer than 9 places
    with pytest.raises(ConfigError, match="defeat_batch"):
        stv_meek.count(contest, {"defeat_batch": "all"})
    assert count_by_name("stv-meek", contest).elected == ("Ash",)


def test_surplus_iteration_and_stage_notes() -> None:
    # 2 seats, 6 votes: Ash 4 (all then Birch), Cedar 2. Ash's surplus flows to Birch by
    # iteration until Birch (~2.0) and Cedar (2) are within the surplus: tie order decides.
    ballots = (Ballot.of(0, 1, weight=4), Ballot.of(2, weight=2))
    contest = Contest(NAMES[:3], ballots, seats=2, tie_order=(1, 2, 0))
    result = stv_meek.count(contest)
    assert result.elected == ("Ash", "Cedar")
    assert result.decimals == 9
    assert result.stages[1].elected == ("Ash",)
    defeat = result.stages[2]
    assert defeat.excluded == ("Birch",)
    assert any("iteration" in note for note in defeat.notes)
    assert result.stages[2].tallies["Ash"] > Fraction(2)


def test_tie_without_predetermined_order_uses_a_seeded_lot() -> None:
    ballots = (Ballot.of(0), Ballot.of(1), Ballot.of(2, weight=3))
    contest = Contest(NAMES[:3], ballots, seats=2)
    result = stv_meek.count(contest, {"seed": "lot-2026"})
    tie = result.tie_breaks[0]
    assert tie.method == "seeded draw"
    assert tie.seed == "lot-2026"
    assert set(tie.tied) == {"Ash", "Birch"}
    assert set(result.elected) == {"Cedar", *({"Ash", "Birch"} - set(tie.chosen))}


def test_withdrawn_and_empty_ballots() -> None:
    ballots = (Ballot.of(1, 0, weight=3), Ballot(()), Ballot.of(1), Ballot.of(2, weight=2))
    contest = Contest(NAMES[:3], ballots, seats=1, withdrawn=frozenset({1}))
    result = stv_meek.count(contest)
    assert result.invalid_ballots == 2
    assert result.valid_votes == 5
    assert result.elected == ("Ash",)


@st.composite
def contests(draw: st.DrawFn) -> Contest:
    n = draw(st.integers(1, 6))
    seats = draw(st.integers(1, 3))
    rank = st.lists(st.integers(0, n - 1), min_size=1, max_size=2, unique=True).map(tuple)
    rankings = st.lists(rank, max_size=n)
    papers = draw(st.lists(st.tuples(rankings, st.integers(1, 9)), max_size=10))
    ballots = tuple(Ballot(tuple(r), w) for r, w in papers)
    return Contest(NAMES[:n], ballots, seats=seats)


@settings(max_examples=80, deadline=None)
@given(contests(), st.sampled_from([{}, GUARDED]), st.randoms(use_true_random=False))
def test_every_stage_balances_and_ballot_order_does_not_matter(
    contest: Contest, options: dict[str, object], rng: random.Random
) -> None:
    options = {**options, "seed": "s"}
    result = stv_meek.count(contest, options)
    for stage in result.stages:
        assert stage.accounted == result.valid_votes
        assert stage.exhausted >= 0
    assert len(result.elected) == min(contest.seats, len(contest.candidates))
    shuffled = list(contest.ballots)
    rng.shuffle(shuffled)
    again = stv_meek.count(Contest(contest.candidates, tuple(shuffled), contest.seats), options)
    assert again.elected == result.elected
    assert [s.tallies for s in again.stages] == [s.tallies for s in result.stages]


@pytest.mark.slow
def test_100k_distinct_rankings_5_seats_20_candidates() -> None:
    rng = random.Random(7)
    popularity = [rng.random() ** 2 for _ in range(20)]
    weights: dict[tuple[int, ...], int] = {}
    while len(weights) < 100_000:
        order = sorted(range(20), key=lambda c: -popularity[c] * rng.random())
        ranking = tuple(order[: rng.randint(1, 20)])
        weights[ranking] = weights.get(ranking, 0) + rng.randint(1, 3)
    ballots = tuple(Ballot.of(*r, weight=w) for r, w in weights.items())
    contest = Contest(tuple(f"Member {i}" for i in range(20)), ballots, seats=5)
    start = time.perf_counter()
    result = stv_meek.count(contest)
    assert len(result.elected) == 5
    assert time.perf_counter() - start < 60
