"""Minneapolis multi-seat STV (ordinance 167.20, 167.70): hand-worked examples and invariants."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from tests.strategies import contests

from clearcount.counting import stv_minneapolis
from clearcount.counting.ballots import OVERVOTE, Ballot, Contest

B = Ballot.of
NAMES = ("Ann Arbel", "Ben Brask", "Cat Corrin", "Dan Dulwich", "Eve Ember")


def test_candidate_awaiting_surplus_transfer_still_receives_and_losers_go_in_batches() -> None:
    """167.70(1)(c),(d): Ben (27) is over the threshold 26 but receives Ann's surplus."""
    papers = (
        B(0, 1, 2, weight=40),
        B(1, 3, weight=27),
        B(2, weight=15),
        B(3, weight=10),
        B(4, weight=8),
    )
    result = stv_minneapolis.count(Contest(NAMES, papers, seats=3))
    first, ann, ben, eve, dan = result.stages
    assert result.quota == 26
    assert first.elected == ("Ann Arbel", "Ben Brask")
    assert ann.tallies["Ben Brask"] == 41  # 40 papers x 0.35
    # Ben: fraction 15 / 41 = 0.3658; value 1 -> 0.3658 (27 to Dan); 0.35 -> 0.1280 (40 to Cat).
    assert ben.tallies["Dan Dulwich"] == Fraction("19.8766")
    assert ben.tallies["Cat Corrin"] == Fraction("20.1200")
    assert eve.excluded == ("Eve Ember",)
    assert dan.excluded == ("Dan Dulwich",)
    assert result.elected == ("Ann Arbel", "Ben Brask", "Cat Corrin")


def test_transfer_value_takes_the_surplus_fraction_first() -> None:
    """167.20: trunc4(S / T) x value, truncated: 0.3333 x 0.9999 = 0.33326667 -> 0.3332."""
    assert stv_minneapolis.RULES.transfer_value(9999, 10000, 30000, 10**4) == 3332


def test_undeclared_write_ins_are_excluded_first_and_never_elected() -> None:
    papers = (B(3, 0, weight=5), B(2, weight=2))
    contest = Contest(NAMES[:4], papers, seats=2, undeclared=frozenset({3}))
    result = stv_minneapolis.count(contest, {"lot": "tie-order"})
    assert result.stages[1].excluded == ("Dan Dulwich",)
    assert result.stages[1].tallies["Ann Arbel"] == 5
    assert "Dan Dulwich" not in result.elected
    assert set(result.elected) == {"Ann Arbel", "Cat Corrin"}


def test_one_skipped_rank_is_passed_over_two_end_the_ballot() -> None:
    """167.70(2)."""
    papers = (
        Ballot(((), (0,))),  # counts for Ann
        Ballot(((), (), (1,))),  # two skips: no vote
        Ballot(((2,), (), (0,))),  # Cat, then Ann
        Ballot(((2,), (OVERVOTE,), (0,))),  # Cat only
    )
    result = stv_minneapolis.count(Contest(NAMES[:3], papers, seats=1))
    assert result.invalid_ballots == 1
    assert result.stages[0].tallies == {"Ann Arbel": 1, "Ben Brask": 0, "Cat Corrin": 2}


@settings(max_examples=150, deadline=None)
@given(contests(withdrawn=True, undeclared=True, defects=True))
def test_every_stage_balances(contest: Contest) -> None:
    result = stv_minneapolis.count(contest, {"seed": "fixed"})
    for stage in result.stages:
        assert stage.accounted == result.valid_votes
    standing = len(contest.candidates) - len(contest.withdrawn | contest.undeclared)
    assert len(result.elected) == min(contest.seats, standing)
