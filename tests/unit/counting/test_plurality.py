"""The plurality core shared by fptp, block and approval, and the golden cases of the
ballot-counting rule sets built on it (fptp, block, approval, yes-no)."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clearcount.counting import approval, block
from clearcount.counting.ballots import OVERVOTE, Ballot, Contest
from clearcount.counting.plurality import MarkLimits, marks_of, select_top, sort_papers
from clearcount.counting.readers.json_ballots import parse_json_ballots
from clearcount.counting.registry import count
from clearcount.counting.ties import draw_order
from clearcount.reports.result_document import result_document, to_json

GOLDEN = Path(__file__).resolve().parents[2] / "golden"
GOLDEN_CASES = sorted(
    case
    for method in ("fptp", "block", "approval", "yes-no")
    for case in (GOLDEN / method).glob("*/")
    if (case / "expected.json").is_file()
)


def no_seed() -> str:
    raise AssertionError("the seed must only be computed when a draw is needed")


def test_marks_ignore_order_and_repeats() -> None:
    assert marks_of(Ballot(((2,), (0, 1), (2,)))) == frozenset({0, 1, 2})
    assert marks_of(Ballot(((), ()))) == frozenset()


def test_sort_papers_gives_each_paper_one_reason_in_order() -> None:
    contest = Contest(
        ("A", "B", "C"),
        (
            Ballot.of(0, weight=4),
            Ballot.of(0, 1, weight=2),  # overvote for a one-mark rule
            Ballot(((OVERVOTE,),)),  # explicit overvote cell
            Ballot.of(2, 1),  # withdrawn C and an overvote: withdrawn comes first
            Ballot.of(7),  # unknown candidate
            Ballot((), weight=3),
        ),
        withdrawn=frozenset({2}),
    )
    sorting = sort_papers(contest, MarkLimits(most=1), ignore_withdrawn=False)
    assert sorting.votes == {0: 4}
    assert (sorting.valid, sorting.blank) == (4, 3)
    assert sorting.invalid == {"unknown candidate": 1, "withdrawn candidate": 1, "overvote": 3}
    assert sorting.papers == contest.total_weight


def test_ignoring_withdrawn_marks_strikes_them_out_first() -> None:
    contest = Contest(("A", "B", "C"), (Ballot.of(2, 0), Ballot.of(2)), withdrawn=frozenset({2}))
    sorting = sort_papers(contest, MarkLimits(most=1), ignore_withdrawn=True)
    assert (sorting.votes, sorting.valid, sorting.blank) == ({0: 1}, 1, 1)


def test_select_top_elects_certain_then_settles_the_tie_by_seeded_lot() -> None:
    tallies = {"A": 9, "B": 5, "C": 5, "D": 5, "E": 1}
    selection = select_top(tallies, 2, tie_break="lot", seed=lambda: "s1")
    drawn = draw_order(("B", "C", "D"), "s1", 1, "election")
    assert selection.elected == ("A", drawn[0])
    (tie,) = selection.tie_breaks
    assert tie.tied == ("B", "C", "D")
    assert tie.chosen == drawn[:1]
    assert tie.seed == "s1"


def test_select_top_reports_an_open_tie_and_computes_no_seed() -> None:
    selection = select_top({"A": 9, "B": 5, "C": 5}, 2, tie_break="report", seed=no_seed)
    assert selection.elected == ("A",)
    assert selection.open_tie == {"tied": ["B", "C"], "votes": 5, "places": 1}
    assert selection.tie_breaks == ()


def test_select_top_without_a_tie_needs_no_seed() -> None:
    selection = select_top({"A": 3, "B": 3, "C": 1}, 2, tie_break="lot", seed=no_seed)
    assert selection.elected == ("A", "B")  # equal but both certain: ballot-paper order


def test_select_top_with_fewer_candidates_than_seats_elects_all() -> None:
    assert select_top({"A": 0, "B": 2}, 3, tie_break="lot", seed=no_seed).elected == ("B", "A")


rankings = st.lists(
    st.lists(st.integers(0, 4), max_size=5).map(lambda c: tuple((x,) for x in c)),
    max_size=30,
)


@st.composite
def contests(draw: st.DrawFn) -> Contest:
    ranks = draw(rankings)
    weights = draw(st.lists(st.integers(1, 5), min_size=len(ranks), max_size=len(ranks)))
    seats = draw(st.integers(1, 3))
    withdrawn = draw(st.frozensets(st.integers(0, 4), max_size=2))
    ballots = tuple(Ballot(r, w) for r, w in zip(ranks, weights, strict=True))
    return Contest(("A", "B", "C", "D", "E"), ballots, seats=seats, withdrawn=withdrawn)


@settings(max_examples=150, deadline=None)
@given(contests(), st.sampled_from(["approval", "block"]))
def test_every_paper_is_accounted_for_and_the_stage_balances(contest: Contest, method: str) -> None:
    result = count(method, contest, {"seed": "h"})
    (stage,) = result.stages
    assert stage.accounted == result.valid_votes == sum(stage.tallies.values())
    outcome = result.outcome
    papers = outcome["valid_papers"] + outcome["blank_papers"] + outcome["invalid_papers"]  # type: ignore[operator]
    assert papers == outcome["papers"] == contest.total_weight
    assert result.invalid_ballots == outcome["invalid_papers"]
    standing = {contest.candidates[i] for i in contest.standing()}
    assert len(result.elected) == min(contest.seats, len(standing))
    losers = standing - set(result.elected)
    for name in result.elected:
        assert all(stage.tallies[name] >= stage.tallies[other] for other in losers)


@settings(max_examples=100, deadline=None)
@given(contests())
def test_a_weighted_ballot_counts_as_that_many_papers(contest: Contest) -> None:
    expanded = Contest(
        contest.candidates,
        tuple(Ballot(b.ranks) for b in contest.ballots for _ in range(b.weight)),
        seats=contest.seats,
        withdrawn=contest.withdrawn,
    )
    one, many = (approval.count(c, {"seed": "w"}) for c in (contest, expanded))
    assert one.stages[0].tallies == many.stages[0].tallies
    assert one.elected == many.elected
    assert one.outcome == many.outcome


def test_block_and_approval_agree_when_no_paper_marks_too_many() -> None:
    contest = Contest(
        ("A", "B", "C"), (Ballot.of(0, 1), Ballot.of(2), Ballot.of(1, weight=2)), seats=2
    )
    assert block.count(contest).stages == approval.count(contest).stages
    assert block.count(contest).valid_votes == Fraction(5)


@pytest.mark.parametrize("case", GOLDEN_CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_golden(case: Path) -> None:
    """Each golden folder: ballots.json, rules.json, expected.json (a subset of the result
    document; `outcome` is compared key by key) and a README on where the answer comes from."""
    assert (case / "README.md").is_file()
    contest = parse_json_ballots((case / "ballots.json").read_text("utf-8"), str(case))
    rules_file = case / "rules.json"
    rules = json.loads(rules_file.read_text("utf-8")) if rules_file.is_file() else {}
    expected = json.loads((case / "expected.json").read_text("utf-8"))
    document = json.loads(to_json(result_document(count(case.parent.name, contest, rules))))
    outcome = expected.pop("outcome", {})
    assert {key: document[key] for key in expected} == expected
    assert {key: document["outcome"][key] for key in outcome} == outcome


def test_golden_cases_exist() -> None:
    assert {case.parent.name for case in GOLDEN_CASES} == {"fptp", "block", "approval", "yes-no"}
