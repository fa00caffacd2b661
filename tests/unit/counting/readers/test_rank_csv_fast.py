"""The rank CSV reader that reads each distinct line once, against the row reader.

Whatever the file, `parse_rank_csv` must give what `parse_rank_csv_rows` gives: the same error,
or the same contest with its papers merged by `ballots.compress` (files with ballot ids, and
records over several lines, are read row by row and must be equal outright).
"""

from __future__ import annotations

from dataclasses import replace
from unittest.mock import patch

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.unit.counting.readers.reading import assert_reads_as

from clearcount.counting.ballots import Ballot, Contest
from clearcount.counting.ranking_matrix import MATRIX_KEY, MatrixBallots, RankingMatrix
from clearcount.counting.readers import chunks
from clearcount.counting.readers.rank_csv import (
    format_rank_csv,
    parse_rank_csv,
    parse_rank_csv_rows,
)

NAMES = ("Ann Lee", "Bo Chan", "Lee, Cy", 'Dee "D" Wren')


@st.composite
def csv_files(draw: st.DrawFn) -> str:
    n = draw(st.integers(2, 4))
    layout = draw(st.sampled_from(["by-candidate", "by-rank"]))
    pool = st.permutations(range(n)).map(lambda p: p[: max(1, len(p) - 1)])
    rankings = draw(st.lists(pool, min_size=1, max_size=10))
    ballots = [
        Ballot(
            tuple((c,) for c in r),
            draw(st.sampled_from([1, 1, 2, 7])),
            draw(st.sampled_from([None, None, None, f"p{i}"])),
        )
        for i, r in enumerate(rankings)
    ]
    if draw(st.booleans()):
        ballots = [replace(b, ballot_id=None) for b in ballots]
    contest = Contest(candidates=NAMES[:n], ballots=tuple(ballots))
    text = format_rank_csv(contest, layout)
    lines = text.split("\n")
    if len(lines) > 2 and draw(st.booleans()):
        lines.insert(draw(st.integers(1, len(lines) - 1)), draw(st.sampled_from(["", "  "])))
    if draw(st.booleans()):
        lines += lines[1:3]  # repeated lines
    text = draw(st.sampled_from(["\n", "\r\n"])).join(lines)
    if draw(st.integers(0, 5)) == 0:  # break something
        at = draw(st.integers(0, len(text) - 1))
        text = text[:at] + draw(st.sampled_from(["", ",", '"', "x", "\r", "0"])) + text[at + 1 :]
    return text


@settings(max_examples=300, deadline=None)  # the first example imports NumPy
@given(csv_files(), st.sampled_from([1 << 22, 9]))
def test_reading_distinct_lines_once_matches_the_row_reader(text: str, chunk: int) -> None:
    with patch.object(chunks, "CHUNK_BYTES", chunk), patch.object(chunks, "MERGE_ROWS", 2):
        assert_reads_as(parse_rank_csv, parse_rank_csv_rows, text)


def test_identical_lines_become_one_weighted_ranking() -> None:
    text = "A,B,C,weight\n1,2,,1\n1,2,,1\n,1,,3\n1,2,,2\n"
    contest = parse_rank_csv(text)
    assert contest.ballots == (Ballot(((0,), (1,)), 4), Ballot(((1,),), 3))
    assert isinstance(contest.ballots, MatrixBallots)  # read as arrays, no quotes
    matrix = contest.extras[MATRIX_KEY]
    assert isinstance(matrix, RankingMatrix)
    assert matrix.ballots is contest.ballots
    assert matrix.rankings() == {(0, 1): 4, (1,): 3}


def test_equal_rankings_keep_their_ballots_merged() -> None:
    contest = parse_rank_csv("A,B,C\n1,1,2\n1,1,2\n")
    assert contest.ballots == (Ballot(((0, 1), (2,)), 2),)
    assert MATRIX_KEY not in contest.extras
