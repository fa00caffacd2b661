"""The vectorised `stv-scottish` (ranking matrix + `matrix_gregory.MatrixPapers`) against the
reference papers: equal Results (every stage, transfer, non-transferable figure, election,
exclusion, tie-break) or the same error, on random contests, the golden folders and the Droop
Scottish peer cases."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.peer.peer_cases import PEER_ROOT, peer_params
from tests.strategies import contests
from tests.unit.counting import matrix_equivalence

from clearcount.counting import stv_scottish
from clearcount.counting.ballots import Ballot, Contest
from clearcount.counting.numbers import decimal_text
from clearcount.counting.ranking_matrix import attach
from clearcount.counting.readers.blt import parse_blt
from clearcount.counting.result import Result

Options = dict[str, object]
B = Ballot.of
GOLDEN = Path(__file__).resolve().parents[2] / "golden" / "stv-scottish"


def fast(contest: Contest, options: Options | None = None) -> Result:
    return matrix_equivalence.fast(stv_scottish, contest, options)


def assert_same(contest: Contest, options: Options | None = None) -> Result | None:
    return matrix_equivalence.assert_same(stv_scottish, contest, options)


LOT = st.sampled_from([{}, {"seed": "published"}, {"lot": "tie-order"}, {"lot": "auto"}])


@settings(max_examples=400, deadline=None)
@given(
    contests(max_candidates=7, max_seats=4, max_ballots=30, withdrawn=True, undeclared=True),
    LOT,
)
def test_random_contests_count_the_same(contest: Contest, options: Options) -> None:
    """Ties (small weights make many), exhaustion, withdrawn candidates, write-ins, seats >=
    candidates, surpluses of papers at several values."""
    assert_same(contest, options)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(1, 2**40), min_size=4, max_size=4), st.integers(1, 3))
def test_huge_weights_stay_exact(weights: list[int], seats: int) -> None:
    papers = (
        B(0, 1, 2, weight=weights[0]),
        B(1, 0, 3, weight=weights[1]),
        B(2, 3, weight=weights[2]),
        B(3, 1, weight=weights[3]),
    )
    assert_same(Contest(("Ann", "Ben", "Cat", "Dan"), papers, seats=seats))


def _party_election(seed: int, papers: int, n: int, seats: int) -> Contest:
    """Party blocs, so surpluses move papers already transferred (several value groups)."""
    rng = random.Random(seed)
    parties = [list(range(p, n, 3)) for p in range(3)]
    ballots = []
    for _ in range(papers):
        own = rng.choices(parties, weights=(5, 3, 2))[0]
        ranking = rng.sample(own, len(own))
        if rng.random() < 0.6:  # the party's list leader first
            ranking.remove(own[0])
            ranking.insert(0, own[0])
        others = [c for c in range(n) if c not in own]
        ranking += rng.sample(others, rng.randint(0, len(others)))
        ballots.append(B(*ranking[: rng.randint(1, n)], weight=rng.choice((1, 1, 1, 3))))
    names = tuple(f"Candidate {i}" for i in range(n))
    return attach(Contest(names, tuple(ballots), seats=seats))


@pytest.mark.parametrize(("seed", "seats"), [(1, 3), (2, 5), (3, 7)])
def test_large_party_elections_count_the_same(seed: int, seats: int) -> None:
    result = assert_same(_party_election(seed, 4000, 14, seats))
    assert result is not None
    assert any(s.action.startswith("surplus") for s in result.stages[1:])
    assert len(result.elected) == seats


def test_surplus_of_papers_at_two_values() -> None:
    """The hand-worked case of test_stv_scottish: Ben's papers at 1 and at 0.56666."""
    contest = Contest(
        ("Ann", "Ben", "Cat", "Dan", "Eve"),
        (
            B(0, 1, 2, weight=60),
            B(1, 3, weight=20),
            B(2, weight=10),
            B(3, weight=6),
            B(4, weight=4),
        ),
        seats=3,
    )
    result = assert_same(contest)
    assert result is not None
    assert result.stages[2].non_transferable == Fraction("0.00060")


def test_all_withdrawn_papers_are_invalid_the_same() -> None:
    contest = Contest(
        ("Ann", "Ben", "Cat"),
        (B(2, weight=3), B(2, 0, weight=2), B(weight=4), B(1, 0, weight=5)),
        seats=1,
        withdrawn=frozenset({2}),
    )
    result = assert_same(contest)
    assert result is not None
    assert result.invalid_ballots == 7
    assert result.valid_votes == 7


GOLDEN_CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "expected.json").exists())


@pytest.mark.parametrize("case", GOLDEN_CASES)
def test_golden_cases_through_the_matrix(case: str) -> None:
    folder = GOLDEN / case
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    text = (folder / "ballots.blt").read_text(encoding="utf-8")
    contest = parse_blt(text, str(folder), ranking_matrix=True)
    assert "ranking_matrix" in contest.extras
    options = expected.get("options", {})
    result = stv_scottish.count(contest, options)
    assert result == stv_scottish.count_reference(contest, options)
    assert list(result.elected) == expected["elected"]
    assert decimal_text(result.quota or 0, 5) == expected["quota"]
    assert result.invalid_ballots == expected["invalid_ballots"]
    for stage, want in zip(result.stages, expected["stages"], strict=True):
        assert stage.action == want["action"]
        assert {k: decimal_text(v, 5) for k, v in stage.tallies.items()} == want["tallies"]
        assert decimal_text(stage.non_transferable, 5) == want["non_transferable"]
        assert list(stage.elected) == want["elected"]
        assert list(stage.excluded) == want["excluded"]
    assert [t.chosen for t in result.tie_breaks] == [
        tuple(t["chosen"]) for t in expected["tie_breaks"]
    ]


def _droop_cases() -> list[Any]:
    def cases() -> list[Any]:
        manifest = json.loads((PEER_ROOT / "manifest.json").read_text(encoding="utf-8"))
        return [
            pytest.param(case, id=case["case"].split("/")[-1])
            for case in manifest
            if case.get("kind") == "droop_peer" and case["method"] == "stv-scottish"
        ]

    return peer_params(PEER_ROOT / "droop_peer", cases)


@pytest.mark.parametrize("case", _droop_cases())
def test_droop_scottish_cases_through_the_matrix(case: dict[str, Any]) -> None:
    folder = PEER_ROOT / case["case"]
    text = (folder / "ballots.blt").read_text(encoding="utf-8")
    contest = parse_blt(text, str(folder), ranking_matrix=True)
    assert "ranking_matrix" in contest.extras
    options: Options = {"lot": "tie-order"}
    result = stv_scottish.count(contest, options)
    assert result == stv_scottish.count_reference(contest, options)
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    collapse = " ".join
    assert {collapse(n.split()) for n in result.elected} == {
        collapse(n.split()) for n in expected["elected"]
    }


def test_dispatch_uses_the_matrix_for_plain_papers(monkeypatch: pytest.MonkeyPatch) -> None:
    contest = Contest(("Ann", "Ben", "Cat"), (B(0, 1, weight=5), B(1), B(2, 0, weight=2)), seats=2)
    expected = stv_scottish.count_reference(contest, {"seed": "x"})

    def refuse(*args: object, **kwargs: object) -> Result:
        raise AssertionError("the reference engine was used")

    monkeypatch.setattr(stv_scottish, "count_gregory", _only_with_papers(refuse))
    assert stv_scottish.count(contest, {"seed": "x"}) == expected


def _only_with_papers(refuse: Callable[..., Result]) -> Callable[..., Result]:
    from clearcount.counting.gregory import count_gregory

    def guarded(*args: Any, **kwargs: Any) -> Result:
        if len(args) < 4 and "loaded" not in kwargs:
            return refuse()
        return count_gregory(*args, **kwargs)

    return guarded


def test_dispatch_keeps_the_reference_for_defective_papers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    contest = Contest(("Ann", "Ben"), (Ballot(((0,), (), (1,))), B(1, weight=2)), seats=1)
    expected = stv_scottish.count_reference(contest)

    def refuse(*args: object, **kwargs: object) -> Result:
        raise AssertionError("the matrix engine was used")

    monkeypatch.setattr(stv_scottish, "count_with_matrix", refuse)
    assert stv_scottish.count(contest) == expected
