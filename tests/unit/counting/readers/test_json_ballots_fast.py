"""The JSON ballots reader that reads each distinct ranking once, against the paper reader.

Whatever the file, `parse_json_ballots` must give what `parse_json_ballots_rows` gives: the same
error, or the same contest with its papers merged by `ballots.compress` (files with ids: the same
contest outright).
"""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.unit.counting.readers.reading import assert_reads_as

from clearcount.counting.ballots import Ballot
from clearcount.counting.ranking_matrix import MATRIX_KEY, MatrixBallots, RankingMatrix
from clearcount.counting.readers.json_ballots import parse_json_ballots, parse_json_ballots_rows

NAMES = ["Ann Lee", "Bo Chan", "Cy Dunn"]
GOOD_ENTRIES = ["Ann Lee", "Bo Chan", "Cy Dunn", [], ["Ann Lee", "Bo Chan"]]
BAD_ENTRIES = [["Bo Chan", "Bo Chan"], "Zed", 5, [["Ann Lee"]], {"a": 1}, ["Zed"], [3]]
ENTRY = st.sampled_from(GOOD_ENTRIES * 20 + BAD_ENTRIES)
WEIGHT = st.sampled_from([1, 1, 2, 7] * 10 + [0, -1, True, 1.5, "2", None])


@st.composite
def papers(draw: st.DrawFn) -> object:
    paper: dict[str, object] = {"ranking": draw(st.lists(ENTRY, max_size=4))}
    if draw(st.booleans()):
        paper["weight"] = draw(WEIGHT)
    if draw(st.integers(0, 9)) == 0:
        paper[draw(st.sampled_from(["id", "wieght", "ranking"]))] = draw(st.sampled_from(["p1", 3]))
    if draw(st.integers(0, 19)) == 0:
        return draw(st.sampled_from([None, [], "Ann Lee", {"weight": 1}]))
    return paper


@settings(max_examples=300, deadline=None)  # the first example imports NumPy
@given(st.lists(papers(), max_size=12), st.lists(st.integers(0, 11), max_size=6))
def test_reading_distinct_rankings_once_matches_the_paper_reader(
    ballots: list[object], repeats: list[int]
) -> None:
    ballots += [ballots[i] for i in repeats if i < len(ballots)]  # the same papers again
    text = json.dumps({"candidates": NAMES, "ballots": ballots})
    assert_reads_as(parse_json_ballots, parse_json_ballots_rows, text)


def test_plain_rankings_go_straight_into_the_ranking_matrix() -> None:
    ballots = [{"ranking": ["Bo Chan", "Ann Lee"]}, {"ranking": ["Cy Dunn"], "weight": 2}]
    text = json.dumps({"candidates": NAMES, "ballots": [*ballots, ballots[0]]})
    contest = parse_json_ballots(text)
    assert isinstance(contest.ballots, MatrixBallots)
    assert tuple(contest.ballots) == (Ballot(((1,), (0,)), 2), Ballot(((2,),), 2))
    matrix = contest.extras[MATRIX_KEY]
    assert isinstance(matrix, RankingMatrix)
    assert matrix.ballots is contest.ballots
    assert matrix == RankingMatrix.from_rows([[1, 0], [2]], [2, 2], candidates=3)
