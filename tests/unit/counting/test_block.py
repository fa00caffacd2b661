"""Block vote (counting.md §1): up to `seats` marks a paper, the top `seats` win."""

from __future__ import annotations

import pytest

from clearcount.core.errors import ConfigError
from clearcount.counting import block
from clearcount.counting.ballots import Ballot, Contest

NAMES = ("Kit Arundel", "Lola Mbeki", "Mo Farrant", "Nell Quist")


def contest(*ballots: Ballot, seats: int = 2) -> Contest:
    return Contest(NAMES, ballots, seats=seats)


def test_top_seats_win_and_order_of_marks_is_irrelevant() -> None:
    result = block.count(
        contest(Ballot.of(0, 1, weight=3), Ballot.of(1, 0), Ballot.of(2, weight=3))
    )
    assert result.elected == ("Kit Arundel", "Lola Mbeki")
    assert dict(result.stages[0].tallies) == {
        "Kit Arundel": 4,
        "Lola Mbeki": 4,
        "Mo Farrant": 3,
        "Nell Quist": 0,
    }
    assert result.valid_votes == 11
    assert result.outcome["valid_papers"] == 7


def test_more_marks_than_seats_is_an_overvote() -> None:
    result = block.count(contest(Ballot.of(0, 1, 2), Ballot.of(3)))
    assert result.outcome["invalid_reasons"] == {"overvote": 1}
    assert result.elected[0] == "Nell Quist"


def test_fewer_marks_are_valid_unless_allow_fewer_is_false() -> None:
    plumped = contest(Ballot.of(2, weight=2), Ballot.of(0, 1))
    assert block.count(plumped).outcome["valid_papers"] == 3
    strict = block.count(plumped, {"allow_fewer": False})
    assert strict.outcome["invalid_reasons"] == {"too few marks": 2}
    assert strict.options["allow_fewer"] is False


def test_a_tie_for_the_last_seat_is_reported_with_the_certain_winner_elected() -> None:
    result = block.count(
        contest(Ballot.of(0, 1, weight=2), Ballot.of(0, 2, weight=2)), {"tie_break": "report"}
    )
    assert result.elected == ("Kit Arundel",)
    assert result.outcome["tie"] == {"tied": ["Lola Mbeki", "Mo Farrant"], "votes": 2, "places": 1}
    assert result.outcome["unfilled_seats"] == 1


def test_allow_fewer_must_be_a_boolean() -> None:
    with pytest.raises(ConfigError, match="allow_fewer"):
        block.count(contest(Ballot.of(0)), {"allow_fewer": "yes"})
