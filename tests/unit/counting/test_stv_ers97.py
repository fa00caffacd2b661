"""ERS97 STV: hand-worked golden cases (tests/golden/stv-ers97), rule edges and invariants."""

from __future__ import annotations

import json
import random
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clearcount.core.errors import ConfigError
from clearcount.counting import stv_ers97
from clearcount.counting.ballots import Ballot, Contest
from clearcount.counting.ers97_papers import quota, transfer_value
from clearcount.counting.numbers import decimal_text
from clearcount.counting.readers.blt import parse_blt
from clearcount.counting.registry import count as count_by_name

GOLDEN = Path(__file__).resolve().parents[2] / "golden" / "stv-ers97"
NAMES = ("Ash", "Birch", "Cedar", "Dunn", "Elm", "Fenn")


@pytest.mark.parametrize("case", sorted(p.name for p in GOLDEN.iterdir() if p.is_dir()))
def test_golden_case(case: str) -> None:
    folder = GOLDEN / case
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    result = stv_ers97.count(parse_blt((folder / "ballots.blt").read_text(encoding="utf-8")))
    assert list(result.elected) == expected["elected"]
    assert result.decimals == 2
    assert len(result.stages) == len(expected["stages"])
    for stage, want in zip(result.stages, expected["stages"], strict=True):
        assert stage.action == want["action"]
        assert decimal_text(stage.quota or 0, 2) == want["quota"]
        assert {k: decimal_text(v, 2) for k, v in stage.tallies.items()} == want["tallies"]
        assert decimal_text(stage.non_transferable, 2) == want["non_transferable"]
        assert list(stage.elected) == want["elected"]
        assert list(stage.excluded) == want["excluded"]
    got_ties = [(list(t.tied), list(t.chosen), t.method) for t in result.tie_breaks]
    assert got_ties == [(t["tied"], t["chosen"], t["method"]) for t in expected["tie_breaks"]]


def test_quota_and_transfer_value_follow_5_1_6_and_5_3_7() -> None:
    assert quota(2100, 2) == 700  # exact: 7.00
    assert quota(2500, 2) == 834  # 8.333.. -> 8.33 + 0.01
    assert transfer_value(300, 7, 100) == 42  # 3.00 / 7 truncated
    assert transfer_value(233, 2, 100) == 100  # value does not exceed the surplus


def test_registry_and_unknown_option() -> None:
    contest = Contest(NAMES[:3], (Ballot.of(0, 1),), seats=1)
    assert count_by_name("stv-ers97", contest).elected == ("Ash",)
    with pytest.raises(ConfigError, match="omega"):
        stv_ers97.count(contest, {"omega": "1"})


def test_invalid_papers_withdrawn_and_equal_first_rank() -> None:
    ballots = (
        Ballot(((0, 1),)),  # first preference void for uncertainty
        Ballot(()),  # blank
        Ballot(((2,), (1,))),  # withdrawn first preference: Birch counts
        Ballot.of(1, weight=2),
        Ballot.of(0),
    )
    contest = Contest(NAMES[:3], ballots, seats=1, withdrawn=frozenset({2}))
    result = stv_ers97.count(contest)
    assert result.invalid_ballots == 2
    assert result.valid_votes == 4
    assert result.elected == ("Birch",)
    assert "Cedar" not in result.stages[0].tallies


def test_more_seats_than_candidates_elects_everyone() -> None:
    contest = Contest(NAMES[:2], (Ballot.of(0),), seats=3)
    assert set(stv_ers97.count(contest).elected) == {"Ash", "Birch"}


def test_tie_decided_by_seeded_lot_is_recorded() -> None:
    contest = Contest(NAMES[:2], (Ballot.of(0), Ballot.of(1)), seats=1)
    result = stv_ers97.count(contest, {"seed": "public draw 7"})
    election_tie = result.tie_breaks[0]
    assert election_tie.purpose == "election"
    assert election_tie.chosen == ()
    lot = result.tie_breaks[1]
    assert lot.method == "seeded draw"
    assert lot.seed == "public draw 7"
    assert len(result.elected) == 1
    assert result.options == {"seed": "public draw 7"}


@st.composite
def contests(draw: st.DrawFn) -> Contest:
    n = draw(st.integers(1, 6))
    seats = draw(st.integers(1, 4))
    rankings = st.lists(st.integers(0, n - 1), max_size=n, unique=True)
    papers = draw(st.lists(st.tuples(rankings, st.integers(1, 9)), max_size=14))
    ballots = tuple(Ballot.of(*r, weight=w) for r, w in papers)
    return Contest(NAMES[:n], ballots, seats=seats)


@settings(max_examples=150, deadline=None)
@given(contests(), st.randoms(use_true_random=False))
def test_every_stage_balances_and_ballot_order_does_not_matter(
    contest: Contest, rng: random.Random
) -> None:
    result = stv_ers97.count(contest, {"seed": "s"})
    for stage in result.stages:
        assert stage.accounted == result.valid_votes
        assert stage.non_transferable >= 0
        assert all(v * 100 == int(v * 100) for v in stage.tallies.values())
    assert len(result.elected) == min(contest.seats, len(contest.candidates))
    shuffled = list(contest.ballots)
    rng.shuffle(shuffled)
    again = stv_ers97.count(
        Contest(contest.candidates, tuple(shuffled), contest.seats), {"seed": "s"}
    )
    assert again.elected == result.elected
    assert [s.tallies for s in again.stages] == [s.tallies for s in result.stages]
    assert result.valid_votes == Fraction(sum(b.weight for b in contest.ballots if b.ranks))
