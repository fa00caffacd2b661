import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clearcount.core.errors import ClearcountError, InputFormatError
from clearcount.counting.ballots import Ballot
from clearcount.counting.readers.blt import parse_blt

BASIC = """\
4 2  # candidates seats
-3
12 1 2 4 0
3 2=3 1 0
1 0
0
"Amy Farrow"
"Bex  Oduya"
"Cal Pryor"
"Dee Wren"
"Ashby Vale CLP executive"
"a source line, ignored"
"""


def test_basic_file() -> None:
    contest = parse_blt(BASIC, "basic.blt")
    assert contest.candidates == ("Amy Farrow", "Bex Oduya", "Cal Pryor", "Dee Wren")
    assert contest.seats == 2
    assert contest.withdrawn == frozenset({2})
    assert contest.title == "Ashby Vale CLP executive"
    assert contest.ballots == (
        Ballot(((0,), (1,), (3,)), 12),
        Ballot(((1, 2), (0,)), 3),
        Ballot((), 1),
    )


def test_droop_extensions() -> None:
    text = """3 1
[nick a b c]
[withdrawn c]
[tie b a c]
[undeclared c]
[droop precision=5]
(p1) 2 a - b 0
(p2) 1 b 0
0
Amy Farrow
Bex Oduya
Cal Pryor
Unquoted title
"""
    contest = parse_blt(text, "x.blt")
    assert contest.withdrawn == frozenset({2})
    assert contest.undeclared == frozenset({2})
    assert contest.tie_order == (1, 0, 2)
    assert contest.ballots[0] == Ballot(((0,), (), (1,)), 2, "p1")
    assert contest.candidates[1] == "Bex Oduya"
    assert contest.title == "Unquoted title"
    assert contest.extras == {"blt_options": {"droop": "precision=5"}}


def test_non_ascii_and_quoted_hash() -> None:
    text = '2 1\n1 1 0\n0\n"Cåstor #1"\n"Pøllüx"\n"Title"\n'
    contest = parse_blt(text, "u.blt")
    assert contest.candidates == ("Cåstor #1", "Pøllüx")


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("", None, "file ends early"),
        ("3\n", 1, "candidates seats"),
        ("2 1\n1 1 2\n0\n", 2, "must end with 0"),
        ("2 1\n1 3 0\n0\n", 2, "out of range 1..2"),
        ("2 1\nx 1 0\n0\n", 2, "ballot weight"),
        ("2 1\n[bogus 1]\n0\n", 2, "unknown option [bogus]"),
        ('2 1\n1 1 0\n0\n"A"\n', None, "expected 2 candidate names"),
        ("2 1\n1 1 0\n", 2, "file ends early"),
        ('2 1\n1 1 0\n0\n"A" junk\n"B"\n', 4, "quoted names"),
    ],
)
def test_malformed_files_name_line_and_expectation(
    text: str, line: int | None, fragment: str
) -> None:
    with pytest.raises(InputFormatError) as info:
        parse_blt(text, "bad.blt")
    assert info.value.source == "bad.blt"
    assert info.value.line == line
    assert fragment in str(info.value)


@given(st.text(max_size=200))
def test_arbitrary_text_gives_a_clean_error_or_a_contest(text: str) -> None:
    with contextlib.suppress(ClearcountError):  # anything else fails the test
        parse_blt(text, "fuzz.blt")
