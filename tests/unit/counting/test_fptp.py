"""First past the post (counting.md §1): one mark per paper, ties by seeded lot or reported."""

from __future__ import annotations

import pytest

from clearcount.core.errors import ConfigError
from clearcount.counting import fptp, plurality
from clearcount.counting.ballots import Ballot, Contest
from clearcount.counting.ties import contest_seed, draw_order

NAMES = ("Hazel Okafor", "Idris Penhallow", "Jun Sato")


def contest(*ballots: Ballot, **kwargs: object) -> Contest:
    return Contest(NAMES, ballots, **kwargs)  # type: ignore[arg-type]


def test_most_votes_wins_and_papers_are_sorted() -> None:
    result = fptp.count(
        contest(
            Ballot.of(0, weight=5),
            Ballot.of(1, weight=3),
            Ballot.of(1, 2),  # a ranking is two marks: invalid for FPTP
            Ballot(((), ())),  # blank
        )
    )
    assert result.elected == ("Hazel Okafor",)
    assert dict(result.stages[0].tallies) == {
        "Hazel Okafor": 5,
        "Idris Penhallow": 3,
        "Jun Sato": 0,
    }
    assert result.valid_votes == 8
    assert result.invalid_ballots == 1
    assert result.outcome["invalid_reasons"] == {"overvote": 1}
    assert (result.outcome["blank_papers"], result.outcome["papers"]) == (1, 10)
    assert result.tie_breaks == ()


def test_a_mark_for_a_withdrawn_candidate_is_invalid_unless_ignored() -> None:
    ballots = (Ballot.of(2, weight=4), Ballot.of(0, weight=3), Ballot.of(1))
    withdrawn = contest(*ballots, withdrawn=frozenset({2}))
    result = fptp.count(withdrawn)
    assert result.elected == ("Hazel Okafor",)
    assert result.outcome["invalid_reasons"] == {"withdrawn candidate": 4}
    assert "Jun Sato" not in result.stages[0].tallies
    ignored = fptp.count(withdrawn, {"withdrawn_marks": "ignore"})
    assert ignored.outcome["blank_papers"] == 4
    assert ignored.invalid_ballots == 0


def test_an_undeclared_write_in_is_tallied_but_never_elected() -> None:
    result = fptp.count(
        contest(Ballot.of(2, weight=9), Ballot.of(0, weight=2), undeclared=frozenset({2}))
    )
    assert result.elected == ("Hazel Okafor",)
    assert result.stages[0].tallies["Jun Sato"] == 9


def test_a_tie_is_settled_by_the_seeded_lot_and_recorded() -> None:
    tied = contest(Ballot.of(0, weight=2), Ballot.of(1, weight=2), Ballot.of(2))
    result = fptp.count(tied, {"seed": "ashby-vale-2026"})
    winner = draw_order(NAMES[:2], "ashby-vale-2026", 1, "election")[0]
    assert result.elected == (winner,)
    (tie,) = result.tie_breaks
    assert (tie.method, tie.seed, tie.tied) == ("seeded draw", "ashby-vale-2026", NAMES[:2])
    assert result.options["seed"] == "ashby-vale-2026"
    assert fptp.count(tied, {"seed": "ashby-vale-2026"}) == result


def test_without_a_seed_option_the_contest_seed_is_used() -> None:
    tied = contest(Ballot.of(0), Ballot.of(1))
    result = fptp.count(tied)
    assert result.tie_breaks[0].seed == contest_seed(tied)


def test_the_contest_seed_is_not_computed_without_a_tie(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(_: Contest) -> str:
        raise AssertionError("contest_seed hashes every ballot: only when a draw is needed")

    monkeypatch.setattr(plurality, "contest_seed", refuse)
    result = fptp.count(contest(Ballot.of(0, weight=2), Ballot.of(1)))
    assert result.options["seed"] is None


def test_a_reported_tie_elects_nobody() -> None:
    result = fptp.count(contest(Ballot.of(0), Ballot.of(1)), {"tie_break": "report"})
    assert result.elected == ()
    assert result.outcome["tie"] == {"tied": list(NAMES[:2]), "votes": 1, "places": 1}
    assert result.outcome["unfilled_seats"] == 1


def test_more_than_one_seat_is_refused() -> None:
    with pytest.raises(ConfigError, match="block"):
        fptp.count(contest(Ballot.of(0), seats=2))


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"max_approvals": 2}, "unknown option"),
        ({"tie_break": "coin"}, "tie_break"),
        ({"seed": 7}, "seed"),
        ({"withdrawn_marks": "count"}, "withdrawn_marks"),
    ],
)
def test_bad_options_are_config_errors(options: dict[str, object], match: str) -> None:
    with pytest.raises(ConfigError, match=match):
        fptp.count(contest(Ballot.of(0)), options)
