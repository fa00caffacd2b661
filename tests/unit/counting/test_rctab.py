"""`rctab`: reading RCTab configs, and each winner-election mode on hand-checkable boxes."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest

from clearcount.core.errors import ConfigError, TieUnresolvedError
from clearcount.counting import rctab, registry
from clearcount.counting.ballots import Ballot, Contest

NAMES = ("Ada Moss", "Ben Okafor", "Cara Lund")


def box(*groups: tuple[int, tuple[int, ...]], names: tuple[str, ...] = NAMES) -> Contest:
    return Contest(names, tuple(Ballot.of(*r) for n, r in groups for _ in range(n)))


def config(**rules: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "tiebreakMode": "useCandidateOrder",
        "overvoteRule": "exhaustImmediately",
        "winnerElectionMode": "singleWinnerMajority",
        "numberOfWinners": "1",
        "decimalPlacesForVoteArithmetic": "4",
        "maxSkippedRanksAllowed": "1",
        "maxRankingsAllowed": "max",
        "randomSeed": "",
    }
    base.update(rules)
    return {"rules": base, "candidates": [{"name": n, "excluded": False} for n in NAMES]}


def test_whole_config_and_flat_rules_agree() -> None:
    contest = box((4, (0, 1)), (3, (1,)), (2, (2, 1)))
    whole = rctab.count(contest, config())
    flat_options = {**config()["rules"], "candidates": config()["candidates"]}
    flat = rctab.count(contest, flat_options)
    assert whole.elected == flat.elected == ("Ben Okafor",)
    assert [s.tallies for s in whole.stages] == [s.tallies for s in flat.stages]
    assert registry.count("rctab", contest, config()).elected == ("Ben Okafor",)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"overvoteRules": "x"}, "unknown option"),
        ({"winnerElectionMode": "sometimes"}, "must be one of"),
        ({"numberOfWinners": "0"}, "numberOfWinners is 0"),
        ({"tiebreakMode": "random"}, "needs rules.randomSeed"),
        ({"decimalPlacesForVoteArithmetic": "30"}, "1 to 20"),
        ({"maxSkippedRanksAllowed": "lots"}, "integer or 'unlimited'"),
        (
            {"winnerElectionMode": "bottomsUpUsingPercentageThreshold", "numberOfWinners": "0"},
            "PercentageThreshold",
        ),
    ],
)
def test_config_errors_name_the_key(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        rctab.count(box((1, (0,))), config(**change))


def test_ballots_naming_a_stranger_are_refused() -> None:
    contest = box((1, (3,)), names=(*NAMES, "Dev Rao"))
    with pytest.raises(ConfigError, match="'Dev Rao', who is not among"):
        rctab.count(contest, config())


def test_excluded_candidates_and_codes() -> None:
    options = config()
    options["candidates"][2] = {"name": "Cara Lund", "code": "CL", "excluded": True}
    contest = box((2, (0,)), (2, (2, 1)), (1, (1,)), names=("Ada Moss", "Ben Okafor", "CL"))
    result = rctab.count(contest, options)
    assert "Cara Lund" not in result.stages[0].tallies
    assert result.stages[0].tallies["Ben Okafor"] == 3
    assert result.elected == ("Ben Okafor",)


def test_write_in_label_makes_a_write_in_candidate() -> None:
    options = config()
    options["cvrFileSources"] = [{"undeclaredWriteInLabel": "UWI"}]
    result = rctab.count(box((3, (0,)), (1, (1,))), options)
    assert result.stages[0].tallies["Undeclared Write-ins"] == 0


def test_multi_seat_surplus_is_truncated_per_paper() -> None:
    # quota floor(11/3)+1 = 4; Ada's surplus fraction trunc4(2/6) = 0.3333 per paper
    contest = box((6, (0, 1)), (2, (1,)), (3, (2,)))
    options = config(
        winnerElectionMode="multiWinnerAllowMultipleWinnersPerRound", numberOfWinners="2"
    )
    result = rctab.count(contest, options)
    r1, r2, r3, r4 = result.stages
    assert r1.quota == 4
    assert r1.elected == ("Ada Moss",)
    assert r2.tallies == {"Ada Moss": 4, "Ben Okafor": Fraction("3.9998"), "Cara Lund": 3}
    assert r2.non_transferable == Fraction("0.0002")  # residual surplus
    assert r2.excluded == ("Cara Lund",)
    assert r3.elected == ("Ben Okafor",)  # the only one left for the last seat
    assert r3.inactive["exhaustedChoices"] == 3
    assert r4.inactive["finalRoundSurplus"] == 0
    assert result.elected == ("Ada Moss", "Ben Okafor")
    assert all(s.accounted == 11 for s in result.stages)


def test_bottoms_up_eliminates_down_to_the_seats() -> None:
    contest = box((4, (0,)), (3, (1,)), (2, (2, 0)))
    result = rctab.count(contest, config(winnerElectionMode="bottomsUp", numberOfWinners="2"))
    assert result.elected == ("Ada Moss", "Ben Okafor")
    assert result.stages[-1].tallies == {"Ada Moss": 6, "Ben Okafor": 3}


def test_bottoms_up_by_share() -> None:
    contest = box((5, (0,)), (3, (1,)), (1, (2, 1)))
    options = config(
        winnerElectionMode="bottomsUpUsingPercentageThreshold",
        numberOfWinners="0",
        multiSeatBottomsUpPercentageThreshold="20",
    )
    result = rctab.count(contest, options)
    assert result.stages[0].quota == Fraction(9, 5)
    assert result.elected == ("Ada Moss", "Ben Okafor")


def test_multi_pass_excludes_earlier_winners() -> None:
    contest = box((5, (0, 1)), (3, (1,)), (2, (2, 1)))
    result = rctab.count(contest, config(winnerElectionMode="multiPassIrv", numberOfWinners="2"))
    assert result.elected == ("Ada Moss", "Ben Okafor")
    first, second = result.outcome["passes"]  # type: ignore[misc]
    assert first == (1, 2)
    assert "Ada Moss" not in result.stages[second[0] - 1].tallies


def test_random_tie_break_records_the_seed() -> None:
    contest = box((2, (0,)), (2, (1,)), (3, (2,)))
    result = rctab.count(contest, config(tiebreakMode="random", randomSeed="1"))
    (tie,) = result.tie_breaks
    assert tie.method == "java.util.Random"
    assert tie.seed == "1"


def test_previous_rounds_then_ask_stops_the_count() -> None:
    contest = box((2, (0,)), (2, (1,)), (3, (2,)))
    with pytest.raises(TieUnresolvedError, match="Ada Moss, Ben Okafor"):
        rctab.count(contest, config(tiebreakMode="previousRoundCountsThenAsk"))
