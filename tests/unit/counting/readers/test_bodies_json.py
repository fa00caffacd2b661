"""Trigger-ballot bodies as JSON: parsing, errors naming the body and field, round trips."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clearcount.core.errors import InputFormatError
from clearcount.counting.readers.bodies_json import format_bodies_json, parse_bodies_json
from clearcount.counting.trigger_ballot import Body

TEXT = json.dumps(
    {
        "profile": "labour-2018",
        "title": "Ashby Vale CLP",
        "bodies": [
            {"name": "Northfold branch", "kind": "branch", "vote": "no"},
            {"name": "Riverside branch", "kind": "branch", "members": {"yes": 9, "no": 7}},
            {"name": "Quarry Lane branch", "kind": "branch", "vote": "abstain"},
            {"name": "Vale Allied Workers", "kind": "affiliate", "vote": None},
        ],
    }
)


def test_bodies_and_options() -> None:
    bodies, options = parse_bodies_json(TEXT, "t.json")
    assert options == {"profile": "labour-2018", "title": "Ashby Vale CLP"}
    assert bodies == [
        Body("Northfold branch", "branch", "no"),
        Body("Riverside branch", "branch", None, 9, 7),
        Body("Quarry Lane branch", "branch", None),
        Body("Vale Allied Workers", "affiliate", None),
    ]


@pytest.mark.parametrize(
    ("body", "match"),
    [
        ("x", r"bodies\[0\]: expected an object"),
        ({"name": "A", "kind": "branch", "votes": "no"}, r"bodies\[0\]: unknown key"),
        ({"kind": "branch"}, r"bodies\[0\].name: expected a string"),
        ({"name": "A", "kind": 3}, r"bodies\[0\].kind: expected a string"),
        ({"name": "A", "kind": "union"}, r"bodies\[0\]: body 'A': field 'kind'"),
        ({"name": "A", "kind": "branch", "vote": "nay"}, r"bodies\[0\].vote: expected"),
        ({"name": "A", "kind": "branch", "members": {"yes": 1}}, r"bodies\[0\].members: expected"),
        (
            {"name": "A", "kind": "branch", "members": {"yes": 1, "no": -2}},
            r"bodies\[0\].members.no",
        ),
        (
            {"name": "A", "kind": "branch", "members": {"yes": "1", "no": 2}},
            r"bodies\[0\].members.yes",
        ),
        (
            {"name": "A", "kind": "branch", "vote": "no", "members": {"yes": 3, "no": 2}},
            r"bodies\[0\]: body 'A': field 'vote'",
        ),
    ],
)
def test_errors_name_the_body_index_and_field(body: object, match: str) -> None:
    with pytest.raises(InputFormatError, match=match):
        parse_bodies_json(json.dumps({"profile": "labour-2018", "bodies": [body]}), "t.json")


@pytest.mark.parametrize(
    ("text", "match"),
    [("[]", "expected a JSON object"), ("{}", "bodies: expected a list"), ("{", "not valid JSON")],
)
def test_document_errors(text: str, match: str) -> None:
    with pytest.raises(InputFormatError, match=match):
        parse_bodies_json(text, "t.json")


@st.composite
def bodies(draw: st.DrawFn) -> list[Body]:
    result = []
    for i in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(["branch", "affiliate"]))
        vote = draw(st.sampled_from(["yes", "no", None]))
        members = draw(st.none() | st.tuples(st.integers(0, 30), st.integers(0, 30)))
        if members and vote and members[0] != members[1]:
            vote = "yes" if members[0] > members[1] else "no"
        yes, no = members if members else (None, None)
        result.append(Body(f"body {i}", kind, vote, yes, no))  # type: ignore[arg-type]
    return result


@given(bodies(), st.sampled_from(["labour-2018", "labour-2021"]))
def test_round_trip(items: list[Body], profile: str) -> None:
    text = format_bodies_json(items, {"profile": profile})
    assert parse_bodies_json(text, "rt.json") == (items, {"profile": profile})
