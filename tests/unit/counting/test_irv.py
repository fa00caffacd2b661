"""`irv` options one by one: each test is small enough to check by hand."""

from __future__ import annotations

from fractions import Fraction

import pytest

from clearcount.core.errors import ConfigError, CountingError, TieUnresolvedError
from clearcount.counting import irv, registry
from clearcount.counting.ballots import OVERVOTE, Ballot, Contest

NAMES = ("Ada Moss", "Ben Okafor", "Cara Lund", "Dev Rao")


def contest(*ballots: Ballot, names: tuple[str, ...] = NAMES, **kw: object) -> Contest:
    return Contest(names, tuple(ballots), **kw)  # type: ignore[arg-type]


def plain(n: int, *ranking: int) -> list[Ballot]:
    return [Ballot.of(*ranking) for _ in range(n)]


def ranks(n: int, *cells: tuple[int, ...]) -> list[Ballot]:
    return [Ballot(tuple(cells)) for _ in range(n)]


def test_registry_finds_irv() -> None:
    box = contest(*plain(2, 0), *plain(1, 1))
    assert registry.count("irv", box).elected == ("Ada Moss",)


def test_first_round_majority_ends_the_count() -> None:
    result = irv.count(contest(*plain(3, 0), *plain(1, 1), *plain(1, 2)))
    assert result.elected == ("Ada Moss",)
    assert len(result.stages) == 1
    assert result.stages[0].quota == 3
    assert result.method == "irv"


def test_lowest_is_eliminated_and_papers_move_on() -> None:
    box = contest(*plain(4, 0), *plain(3, 1, 0), *plain(2, 2, 1), *plain(1, 3, 2))
    result = irv.count(box)
    assert [s.excluded for s in result.stages[:-1]] == [("Dev Rao",), ("Cara Lund",)]
    assert result.elected == ("Ben Okafor",)
    assert result.stages[-1].tallies == {"Ada Moss": 4, "Ben Okafor": 5}


@pytest.mark.parametrize(
    ("options", "winner", "reason"),
    [
        ({}, "Ada Moss", "overvotes"),
        ({"overvote": "skip"}, "Ben Okafor", None),
        ({"overvote": "exhaust_if_multiple"}, "Ben Okafor", None),
    ],
)
def test_overvote_rules(options: dict[str, object], winner: str, reason: str | None) -> None:
    # Cara's 3 papers: Cara, then Ben and Dev at one rank, then Ben.
    # Dev (1 paper) goes first, so at the overvote only Ben is still continuing.
    box = contest(*plain(5, 0), *plain(4, 1), *ranks(3, (2,), (1, 3), (1,)), *plain(1, 3))
    result = irv.count(box, options)
    assert result.elected == (winner,)
    if reason:
        assert result.stages[-1].inactive[reason] == 3


def test_exhaust_if_multiple_exhausts_with_two_continuing() -> None:
    box = contest(*plain(4, 0), *plain(3, 1), *ranks(2, (2,), (0, 1)), *plain(3, 3))
    result = irv.count(box, {"overvote": "exhaust_if_multiple"})
    cara_out = next(s for s in result.stages if "Cara Lund" in s.excluded)
    after = result.stages[cara_out.number]
    assert after.inactive["overvotes"] == 2


def test_explicit_overvote_mark_cannot_use_exhaust_if_multiple() -> None:
    box = contest(*plain(2, 0), *ranks(1, (OVERVOTE,), (1,)))
    with pytest.raises(ConfigError, match="explicit overvote"):
        irv.count(box, {"overvote": "exhaust_if_multiple"})
    assert irv.count(box, {"overvote": "skip"}).stages[0].tallies["Ben Okafor"] == 1
    assert irv.count(box).stages[0].inactive["overvotes"] == 1


@pytest.mark.parametrize(("limit", "counted"), [("unlimited", 1), (2, 1), (1, 0), (0, 0)])
def test_max_skipped_ranks(limit: object, counted: int) -> None:
    # first preference after two blank ranks: a gap of 3 from "rank 0"
    box = contest(*plain(2, 0), Ballot(((), (), (1,))))
    result = irv.count(box, {"max_skipped_ranks": limit})
    stage = result.stages[0]
    assert stage.tallies["Ben Okafor"] == counted
    assert stage.inactive["skippedRankings"] == 1 - counted


def test_duplicates_pass_over_or_exhaust() -> None:
    box = contest(*plain(3, 0), *plain(2, 1), *plain(2, 2, 2, 1))
    passed = irv.count(box)
    assert passed.elected == ("Ben Okafor",)
    stopped = irv.count(box, {"exhaust_on_duplicate": True})
    assert stopped.elected == ("Ada Moss",)
    assert stopped.stages[-1].inactive["repeatedRankings"] == 2


def test_batch_elimination_removes_hopeless_candidates_together() -> None:
    box = contest(*plain(10, 0), *plain(8, 1), *plain(2, 2), *plain(1, 3))
    result = irv.count(box, {"batch_elimination": True})
    assert set(result.stages[0].excluded) == {"Cara Lund", "Dev Rao"}
    single = irv.count(box)
    assert single.stages[0].excluded == ("Dev Rao",)
    assert result.elected == single.elected


def test_continue_until_two_reports_the_final_pair() -> None:
    box = contest(*plain(6, 0), *plain(3, 1), *plain(2, 2))
    result = irv.count(box, {"continue_until_two": True})
    assert result.elected == ("Ada Moss",)
    assert list(result.stages[-1].tallies) == ["Ada Moss", "Ben Okafor"]
    assert result.stages[0].elected == ("Ada Moss",)
    assert result.stages[-1].quota == result.stages[0].quota  # frozen once a winner is found


def test_first_round_threshold_is_kept() -> None:
    box = contest(*plain(4, 0), *plain(3, 1), *plain(2, 2), *plain(2, 3))
    result = irv.count(box, {"first_round_threshold": True})
    assert {s.quota for s in result.stages} == {Fraction(6)}


def test_minimum_vote_threshold_drops_everyone_below() -> None:
    box = contest(*plain(5, 0), *plain(4, 1), *plain(1, 2), *plain(1, 3))
    result = irv.count(box, {"minimum_vote_threshold": 2})
    assert set(result.stages[0].excluded) == {"Cara Lund", "Dev Rao"}


def test_stop_after_round() -> None:
    box = contest(*plain(4, 0), *plain(3, 1), *plain(2, 2), *plain(1, 3))
    result = irv.count(box, {"stop_after_round": 1})
    assert len(result.stages) == 1
    assert result.elected == ()


def test_tie_by_history_then_seeded_lot_is_recorded() -> None:
    box = contest(*plain(2, 0), *plain(2, 1), *plain(3, 2), names=NAMES[:3])
    result = irv.count(box, {"seed": "published-seed"})
    (tie,) = result.tie_breaks
    assert tie.method == "seeded draw"
    assert tie.seed == "published-seed"
    assert set(tie.tied) == {"Ada Moss", "Ben Okafor"}
    assert result.stages[0].excluded == tie.chosen
    again = irv.count(box, {"seed": "published-seed"})
    assert again.tie_breaks == result.tie_breaks


def test_lot_without_seed_uses_the_contest_seed() -> None:
    box = contest(*plain(2, 0), *plain(2, 1), *plain(3, 2), names=NAMES[:3])
    tie = irv.count(box).tie_breaks[0]
    assert tie.seed is not None
    assert len(tie.seed) == 32


def test_tie_by_history_uses_the_previous_round() -> None:
    # round 1: Dev out; round 2: Ada and Ben tie at 3, Ben was lower in round 1
    box = contest(*plain(3, 0), *plain(2, 1), *plain(1, 3, 1), *plain(4, 2))
    result = irv.count(box)
    assert result.stages[1].excluded == ("Ben Okafor",)
    assert result.tie_breaks[0].method == "history (most recent stage)"


def test_candidate_order_and_ask_modes() -> None:
    box = contest(*plain(2, 0), *plain(2, 1), *plain(3, 2), names=NAMES[:3])
    ordered = irv.count(box, {"tie_break": "candidate_order"})
    assert ordered.stages[0].excluded == ("Ben Okafor",)  # the later-listed loses
    with pytest.raises(TieUnresolvedError, match="Ada Moss, Ben Okafor"):
        irv.count(box, {"tie_break": "ask"})


def test_java_random_tie_needs_a_seed() -> None:
    box = contest(*plain(2, 0), *plain(2, 1), *plain(3, 2), names=NAMES[:3])
    with pytest.raises(ConfigError, match="seed"):
        irv.count(box, {"tie_break": "random"})
    result = irv.count(box, {"tie_break": "random", "seed": 1})
    assert result.tie_breaks[0].method == "java.util.Random"


def test_weights_count_as_papers() -> None:
    box = contest(Ballot.of(0, weight=40), Ballot.of(1, weight=35), Ballot.of(2, 1, weight=30))
    result = irv.count(box)
    assert result.valid_votes == 105
    assert result.stages[-1].tallies == {"Ada Moss": 40, "Ben Okafor": 65}


def test_withdrawn_and_write_ins() -> None:
    box = contest(
        *plain(3, 0),
        *plain(2, 1),
        *plain(2, 3, 1),
        withdrawn=frozenset({2}),
        undeclared=frozenset({3}),
    )
    result = irv.count(box)
    assert "Cara Lund" not in result.stages[0].tallies
    assert result.stages[0].excluded == ("Dev Rao",)
    assert result.elected == ("Ben Okafor",)


def test_blank_papers_are_undervotes() -> None:
    box = contest(*plain(2, 0), Ballot(()), Ballot(((),)))
    stage = irv.count(box).stages[0]
    assert stage.inactive["undervotes"] == 2
    assert stage.accounted == 4


def test_bad_options_and_seats() -> None:
    box = contest(*plain(1, 0))
    with pytest.raises(ConfigError, match="unknown option"):
        irv.count(box, {"overvotes": "skip"})
    with pytest.raises(ConfigError, match="must be one of"):
        irv.count(box, {"overvote": "sometimes"})
    with pytest.raises(ConfigError, match="2 seats"):
        irv.count(Contest(NAMES, box.ballots, seats=2))


def test_negative_weight_is_refused() -> None:
    with pytest.raises(CountingError, match="negative weight"):
        irv.count(contest(Ballot.of(0, weight=-1)))
