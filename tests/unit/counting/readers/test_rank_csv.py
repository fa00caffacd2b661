"""Plain CSV rankings in both layouts: parsing, every malformed input, and round trips."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clearcount.core.errors import InputFormatError
from clearcount.counting.ballots import Ballot, Contest, compress
from clearcount.counting.readers.rank_csv import (
    format_rank_csv,
    parse_rank_csv,
    parse_rank_csv_rows,
)


def test_by_candidate_layout_with_equal_ranks_gaps_weights_and_ids() -> None:
    text = (
        "\ufeffballot_id,Ann Lee,Bo Chan,Cy Dunn,Weight\n"
        "p-1,1,2,,3\n"
        "p-2, 1 ,1,2,1\n"
        "p-3,,3,1,2\n"
        ",,,,1\n"
    )
    contest = parse_rank_csv(text, "branch.csv", seats=2)
    assert contest.candidates == ("Ann Lee", "Bo Chan", "Cy Dunn")
    assert contest.seats == 2
    assert contest.source == "branch.csv"
    assert contest.ballots == (
        Ballot(((0,), (1,)), 3, "p-1"),
        Ballot(((0, 1), (2,)), 1, "p-2"),
        Ballot(((2,), (), (1,)), 2, "p-3"),
        Ballot((), 1, None),
    )


def test_by_rank_layout_takes_candidates_in_order_of_appearance_or_as_given() -> None:
    text = "rank1,rank2,rank3\nBo Chan,Ann Lee,\n,Cy Dunn,\n\n"
    contest = parse_rank_csv(text, "r.csv")
    assert contest.candidates == ("Bo Chan", "Ann Lee", "Cy Dunn")
    assert contest.ballots == (Ballot.of(0, 1), Ballot(((), (2,))))
    listed = parse_rank_csv(text, "r.csv", candidates=["Ann Lee", "Bo Chan", "Cy Dunn", "Di Ek"])
    assert listed.candidates[3] == "Di Ek"
    assert listed.ballots[0] == Ballot.of(1, 0)


@pytest.mark.parametrize(
    ("text", "line", "match"),
    [
        ("", None, "empty file"),
        ("A,,B\n1,2,3\n", 1, "column 2 is empty"),
        ("A,B,A\n", 1, "twice"),
        ("weight,ballot_id\n", 1, "no candidate"),
        ("A,Weight,weight\n", 1, "two 'weight'"),
        ("rank1,rank3\nA,B\n", 1, "rank1, rank2"),
        ("A,B\n1,2\n1\n", 3, "expected 2 cells"),
        ("A,B\n1,x\n", 2, "B: expected a rank number"),
        ("A,B\n1,0\n", 2, "B: expected a rank number"),
        ("A,B,weight\n1,2,\n", 2, "weight: expected a whole number"),
        ("A,B,weight\n\n1,2,-3\n", 3, "weight"),
        ('A,B\n1,"2\n', 2, "malformed CSV"),
        ("rank1\n\n", None, "no candidate is named"),
    ],
)
def test_malformed_input_names_source_line_and_expectation(
    text: str, line: int | None, match: str
) -> None:
    with pytest.raises(InputFormatError, match=match) as caught:
        parse_rank_csv(text, "bad.csv")
    assert caught.value.source == "bad.csv"
    assert caught.value.line == line


def test_an_unlisted_name_in_the_by_rank_layout_is_refused() -> None:
    with pytest.raises(InputFormatError, match="rank2: unknown candidate 'Zed'") as caught:
        parse_rank_csv("rank1,rank2\nA,Zed\n", "r.csv", candidates=["A", "B"])
    assert caught.value.line == 2


def test_a_quoted_multi_line_cell_reports_the_line_its_record_starts_on() -> None:
    with pytest.raises(InputFormatError) as caught:
        parse_rank_csv('rank1,rank2\nA,"B\nC"\nD,x,y\n', "m.csv")
    assert caught.value.line == 4


names = (
    st.text(st.characters(codec="utf-8", categories=("L", "N", "Zs", "P")), min_size=1, max_size=8)
    .map(str.strip)
    .filter(
        lambda n: (
            bool(n)
            and n.lower() not in ("weight", "ballot_id")
            and not n.lower().startswith("rank")
        )
    )
)


@st.composite
def contests(draw: st.DrawFn, equal_ranks: bool) -> Contest:
    candidates = tuple(draw(st.lists(names, min_size=1, max_size=5, unique=True)))
    n = len(candidates)
    ballots = []
    for _ in range(draw(st.integers(0, 8))):
        order = draw(st.permutations(range(n)))[: draw(st.integers(0, n))]
        ranks: list[tuple[int, ...]] = []
        for candidate in order:
            kind = draw(
                st.sampled_from(["new", "skip", "equal"] if equal_ranks else ["new", "skip"])
            )
            if kind == "equal" and ranks and ranks[-1]:
                ranks[-1] = tuple(sorted((*ranks[-1], candidate)))  # the layout sorts them
            else:
                ranks += [()] if kind == "skip" else []
                ranks.append((candidate,))
        weight = draw(st.integers(1, 9))
        ballot_id = draw(st.none() | names)
        ballots.append(Ballot(tuple(ranks), weight, ballot_id))
    return Contest(candidates, tuple(ballots), seats=draw(st.integers(1, 3)), source="rt.csv")


@given(contests(equal_ranks=True))
def test_by_candidate_round_trip(contest: Contest) -> None:
    text = format_rank_csv(contest)
    assert parse_rank_csv_rows(text, "rt.csv", contest.seats) == contest
    assert parse_rank_csv(text, "rt.csv", contest.seats) == _merged(contest)


@given(contests(equal_ranks=False))
def test_by_rank_round_trip(contest: Contest) -> None:
    if not any(b.ranks for b in contest.ballots):
        return  # the by-rank layout names candidates only through the ballots
    text = format_rank_csv(contest, "by-rank")
    parsed = parse_rank_csv_rows(text, "rt.csv", contest.seats, candidates=contest.candidates)
    assert parsed == contest
    merged = parse_rank_csv(text, "rt.csv", contest.seats, candidates=contest.candidates)
    assert merged == _merged(contest)


def _merged(contest: Contest) -> Contest:
    """What `parse_rank_csv` reads: the papers merged when no paper has an id."""
    if any(b.ballot_id is not None for b in contest.ballots):
        return contest
    return dataclasses.replace(contest, ballots=compress(contest.ballots))
