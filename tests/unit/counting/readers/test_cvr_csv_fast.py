"""The CVR CSV reader that reads each distinct ranking once, against the row reader.

Whatever the file, `parse_cvr_csv` must give what `parse_cvr_csv_rows` gives: the same error, or
the same contest with its papers merged by `ballots.compress` (or outright the same, where it
hands the file to the row reader).
"""

from __future__ import annotations

from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.unit.counting.readers.reading import assert_reads_as

from clearcount.counting.ballots import Ballot
from clearcount.counting.ranking_matrix import MATRIX_KEY, MatrixBallots, RankingMatrix
from clearcount.counting.readers import chunks
from clearcount.counting.readers.cvr_csv import parse_cvr_csv, parse_cvr_csv_rows

CELLS = ("Ann Lee", " Bo Chan ", "Cy Dunn", "Ann Lee|Bo Chan", "#OVERVOTE", "#UWI", "", " ")


@st.composite
def cvr_files(draw: st.DrawFn) -> str:
    width = draw(st.integers(1, 4))
    header = ",".join(["ballot_id", "precinct"] + [f"rank{i}" for i in range(1, width + 1)])
    rows = draw(st.lists(st.lists(st.sampled_from(CELLS), max_size=width), max_size=12))
    precinct = st.sampled_from(["", "P1", "P2"])
    lines = [header] + [",".join([f"b{i}", draw(precinct), *cells]) for i, cells in enumerate(rows)]
    if draw(st.booleans()):
        lines += lines[1:4]  # the same rankings again
    text = draw(st.sampled_from(["\n", "\r\n"])).join(lines) + draw(st.sampled_from(["", "\n"]))
    if draw(st.integers(0, 4)) == 0:  # break something
        at = draw(st.integers(0, len(text) - 1))
        bad = draw(st.sampled_from(["", ",", '"', "|", "\r", "\n", "x", "\n\n"]))
        text = text[:at] + bad + text[at + 1 :]
    return text


@settings(max_examples=300, deadline=None)  # the first example imports NumPy
@given(cvr_files(), st.booleans(), st.sampled_from([1 << 22, 9]))
def test_reading_distinct_rankings_once_matches_the_row_reader(
    text: str, fixed: bool, chunk: int
) -> None:
    names = ["Ann Lee", "Bo Chan", "Cy Dunn"] if fixed else None
    with patch.object(chunks, "CHUNK_BYTES", chunk), patch.object(chunks, "MERGE_ROWS", 2):
        assert_reads_as(
            lambda t, s: parse_cvr_csv(t, s, names),
            lambda t, s: parse_cvr_csv_rows(t, s, names),
            text,
            keeps_ids=False,  # ids and precincts: only the row reader keeps them
        )


def test_plain_rankings_go_straight_into_the_ranking_matrix() -> None:
    text = "ballot_id,precinct,rank1,rank2\nb1,P1,Ann,Bo\nb2,,Bo,\nb3,P2,Ann,Bo\n"
    contest = parse_cvr_csv(text, "plain.csv")
    assert isinstance(contest.ballots, MatrixBallots)
    assert tuple(contest.ballots) == (Ballot(((0,), (1,)), 2), Ballot(((1,),), 1))
    matrix = contest.extras[MATRIX_KEY]
    assert isinstance(matrix, RankingMatrix)
    assert matrix.ballots is contest.ballots
    assert matrix.rankings() == {(0, 1): 2, (1,): 1}


def test_overvotes_and_skips_keep_their_ballots_merged() -> None:
    text = "ballot_id,precinct,rank1,rank2\nb1,,Ann|Bo,\nb2,,,Bo\nb3,,Ann|Bo,\n"
    contest = parse_cvr_csv(text, "marks.csv")
    assert contest.ballots == (Ballot(((0, 1),), 2), Ballot(((), (1,)), 1))
    assert MATRIX_KEY not in contest.extras


@pytest.mark.parametrize("chunk", [7, 64, 1 << 22])
def test_chunks_and_long_cells_read_the_same(chunk: int) -> None:
    long_name = "Ann " + "x" * 300  # past 8x the mean cell: looked up on its own
    first = [long_name if i % 10 == 0 else ["Bo", "Cy"][i % 2] for i in range(200)]
    rows = [f"b{i},P,{name},{['Dee', ''][i % 2]}" for i, name in enumerate(first)]
    text = "ballot_id,precinct,rank1,rank2\n" + "\n".join(rows) + "\n"
    with patch.object(chunks, "CHUNK_BYTES", chunk), patch.object(chunks, "MERGE_ROWS", 2):
        assert_reads_as(parse_cvr_csv, parse_cvr_csv_rows, text, keeps_ids=False)
        assert isinstance(parse_cvr_csv(text, "long.csv").ballots, MatrixBallots)
