"""The normalised CVR CSV reader: cells, markers, and errors that name file, line and fault."""

import pytest

from clearcount.core.errors import InputFormatError
from clearcount.counting.ballots import OVERVOTE
from clearcount.counting.readers.cvr_csv import (
    UNDECLARED_NAME,
    parse_cvr_csv,
    parse_cvr_csv_rows,
)

HEADER = "ballot_id,precinct,rank1,rank2,rank3\n"


def test_reads_names_skips_overvotes_and_markers() -> None:
    text = HEADER + "1,P1,Ada Moss,Ben Okafor\n2,P2,,Ben Okafor|Ada Moss,#OVERVOTE\n3,,#UWI,,\n"
    contest = parse_cvr_csv_rows(text, "box.csv")
    assert contest.candidates == ("Ada Moss", "Ben Okafor", UNDECLARED_NAME)
    assert contest.undeclared == frozenset({2})
    first, second, third = contest.ballots
    assert first.ranks == ((0,), (1,))
    assert first.ballot_id == "1"
    assert second.ranks == ((), (1, 0), (OVERVOTE,))
    assert third.ranks == ((2,),)  # trailing empty ranks dropped
    assert contest.extras["precincts"] == ("P1", "P2", "")


def test_candidate_list_fixes_order_and_rejects_strangers() -> None:
    text = HEADER + "1,,Ben Okafor,Ada Moss\n"
    contest = parse_cvr_csv(text, "box.csv", candidates=["Ada Moss", "Ben Okafor"])
    assert contest.candidates == ("Ada Moss", "Ben Okafor")
    assert contest.ballots[0].ranks == ((1,), (0,))
    with pytest.raises(InputFormatError, match=r"box\.csv, line 3: unknown candidate 'Cy Dale'"):
        parse_cvr_csv(text + "2,,Cy Dale\n", "box.csv", candidates=["Ada Moss", "Ben Okafor"])


def test_write_ins_are_added_even_with_a_candidate_list() -> None:
    contest = parse_cvr_csv(HEADER + "1,,#UWI\n", "box.csv", candidates=["Ada Moss"])
    assert contest.candidates == ("Ada Moss", UNDECLARED_NAME)
    assert contest.undeclared == frozenset({1})


def test_blank_ballot_has_no_ranks() -> None:
    contest = parse_cvr_csv(HEADER + "1,,,,\n", "box.csv")
    assert contest.ballots[0].ranks == ()
    assert "precincts" not in contest.extras


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty file"),
        ("id,precinct,rank1\n", "line 1: header must be ballot_id,precinct,rank1"),
        (HEADER + "1,,A,B,C,D\n", "line 2: expected at most 5 cells, got 6"),
        (HEADER + ",,A\n", "line 2: ballot_id is empty"),
        (HEADER + "1,,A||B\n", "line 2: cell 'A||B' has an empty name"),
    ],
)
def test_errors_name_the_line_and_the_fault(text: str, message: str) -> None:
    with pytest.raises(InputFormatError, match=message):
        parse_cvr_csv(text, "box.csv")


def test_fast_reader_gives_distinct_rankings_with_their_numbers_of_papers() -> None:
    text = HEADER + "1,P1,Ada Moss,Ben Okafor\n2,P2,Ben Okafor\n3,P1, Ada Moss ,Ben Okafor,\n"
    contest = parse_cvr_csv(text, "box.csv")
    assert [(b.ranks, b.weight, b.ballot_id) for b in contest.ballots] == [
        (((0,), (1,)), 2, None),
        (((1,),), 1, None),
    ]
    assert "precincts" not in contest.extras  # only the row reader keeps them
    assert parse_cvr_csv_rows(text, "box.csv").extras["precincts"] == ("P1", "P2", "P1")
