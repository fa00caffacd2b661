"""Labour trigger ballots (domain.md §1.1): body votes, the 2018 and 2021 profiles, and the
golden cases under tests/golden/trigger-ballot/."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from clearcount.core.errors import ConfigError, CountingError
from clearcount.counting.readers.bodies_json import parse_bodies_json
from clearcount.counting.trigger_ballot import Body, body_vote, count_bodies
from clearcount.reports.result_document import result_document, to_json

GOLDEN = Path(__file__).resolve().parents[2] / "golden" / "trigger-ballot"
GOLDEN_CASES = sorted(p for p in GOLDEN.iterdir() if (p / "expected.json").is_file())


two_classes = st.tuples(*(st.integers(0, 12), st.integers(0, 12), st.integers(0, 4)) * 2)
"""Branches' and affiliates' yes, no and silent body counts."""


def two_class_bodies(counts: tuple[int, int, int, int, int, int]) -> list[Body]:
    """The bodies of `two_classes` counts; hypothesis skips the draw with none at all."""
    bodies = branches(*counts[:3]) + branches(*counts[3:], kind="affiliate")
    assume(bodies)
    return bodies


def branches(yes: int, no: int, none: int = 0, kind: str = "branch") -> list[Body]:
    votes = ["yes"] * yes + ["no"] * no + [None] * none
    return [Body(f"{kind} {i}", kind, v) for i, v in enumerate(votes)]  # type: ignore[arg-type]


def test_a_body_vote_is_given_or_derived_from_its_members() -> None:
    assert body_vote(Body("Northfold branch", "branch", "no"), "abstain") == ("no", "given")
    assert body_vote(Body("Northfold branch", "branch", None, 9, 7), "abstain")[0] == "yes"
    assert body_vote(Body("Northfold branch", "branch", None, 2, 3), "abstain")[0] == "no"
    assert body_vote(Body("Northfold branch", "branch"), "abstain") == (None, "no vote")
    assert body_vote(Body("Northfold branch", "branch", None, 0, 0), "yes")[0] is None


@pytest.mark.parametrize(("body_tie", "vote"), [("abstain", None), ("yes", "yes"), ("no", "no")])
def test_a_members_tie_follows_body_tie(body_tie: str, vote: str | None) -> None:
    assert body_vote(Body("Kestrel Hill branch", "branch", None, 4, 4), body_tie)[0] == vote


def test_a_tie_is_settled_by_the_chairs_casting_vote_only_under_casting_vote() -> None:
    casting = Body("Tollgate branch", "branch", "no", 5, 5)
    assert body_vote(casting, "casting-vote") == ("no", "members tied; chair's casting vote")
    with pytest.raises(CountingError, match=r"body_tie is 'abstain'.*casting-vote"):
        body_vote(casting, "abstain")
    with pytest.raises(CountingError, match="give the chair's casting vote"):
        body_vote(Body("Tollgate branch", "branch", None, 5, 5), "casting-vote")
    untied = Body("Tollgate branch", "branch", None, 6, 5)
    assert body_vote(untied, "casting-vote") == ("yes", "members' majority")
    with pytest.raises(CountingError, match="members voted 6 yes to 5 no"):
        Body("Tollgate branch", "branch", "no", 6, 5)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"name": "", "kind": "branch"}, "name"),
        ({"name": "X", "kind": "union"}, "kind"),
        ({"name": "X", "kind": "branch", "vote": "maybe"}, "vote"),
        ({"name": "X", "kind": "branch", "members_yes": 3}, "together"),
        ({"name": "X", "kind": "branch", "members_yes": -1, "members_no": 0}, "at least 0"),
        ({"name": "X", "kind": "branch", "members_yes": 1.5, "members_no": 0}, "whole number"),
    ],
)
def test_a_bad_body_is_refused_naming_the_field(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(CountingError, match=match):
        Body(**kwargs)  # type: ignore[arg-type]


def test_2018_one_third_of_the_branches_that_voted_triggers() -> None:
    bodies = branches(4, 2, none=3) + branches(3, 0, kind="affiliate")
    result = count_bodies(bodies, {"profile": "labour-2018"})
    assert result.outcome["triggered"] is True
    assert result.elected == ("no",)
    branch_test = result.outcome["tests"][0]  # type: ignore[index]
    assert (branch_test["counted"], branch_test["of"], branch_test["needed"]) == (2, 6, 2)


def test_2018_the_third_is_rounded_up() -> None:
    result = count_bodies(branches(7, 3), {"profile": "labour-2018"})
    assert result.outcome["triggered"] is False
    assert result.outcome["tests"][0]["needed"] == 4  # type: ignore[index]
    assert count_bodies(branches(6, 4), {"profile": "labour-2018"}).outcome["triggered"] is True


def test_2018_affiliates_alone_can_trigger_and_a_silent_class_cannot() -> None:
    bodies = branches(5, 0) + branches(2, 1, none=4, kind="affiliate")
    assert count_bodies(bodies, {"profile": "labour-2018"}).outcome["triggered"] is True
    nobody = branches(0, 0, none=3) + branches(1, 0, kind="affiliate")
    result = count_bodies(nobody, {"profile": "labour-2018"})
    assert result.outcome["triggered"] is False
    assert result.outcome["tests"][0]["needed"] is None  # type: ignore[index]


def test_pre_2018_a_majority_of_all_bodies_pooled_with_basis_and_strictness() -> None:
    bodies = branches(3, 3) + branches(2, 2, kind="affiliate")
    assert count_bodies(bodies, {"profile": "labour-pre-2018"}).outcome["triggered"] is False
    at_least = {"profile": "labour-pre-2018", "more_than_half": False}
    assert count_bodies(bodies, at_least).outcome["triggered"] is True
    silent = branches(3, 5, none=4)
    assert count_bodies(silent, {"profile": "labour-pre-2018"}).outcome["triggered"] is True
    all_basis = count_bodies(silent, {"profile": "labour-pre-2018", "basis": "all"})
    assert all_basis.outcome["triggered"] is False
    assert all_basis.outcome["tests"][0]["needed"] == 7  # type: ignore[index]


def test_2021_is_a_two_section_college_not_a_pooled_count() -> None:
    """Ilford South as reported: 10/10 branches, 3 of 20 voting affiliates: 50 + 7.5 = 57.5."""
    bodies = branches(0, 10) + branches(17, 3, none=1, kind="affiliate")
    result = count_bodies(bodies, {"profile": "labour-2021"})
    college = result.outcome["college"]
    assert isinstance(college, dict)
    assert college["total"] == Fraction(115, 2)
    assert college["summary"] == "branches 50.0 + affiliates 7.5 = 57.5%: a selection proceeds"
    assert result.outcome["triggered"] is True
    assert result.elected == ("no",)
    final = result.stages[-1]
    assert final.tallies == {"yes": Fraction(85, 2), "no": Fraction(115, 2)}
    assert final.transfers == {"yes": Fraction(85, 2), "no": Fraction(15, 2)}
    assert count_bodies(bodies, {"profile": "labour-pre-2018"}).outcome["triggered"] is False


def test_2021_strictness_and_an_empty_section_are_options() -> None:
    half = branches(3, 3) + branches(2, 2, kind="affiliate")
    assert count_bodies(half, {"profile": "labour-2021"}).outcome["triggered"] is False
    at_least = {"profile": "labour-2021", "more_than_half": False}
    assert count_bodies(half, at_least).outcome["triggered"] is True
    silent = branches(2, 3) + branches(0, 0, none=2, kind="affiliate")
    assert count_bodies(silent, {"profile": "labour-2021"}).outcome["triggered"] is True
    zero = {"profile": "labour-2021", "empty_section": "zero"}
    assert count_bodies(silent, zero).outcome["triggered"] is False
    nobody = branches(0, 0, none=2) + branches(0, 0, none=2, kind="affiliate")
    for options in ({"profile": "labour-2021"}, {**at_least, "empty_section": "zero"}):
        assert count_bodies(nobody, options).outcome["triggered"] is False


@given(two_classes)
def test_2021_triggers_exactly_when_the_exact_college_total_exceeds_half(
    counts: tuple[int, int, int, int, int, int],
) -> None:
    bodies = two_class_bodies(counts)
    b_yes, b_no, _, a_yes, a_no, _ = counts
    result = count_bodies(bodies, {"profile": "labour-2021"})
    shares = [Fraction(no, yes + no) for yes, no in ((b_yes, b_no), (a_yes, a_no)) if yes + no]
    total = sum(shares, Fraction(0)) * 100 / len(shares) if shares else Fraction(0)
    assert result.outcome["college"]["total"] == total  # type: ignore[index]
    assert result.outcome["triggered"] is (total > 50)
    assert result.stages[-1].tallies["no"] == total


def test_the_stage_balances_and_per_class_counts_are_reported() -> None:
    bodies = branches(2, 1, none=1) + branches(1, 1, kind="affiliate")
    result = count_bodies(bodies, {"profile": "labour-2021"})
    assert result.stages[0].accounted == result.valid_votes == 5
    assert result.outcome["classes"] == {
        "branch": {"bodies": 4, "yes": 2, "no": 1, "not_voting": 1, "members_tied": 0},
        "affiliate": {"bodies": 2, "yes": 1, "no": 1, "not_voting": 0, "members_tied": 0},
    }


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({}, "profile"),
        ({"profile": "labour-1990"}, "profile"),
        ({"profile": "labour-2018", "basis": "all"}, "unknown option"),
        ({"profile": "labour-2021", "basis": "all"}, "unknown option"),
        ({"profile": "labour-pre-2018", "basis": "members"}, "basis"),
        ({"profile": "labour-2021", "body_tie": "chair"}, "body_tie"),
        ({"profile": "labour-2021", "empty_section": "half"}, "empty_section"),
        ({"profile": "labour-2021", "more_than_half": "yes"}, "more_than_half"),
        ({"profile": "labour-2021", "mp_support_strict": True}, "unknown option"),
    ],
)
def test_bad_options_are_config_errors(options: dict[str, object], match: str) -> None:
    with pytest.raises(ConfigError, match=match):
        count_bodies(branches(1, 0), options)


def test_no_bodies_or_repeated_names_are_refused() -> None:
    with pytest.raises(CountingError, match="no bodies"):
        count_bodies([], {"profile": "labour-2018"})
    with pytest.raises(CountingError, match="distinct"):
        count_bodies(branches(1, 0) + branches(1, 0), {"profile": "labour-2018"})


@given(two_classes)
def test_2018_triggers_exactly_when_a_voting_class_reaches_one_third(
    counts: tuple[int, int, int, int, int, int],
) -> None:
    bodies = two_class_bodies(counts)
    b_yes, b_no, _, a_yes, a_no, _ = counts
    triggered = count_bodies(bodies, {"profile": "labour-2018"}).outcome["triggered"]
    reaches = [(no > 0 and 3 * no >= yes + no) for yes, no in ((b_yes, b_no), (a_yes, a_no))]
    assert triggered is any(reaches)


@pytest.mark.parametrize("case", GOLDEN_CASES, ids=lambda p: p.name)
def test_golden(case: Path) -> None:
    """bodies.json (profile and options inside), expected.json (a subset of the result
    document; `outcome` compared key by key, nested objects by the keys they name),
    README.md (where the answer comes from)."""
    assert (case / "README.md").is_file()
    bodies, options = parse_bodies_json((case / "bodies.json").read_text("utf-8"), str(case))
    expected = json.loads((case / "expected.json").read_text("utf-8"))
    document = json.loads(to_json(result_document(count_bodies(bodies, options))))
    outcome = expected.pop("outcome", {})
    assert {key: document[key] for key in expected} == expected
    assert _subset(document["outcome"], outcome) == outcome


def _subset(actual: object, expected: object) -> object:
    """`actual` cut down to the keys `expected` names, object by object (lists whole)."""
    if isinstance(actual, dict) and isinstance(expected, dict):
        return {key: _subset(actual.get(key), value) for key, value in expected.items()}
    return actual
