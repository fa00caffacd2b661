"""A scoped election (spec §10.4.1, a trigger ballot's branches) in the shipped booth worker:
the booth finds its credential's contests in the signed Credentials event and encrypts only
those, as make_ballot does, so verify_ballot and the board take the ballot; a credential not on
the list, or a list whose signature does not hold, is refused; an unscoped election is as before.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from tests.booth.conftest import NodeRunner
from tests.unit.protocol.protocol_helpers import open_election

from clearcount.crypto.group import Scalar
from clearcount.protocol import board as bb
from clearcount.protocol.casting import verify_ballot
from clearcount.protocol.setup import contest_spec
from clearcount.record.events import Ballot
from clearcount.service.roles.delivery import credential_code

CONTESTS = (
    contest_spec("depot", "Depot Branch: reselect the MP?", "yes-no", ("Yes", "No")),
    contest_spec("tram-yard", "Tram Yard Branch: reselect the MP?", "yes-no", ("Yes", "No")),
)
SCOPES = (("depot",), ("tram-yard",), ("depot",))


@pytest.fixture(scope="module")
def world() -> Any:
    return open_election(3, contests=CONTESTS, scopes=SCOPES)


def _events(world: Any) -> dict[str, object]:
    setup, credentials = (json.loads(event.encode()) for event in world.chain[:2])
    return {"setup": setup, "credentials": credentials}


def _vote(world: Any, run_node: NodeRunner, voter: int, answers: object) -> dict[str, Any]:
    code = credential_code(world.credentials[voter].secret)
    return run_node("vote-cli.mjs", {**_events(world), "code": code, "answers": answers})


@pytest.mark.parametrize(("voter", "contest"), [(0, "depot"), (1, "tram-yard")])
def test_a_member_votes_in_their_own_branchs_contest_only(
    world: Any, run_node: NodeRunner, voter: int, contest: str
) -> None:
    voted = _vote(world, run_node, voter, {contest: [1]})
    assert voted["credential"]["contests"] == [contest]
    assert voted["credential"]["scoped"] is True
    made = voted["ballot"]
    assert made["ok"], made
    assert made["choices"] == {contest: [1]}
    ballot = Ballot.from_body(made["ballot"], "booth")
    assert [c.id for c in ballot.contests] == [contest]
    verify_ballot(world.board.election, ballot)
    _, event = bb.cast(world.chain, world.board, ballot)
    assert event.kind == "Ballot"


def test_an_answer_for_another_branchs_contest_is_not_on_the_ballot(
    world: Any, run_node: NodeRunner
) -> None:
    voted = _vote(world, run_node, 1, {"depot": [0], "tram-yard": [0]})
    assert [e["message"] for e in voted["errors"]] == ["no contest depot"]
    ballot = Ballot.from_body(voted["ballot"]["ballot"], "booth")
    assert [c.id for c in ballot.contests] == ["tram-yard"]
    verify_ballot(world.board.election, ballot)


def test_a_credential_not_on_the_list_is_told_so(world: Any, run_node: NodeRunner) -> None:
    code = credential_code(Scalar.random())
    voted = run_node("vote-cli.mjs", {**_events(world), "code": code, "answers": {}})
    assert voted["credential"]["ok"] is False
    assert voted["credential"]["problem"] == "unlisted"


@pytest.mark.parametrize("change", ["scopes", "signature", "seq"])
def test_a_credential_list_that_does_not_hold_stops_the_booth(
    world: Any, run_node: NodeRunner, change: str
) -> None:
    events: dict[str, Any] = _events(world)
    body = events["credentials"]["body"]
    if change == "scopes":  # a depot credential moved to the tram yard's contest
        body["scopes"] = [1 - x for x in body["scopes"]]
    elif change == "signature":
        body["signature"] = "00" * 64
    else:
        events["credentials"]["seq"] = 2
    code = credential_code(world.credentials[0].secret)
    voted = run_node("vote-cli.mjs", {**events, "code": code, "answers": {}})
    assert voted["ready"]["op"] == "error"
    assert voted["ready"]["kind"] == "setup"


def test_an_unscoped_election_with_its_list_votes_in_every_contest(
    run_node: NodeRunner,
) -> None:
    plain = open_election(2, contests=CONTESTS)
    voted = _vote(plain, run_node, 0, {"depot": [0], "tram-yard": [1]})
    assert voted["credential"]["contests"] == ["depot", "tram-yard"]
    assert voted["credential"]["scoped"] is False
    ballot = Ballot.from_body(voted["ballot"]["ballot"], "booth")
    verify_ballot(plain.board.election, ballot)
    bb.cast(plain.chain, plain.board, ballot)
