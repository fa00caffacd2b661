"""The ranking matrix: plain rankings as one array, built once, bound to the papers it describes."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.strategies import ballots, rankings

from clearcount.core.errors import CountingError
from clearcount.counting import irv
from clearcount.counting.ballots import OVERVOTE, Ballot, Contest
from clearcount.counting.ranking_matrix import MATRIX_KEY, RankingMatrix, attach, matrix_for
from clearcount.counting.readers.blt import parse_blt, parse_blt_lines

B = Ballot.of
NAMES = ("Ann Arbel", "Ben Brask", "Cat Corrin", "Dan Dulwich")


def test_rows_are_distinct_padded_and_weighted() -> None:
    matrix = RankingMatrix.from_rows([(0, 1), (2,), (0, 1), (), (1, 0, 2)])
    assert matrix.rows.dtype == np.int16
    assert matrix.weights.dtype == np.int64
    assert matrix.rows.shape == (4, 3)
    assert matrix.total == 5
    assert matrix.candidates == 3
    assert matrix.rankings() == {(0, 1): 2, (2,): 1, (): 1, (1, 0, 2): 1}
    for row, depth in zip(matrix.rows.tolist(), matrix.depths.tolist(), strict=True):
        assert all(c >= 0 for c in row[:depth])
        assert all(c == -1 for c in row[depth:])
    assert matrix.cells().shape == (4, 4)
    assert (matrix.cells()[:, -1] == -1).all()


def test_weights_are_added_exactly_beyond_float_precision() -> None:
    big = 2**60 + 1
    matrix = RankingMatrix.from_rows([(0,), (0,), (1,)], [big, 2, 0])
    assert matrix.rankings() == {(0,): big + 2, (1,): 0}
    assert matrix.total == big + 2


def test_the_order_of_papers_does_not_change_the_matrix() -> None:
    rows = [(0, 1), (2,), (1,), (0, 1), (2, 0)]
    assert RankingMatrix.from_rows(rows) == RankingMatrix.from_rows(rows[::-1])
    assert RankingMatrix.from_rows(rows) != RankingMatrix.from_rows(rows[1:])


def test_many_candidates_use_int32() -> None:
    matrix = RankingMatrix.from_rows([(40_000, 3)])
    assert matrix.rows.dtype == np.int32
    assert matrix.rankings() == {(40_000, 3): 1}


def test_no_papers_and_blank_papers_only() -> None:
    assert RankingMatrix.from_rows([]).total == 0
    assert RankingMatrix.from_rows([], candidates=3).rows.shape[0] == 0
    blank = RankingMatrix.from_rows([(), ()], [2, 3], candidates=2)
    assert blank.rankings() == {(): 5}
    assert blank.depths.tolist() == [0]


@pytest.mark.parametrize(
    ("rows", "weights", "candidates", "message"),
    [
        ([(0, 1, 0)], None, None, "twice"),
        ([(0, -1)], None, None, "negative"),
        ([(0, 3)], None, 3, "out of range"),
        ([(0,)], [-1], None, "negative"),
        ([(0,), (1,)], [2**62, 2**62], None, "64 bits"),
        ([(0,)], [1, 2], None, "weights"),
    ],
)
def test_rows_that_are_not_plain_rankings_are_refused(
    rows: list[tuple[int, ...]], weights: list[int] | None, candidates: int | None, message: str
) -> None:
    with pytest.raises(CountingError, match=message):
        RankingMatrix.from_rows(rows, weights, candidates=candidates)


@pytest.mark.parametrize(
    "paper",
    [
        Ballot(((0,), (), (1,))),  # skipped rank
        Ballot(((0, 1),)),  # equal ranking / two marks
        Ballot(((OVERVOTE,),)),  # explicit overvote
        Ballot(((2,), (1,), (2,))),  # a candidate twice
        Ballot(((4,),)),  # no such candidate
        Ballot(((0,),), weight=-1),  # negative weight
        Ballot(((0,),), weight=2**63),  # beyond int64
    ],
)
def test_ballots_that_are_not_plain_give_no_matrix(paper: Ballot) -> None:
    assert RankingMatrix.from_ballots((B(0, 1), paper), 4) is None


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(rankings(6), st.integers(0, 9)), max_size=30))
def test_from_ballots_and_from_rows_agree(papers: list[tuple[tuple[int, ...], int]]) -> None:
    built = RankingMatrix.from_ballots([B(*r, weight=w) for r, w in papers], 6)
    rows = RankingMatrix.from_rows([r for r, _ in papers], [w for _, w in papers], candidates=6)
    assert built == rows
    expected: Counter[tuple[int, ...]] = Counter()
    for r, w in papers:
        expected[r] += w
    assert rows.rankings() == dict(expected)
    assert rows.total == sum(expected.values())


@settings(max_examples=200, deadline=None)
@given(st.lists(ballots(5, defects=True), max_size=12))
def test_from_ballots_is_none_exactly_when_a_paper_is_not_plain(papers: list[Ballot]) -> None:
    def plain(ballot: Ballot) -> bool:
        ranking = ballot.plain()
        return ranking is not None and len(set(ranking)) == len(ranking) and OVERVOTE not in ranking

    matrix = RankingMatrix.from_ballots(papers, 5)
    assert (matrix is not None) == all(map(plain, papers))


def _contest(papers: tuple[Ballot, ...]) -> Contest:
    return Contest(NAMES, papers, seats=1)


def test_attach_binds_the_matrix_to_the_ballots() -> None:
    contest = attach(_contest((B(0, 1, weight=3), B(1), B(2, 1, weight=2))))
    matrix = contest.extras[MATRIX_KEY]
    assert isinstance(matrix, RankingMatrix)
    assert matrix.ballots is contest.ballots
    assert matrix_for(contest) is matrix
    assert matrix_for(replace(contest, seats=2)) is matrix  # same papers, same matrix


def test_a_matrix_is_never_used_for_other_ballots() -> None:
    """`replace` keeps extras; the matrix must not count papers it was not built from."""
    contest = attach(_contest((B(0, weight=5), B(1, weight=4))))
    other = replace(contest, ballots=(B(1, weight=5), B(0, weight=4)))
    assert matrix_for(other) == RankingMatrix.from_ballots(other.ballots, 4)
    assert irv.count(other).elected == ("Ben Brask",)
    assert irv.count(contest).elected == ("Ann Arbel",)


def test_attach_checks_the_papers() -> None:
    contest = _contest((B(0, 1), B(1)))
    with pytest.raises(CountingError, match="3 papers, the ballots 2"):
        attach(contest, RankingMatrix.from_rows([(0, 1), (1,), (1,)]))
    with pytest.raises(CountingError, match="candidate indices up to 5"):
        attach(contest, RankingMatrix.from_rows([(0, 5)]))
    given = RankingMatrix.from_rows([(1,), (0, 1)])
    assert matrix_for(attach(contest, given)) == given


def test_attach_leaves_a_contest_with_defective_papers_alone() -> None:
    contest = _contest((B(0, 1), Ballot(((0,), (), (1,)))))
    assert attach(contest) is contest
    assert matrix_for(contest) is None


BLT = """4 2
3 1 2 0
2 3 0
1 4 1 2 0
2 1 2 0
0
"Ann Arbel"
"Ben Brask"
"Cat Corrin"
"Dan Dulwich"
"Test"
"""


def test_the_blt_reader_builds_the_matrix_as_it_reads() -> None:
    contest = parse_blt(BLT, ranking_matrix=True)
    matrix = contest.extras[MATRIX_KEY]
    assert isinstance(matrix, RankingMatrix)
    assert matrix.ballots is contest.ballots
    assert matrix == RankingMatrix.from_ballots(contest.ballots, 4)
    assert matrix.rankings() == {(0, 1): 5, (2,): 2, (3, 0, 1): 1}
    assert parse_blt(BLT).extras[MATRIX_KEY] == matrix  # plain lines: always, read as arrays
    assert MATRIX_KEY not in parse_blt_lines(BLT).extras  # the line reader: opt-in
    assert MATRIX_KEY in parse_blt_lines(BLT, ranking_matrix=True).extras


@pytest.mark.parametrize("line", ["1 1=2 3 0", "1 1 - 2 0", "1 1 2 1 0"])
def test_the_blt_reader_gives_no_matrix_for_defective_papers(line: str) -> None:
    contest = parse_blt(BLT.replace("2 3 0", line), ranking_matrix=True)
    assert MATRIX_KEY not in contest.extras
