"""Scottish STV (SSI 2007/42 Sch. 1 r.45-52): hand-worked examples and invariants.

More rule edge cases, each hand-worked, are golden folders in tests/golden/stv-scottish/.
"""

from __future__ import annotations

import random
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.strategies import contests

from clearcount.core.errors import ConfigError
from clearcount.counting import stv_scottish, ties
from clearcount.counting.ballots import OVERVOTE, Ballot, Contest
from clearcount.counting.registry import count

B = Ballot.of
NAMES = ("Ann Arbel", "Ben Brask", "Cat Corrin", "Dan Dulwich", "Eve Ember")


def test_surplus_of_papers_with_two_values_moves_each_value_group_at_its_own_value() -> None:
    """r.48(3),(4): Ben holds 20 papers at 1 and 60 at 0.56666 when his surplus moves."""
    contest = Contest(
        NAMES,
        (
            B(0, 1, 2, weight=60),
            B(1, 3, weight=20),
            B(2, weight=10),
            B(3, weight=6),
            B(4, weight=4),
        ),
        seats=3,
    )
    result = stv_scottish.count(contest)
    assert result.quota == 26
    assert result.decimals == 5
    first, ann, ben = result.stages
    assert first.elected == ("Ann Arbel",)
    # Ann: S = 34, T = 60: TV = 0.56666; 60 x 0.56666 = 33.99960 to Ben, 0.00040 lost.
    assert ann.tallies["Ben Brask"] == Fraction("53.99960")
    assert ann.non_transferable == Fraction("0.00040")
    assert ann.elected == ("Ben Brask",)
    # Ben: S = 27.99960, T = 53.99960: value 1 -> 0.51851 (20 to Dan), value 0.56666 -> 0.29382
    # (60 to Cat); 27.99960 - 10.37020 - 17.62920 = 0.00020 lost.
    assert ben.tallies["Dan Dulwich"] == Fraction("16.37020")
    assert ben.tallies["Cat Corrin"] == Fraction("27.62920")
    assert ben.transfers["Ben Brask"] == Fraction("-27.99960")
    assert ben.non_transferable == Fraction("0.00060")
    assert ben.elected == ("Cat Corrin",)
    assert result.elected == ("Ann Arbel", "Ben Brask", "Cat Corrin")


def test_a_candidate_exactly_at_the_quota_has_no_surplus_stage() -> None:
    """r.48(1): only votes that *exceed* the quota are transferred."""
    contest = Contest(NAMES[:3], (B(0, 1, weight=4), B(1, weight=3), B(2, weight=2)), seats=2)
    result = stv_scottish.count(contest)  # quota 4: Ann has exactly 4
    assert [s.action for s in result.stages] == ["first preferences", "exclusion of Cat Corrin"]
    assert result.elected == ("Ann Arbel", "Ben Brask")


def test_papers_are_valid_up_to_the_first_defect() -> None:
    """Skipped ranks, equal rankings and overvotes end a paper; none before a first preference."""
    papers = (
        Ballot(((0,), (), (1,))),  # Ann, then a gap: Ann only
        Ballot(((0,), (1, 2))),  # Ann, then two marks at 2: Ann only
        Ballot(((), (1,))),  # no first preference: invalid
        Ballot(((0, 1),)),  # two first preferences: invalid
        Ballot(((OVERVOTE,),)),  # invalid
        Ballot(((2,), (2,), (1,))),  # Cat twice: Cat only
    )
    contest = Contest(NAMES[:3], papers, seats=1)
    result = stv_scottish.count(contest)
    assert result.invalid_ballots == 3
    assert result.valid_votes == 3
    assert result.stages[0].tallies == {"Ann Arbel": 2, "Ben Brask": 0, "Cat Corrin": 1}
    assert result.quota == 2
    assert result.elected == ("Ann Arbel",)


def test_unknown_or_bad_options_are_config_errors() -> None:
    contest = Contest(NAMES[:2], (B(0),), seats=1)
    with pytest.raises(ConfigError, match="unknown option"):
        stv_scottish.count(contest, {"sead": "x"})
    with pytest.raises(ConfigError, match="'lot'"):
        stv_scottish.count(contest, {"lot": "coin"})
    with pytest.raises(ConfigError, match="defeat_sure_losers"):
        stv_scottish.count(contest, {"defeat_sure_losers": True})


def test_lot_uses_the_contest_seed_lazily_and_records_it() -> None:
    contest = Contest(NAMES[:3], (B(0, weight=4), B(1, weight=4), B(2, weight=5)), seats=1)
    result = stv_scottish.count(contest)
    (tie,) = result.tie_breaks
    seed = ties.contest_seed(contest)
    assert tie.method == "seeded draw"
    assert tie.seed == seed
    assert result.options["seed"] == seed
    assert tie.chosen == ties.draw_order(("Ann Arbel", "Ben Brask"), seed, 2, "exclusion")[:1]
    assert "equal at every stage" in tie.reason
    no_tie = stv_scottish.count(Contest(NAMES[:2], (B(0), B(0), B(1)), seats=1))
    assert "seed" not in no_tie.options


def test_registry_names_the_rule_set() -> None:
    contest = Contest(NAMES[:2], (B(0, 1), B(1)), seats=1)
    assert count("stv-scottish", contest).method == stv_scottish.METHOD == "stv-scottish"


@settings(max_examples=150, deadline=None)
@given(contests(withdrawn=True, defects=True), st.randoms(use_true_random=False))
def test_every_stage_balances_and_ballot_order_does_not_matter(
    contest: Contest, rng: random.Random
) -> None:
    result = stv_scottish.count(contest, {"seed": "fixed"})
    for stage in result.stages:
        assert stage.accounted == result.valid_votes
        assert all(v >= 0 for v in stage.tallies.values())
    standing = len(contest.candidates) - len(contest.withdrawn)
    assert len(result.elected) == min(contest.seats, standing)
    shuffled = list(contest.ballots)
    rng.shuffle(shuffled)
    again = stv_scottish.count(
        Contest(contest.candidates, tuple(shuffled), contest.seats, contest.withdrawn),
        {"seed": "fixed"},
    )
    assert again.elected == result.elected
    assert [s.tallies for s in again.stages] == [s.tallies for s in result.stages]
