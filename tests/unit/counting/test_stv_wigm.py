"""PRF WIGM reference rule: quota, four-place truncation, sure losers, tie order, invariants.

Hand-worked edge cases are golden folders in tests/golden/stv-wigm/.
"""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.strategies import contests

from clearcount.counting import stv_wigm
from clearcount.counting.ballots import Ballot, Contest

B = Ballot.of
NAMES = ("Ann Arbel", "Ben Brask", "Cat Corrin", "Dan Dulwich", "Eve Ember")


def test_quota_is_truncated_to_four_places_plus_one_unit() -> None:
    """A.1, D.4: 10 / 3 = 3.3333 (truncated) + 0.0001."""
    result = stv_wigm.count(Contest(NAMES[:3], (B(0, weight=5), B(1, weight=3), B(2, weight=2)), 2))
    assert result.quota == Fraction("3.3334")
    assert result.decimals == 4


def test_new_weight_truncates_the_product_then_the_quotient() -> None:
    """B.3, D.4: 0.4999 x 0.3333 = 0.16661667 -> 0.1666; / 2.3 = 0.07243 -> 0.0724."""
    assert stv_wigm.RULES.transfer_value(4999, 3333, 23000, 10**4) == 724


def test_sure_losers_are_off_unless_asked_for() -> None:
    papers = (B(0, 2, weight=8), B(1, weight=6), B(2, weight=5), B(3, 2), B(4, 1, weight=2))
    contest = Contest(NAMES, papers, seats=2)
    single = stv_wigm.count(contest)
    batch = stv_wigm.count(contest, {"defeat_sure_losers": True})
    assert single.options["defeat_sure_losers"] is False
    assert single.stages[1].action == "surplus of Ann Arbel"
    assert batch.stages[1].excluded == ("Dan Dulwich", "Eve Ember")
    assert set(single.elected) == set(batch.elected) == {"Ann Arbel", "Ben Brask"}


def test_ties_use_the_contest_order_else_a_seeded_draw() -> None:
    papers = (B(0, weight=2), B(1, 0, weight=2), B(2, weight=3))
    ordered = Contest(NAMES[:3], papers, seats=1, tie_order=(0, 1, 2))
    (tie,) = stv_wigm.count(ordered).tie_breaks
    assert tie.method == "tie order"
    assert tie.chosen == ("Ann Arbel",)
    (drawn,) = stv_wigm.count(Contest(NAMES[:3], papers, seats=1), {"seed": "s"}).tie_breaks
    assert drawn.method == "seeded draw"
    assert drawn.seed == "s"


def test_exhausted_papers_are_reported_apart_from_rounding_residue() -> None:
    result = stv_wigm.count(Contest(NAMES[:3], (B(0, 1, weight=4), B(2, weight=2)), seats=2))
    last = result.stages[-1]
    assert last.exhausted == Fraction("1.9996")
    assert last.non_transferable == Fraction("0.0003")


@settings(max_examples=150, deadline=None)
@given(contests(withdrawn=True, defects=True), st.booleans())
def test_every_stage_balances(contest: Contest, batch: bool) -> None:
    result = stv_wigm.count(contest, {"seed": "fixed", "defeat_sure_losers": batch})
    for stage in result.stages:
        assert stage.accounted == result.valid_votes
    standing = len(contest.candidates) - len(contest.withdrawn)
    assert len(result.elected) == min(contest.seats, standing)
