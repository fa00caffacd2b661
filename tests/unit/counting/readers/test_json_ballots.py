"""JSON ballots: parsing, errors that name the JSON path, and round trips."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clearcount.core.errors import InputFormatError
from clearcount.counting.ballots import Ballot, Contest, compress
from clearcount.counting.readers.json_ballots import (
    format_json_ballots,
    parse_json_ballots,
    parse_json_ballots_rows,
)

DOCUMENT = {
    "title": "Branch secretary",
    "seats": 1,
    "candidates": ["Ann Lee", "Bo Chan", "Cy Dunn"],
    "withdrawn": ["Cy Dunn"],
    "ballots": [
        {"ranking": ["Ann Lee", "Bo Chan"], "weight": 3, "id": "p-1"},
        {"ranking": [["Ann Lee", "Bo Chan"], "Cy Dunn"], "id": 17},
        {"ranking": [[], "Bo Chan", []]},
        {"ranking": []},
    ],
}


def test_a_full_document() -> None:
    contest = parse_json_ballots(json.dumps(DOCUMENT), "b.json")
    assert contest.title == "Branch secretary"
    assert contest.withdrawn == frozenset({2})
    assert contest.ballots == (
        Ballot(((0,), (1,)), 3, "p-1"),
        Ballot(((0, 1), (2,)), 1, "17"),
        Ballot(((), (1,))),
        Ballot(()),
    )


def broken(path: list[object], value: object) -> str:
    document = json.loads(json.dumps(DOCUMENT))
    target = document
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return json.dumps(document)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("[1, 2]", "top level: expected a JSON object"),
        (broken(["seats"], 0), "seats: expected a whole number >= 1"),
        (broken(["seats"], True), "seats"),
        (broken(["candidates"], []), "candidates: expected a non-empty list"),
        (
            broken(["candidates", 1], "Ann Lee"),
            r"candidates\[1\]: candidate 'Ann Lee' is listed twice",
        ),
        (broken(["candidates", 1], 5), r"candidates\[1\]: expected a non-empty string"),
        (broken(["withdrawn", 0], "Di Ek"), r"withdrawn\[0\]: unknown candidate 'Di Ek'"),
        (broken(["ballots"], KeyError), "ballots: expected a list"),
        (broken(["ballots", 1], "A"), r"ballots\[1\]: expected an object"),
        (broken(["ballots", 1, "rank"], []), r"ballots\[1\]: unknown key\(s\) \['rank'\]"),
        (broken(["ballots", 1, "ranking"], "Ann Lee"), r"ballots\[1\].ranking: expected a list"),
        (
            broken(["ballots", 1, "ranking", 1], "Zed"),
            r"ballots\[1\].ranking\[1\]: unknown candidate 'Zed'",
        ),
        (
            broken(["ballots", 1, "ranking", 0, 1], 3),
            r"ballots\[1\].ranking\[0\]\[1\]: expected a candidate",
        ),
        (
            broken(["ballots", 1, "ranking", 0, 1], "Ann Lee"),
            r"ranking\[0\]: a candidate is listed twice",
        ),
        (broken(["ballots", 0, "weight"], 1.5), r"ballots\[0\].weight: expected a whole number"),
        (broken(["ballots", 0, "weight"], 0), r"ballots\[0\].weight"),
        (broken(["ballots", 0, "id"], [1]), r"ballots\[0\].id: expected a string"),
        (broken(["title"], 5), "title: expected a string"),
        (broken(["method"], "fptp"), r"top level: unknown key\(s\) \['method'\]"),
    ],
)
def test_errors_name_the_json_path(text: str, match: str) -> None:
    with pytest.raises(InputFormatError, match=match) as caught:
        parse_json_ballots(text, "b.json")
    assert caught.value.source == "b.json"


def test_a_syntax_error_names_the_line() -> None:
    with pytest.raises(InputFormatError, match="not valid JSON") as caught:
        parse_json_ballots('{\n "seats": 1,\n "candidates": [\n}', "b.json")
    assert caught.value.line == 4


names = st.text(min_size=1, max_size=6).filter(str.strip)


@st.composite
def contests(draw: st.DrawFn) -> Contest:
    candidates = tuple(draw(st.lists(names, min_size=1, max_size=5, unique=True)))
    index = st.integers(0, len(candidates) - 1)
    rank = st.lists(index, max_size=3, unique=True).map(tuple)
    ballots = []
    for _ in range(draw(st.integers(0, 8))):
        ranks = draw(st.lists(rank, max_size=5))
        while ranks and not ranks[-1]:
            ranks.pop()
        ballot_id = draw(st.none() | st.text(max_size=5))
        ballots.append(Ballot(tuple(ranks), draw(st.integers(1, 50)), ballot_id))
    return Contest(
        candidates,
        tuple(ballots),
        seats=draw(st.integers(1, 4)),
        withdrawn=draw(st.frozensets(index, max_size=2)),
        title=draw(st.text(max_size=10)),
        source="rt.json",
    )


@given(contests())
def test_round_trip(contest: Contest) -> None:
    text = format_json_ballots(contest)
    assert parse_json_ballots_rows(text, "rt.json") == contest
    if any(b.ballot_id is not None for b in contest.ballots):
        assert parse_json_ballots(text, "rt.json") == contest
    else:  # without ids, the distinct rankings with their total weights
        assert parse_json_ballots(text, "rt.json") == replace(
            contest, ballots=compress(contest.ballots)
        )
