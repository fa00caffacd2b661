"""Labour trigger ballots (domain.md §1.1): body votes, the 2018 and 2021 profiles, and the
golden cases under tests/golden/trigger-ballot/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clearcount.core.errors import ConfigError, CountingError
from clearcount.counting.readers.bodies_json import parse_bodies_json
from clearcount.counting.trigger_ballot import Body, body_vote, count_bodies
from clearcount.reports.result_document import result_document, to_json

GOLDEN = Path(__file__).resolve().parents[2] / "golden" / "trigger-ballot"
GOLDEN_CASES = sorted(p for p in GOLDEN.iterdir() if (p / "expected.json").is_file())


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


def test_a_given_vote_may_settle_a_tie_but_not_contradict_the_members() -> None:
    casting = Body("Tollgate branch", "branch", "no", 5, 5)
    assert body_vote(casting, "abstain") == ("no", "given")
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


def test_2021_half_of_all_bodies_pooled_with_basis_and_strictness() -> None:
    bodies = branches(3, 3) + branches(2, 2, kind="affiliate")
    assert count_bodies(bodies, {"profile": "labour-2021"}).outcome["triggered"] is False
    strict = count_bodies(bodies, {"profile": "labour-2021", "mp_support_strict": True})
    assert strict.outcome["triggered"] is True
    silent = branches(4, 4, none=2)
    assert count_bodies(silent, {"profile": "labour-2021"}).outcome["triggered"] is False
    all_basis = count_bodies(silent, {"profile": "labour-2021", "basis": "all"})
    assert all_basis.outcome["triggered"] is True
    assert all_basis.outcome["tests"][0]["needed"] == 5  # type: ignore[index]


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
        ({"profile": "labour-2021", "basis": "members"}, "basis"),
        ({"profile": "labour-2021", "body_tie": "chair"}, "body_tie"),
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


@given(
    st.integers(0, 12),
    st.integers(0, 12),
    st.integers(0, 4),
    st.integers(0, 12),
    st.integers(0, 12),
    st.integers(0, 4),
)
def test_2018_triggers_exactly_when_a_voting_class_reaches_one_third(
    b_yes: int, b_no: int, b_none: int, a_yes: int, a_no: int, a_none: int
) -> None:
    bodies = branches(b_yes, b_no, b_none) + branches(a_yes, a_no, a_none, kind="affiliate")
    if not bodies:
        return
    triggered = count_bodies(bodies, {"profile": "labour-2018"}).outcome["triggered"]
    reaches = [(no > 0 and 3 * no >= yes + no) for yes, no in ((b_yes, b_no), (a_yes, a_no))]
    assert triggered is any(reaches)


@pytest.mark.parametrize("case", GOLDEN_CASES, ids=lambda p: p.name)
def test_golden(case: Path) -> None:
    """bodies.json (profile and options inside), expected.json (a subset of the result
    document; `outcome` compared key by key), README.md (where the answer comes from)."""
    assert (case / "README.md").is_file()
    bodies, options = parse_bodies_json((case / "bodies.json").read_text("utf-8"), str(case))
    expected = json.loads((case / "expected.json").read_text("utf-8"))
    document = json.loads(to_json(result_document(count_bodies(bodies, options))))
    outcome = expected.pop("outcome", {})
    assert {key: document[key] for key in expected} == expected
    assert {key: document["outcome"][key] for key in outcome} == outcome
