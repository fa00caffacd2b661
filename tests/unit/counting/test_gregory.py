"""The shared engine of the Gregory family: reading rankings, moving piles, sure losers."""

from __future__ import annotations

from clearcount.counting.ballots import OVERVOTE, Ballot, Contest
from clearcount.counting.gregory import sure_losers
from clearcount.counting.gregory_papers import Papers, read_rankings

NAMES = ("Ann Arbel", "Ben Brask", "Cat Corrin", "Dan Dulwich")


def test_rankings_are_merged_and_withdrawn_candidates_struck_out() -> None:
    papers = (Ballot.of(0, 1), Ballot.of(1), Ballot.of(0, 1, weight=3), Ballot.of(1, 2))
    contest = Contest(NAMES[:3], papers, seats=1, withdrawn=frozenset({1}))
    rankings, weights, invalid = read_rankings(contest, "truncate")
    assert dict(zip(rankings, weights, strict=True)) == {(0,): 4, (2,): 1}
    assert invalid == 1


def test_defect_policies() -> None:
    paper = Ballot(((0,), (), (1,), (), (), (2,), (OVERVOTE,), (3,)))
    contest = Contest(NAMES, (paper,), seats=1)
    assert read_rankings(contest, "truncate")[0] == [(0,)]
    assert read_rankings(contest, "close-up")[0] == [(0, 1, 2)]
    assert read_rankings(contest, "one-skip")[0] == [(0, 1)]


def test_move_passes_papers_on_by_value_group() -> None:
    papers = Papers([(0, 1), (0, 2), (0,)], [2, 3, 1], 3)
    assert papers.deal(10) == [60, 0, 0]
    receive = [False, True, False]
    gains, exhausted = papers.move(0, receive, lambda v: v // 2)
    assert gains == [0, 10, 0]
    assert exhausted == 20
    assert papers.piles[1] == {5: [0]}
    assert papers.piles[0] == {}


def test_sure_losers_keep_ties_together_and_leave_enough_candidates() -> None:
    hopeful = [(4, 1), (3, 2), (2, 5), (1, 9)]
    assert sure_losers(hopeful, 0, 1) == [4, 3, 2]  # 1 + 2 + 5 < 9
    assert sure_losers(hopeful, 0, 2) == [4, 3]  # two must remain
    assert sure_losers(hopeful, 1, 2) == [4, 3]  # 1 + 1 < 2 fails, but 3 + 1 < 5 holds
    assert sure_losers(hopeful, 2, 2) == []  # the surplus could lift either above the next
    assert sure_losers([(1, 2), (2, 2), (3, 9)], 0, 1) == [1, 2]
    assert sure_losers([(1, 2), (2, 2), (3, 3)], 0, 1) == []
