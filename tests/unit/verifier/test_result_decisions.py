"""V-RESULT-2 compares the declared count's numbers and decisions, not its wording (§11.9.2)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from clearcount.protocol.simulate import SimulationSecrets
from clearcount.record.chain import Event, next_event
from clearcount.record.result_body import result_decisions
from clearcount.verifier import Status, verify_events

Edit = Callable[[dict[str, Any]], None]


def _forged(events: list[Event], edit: Edit) -> set[str]:
    """Re-chain a Result whose first contest's count was edited; the ids of the failed checks."""
    body = json.loads(json.dumps(events[-1].body))
    edit(body["contests"][0]["result"])
    forged = [*events[:-1], next_event(events[:-1], "Result", body)]
    report = verify_events(forged, workers=1)
    return {o.spec.id for o in report.outcomes if o.status is Status.FAILED}


def _set(path: str, value: object) -> Edit:
    def edit(result: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = result
        for key in parents:
            node = node[int(key)] if key.isdigit() else node[key]
        node[int(last) if last.isdigit() else last] = value

    return edit


WORDING = [
    _set("stages.0.action", "a different description of the stage"),
    _set("stages.0.notes", ["a note"]),
    _set("outcome.tests.0.rule", "another wording of the support test"),
    _set("outcome.mandate", "a different mandate text"),
    _set("outcome.turnout_percent", "100 per cent"),
    _set("options", {}),
    _set("decimals", 2),
]

DECISIONS = [
    _set("outcome.carried", True),
    _set("outcome.tests.0.met", True),
    _set("outcome.yes", 4),
    _set("outcome.support", "5/8"),
    _set("stages.0.tallies.Yes", "4"),
    _set("valid_votes", "9"),
    _set("elected", ["Yes"]),
    _set("stages", []),
]


@pytest.mark.parametrize("edit", WORDING)
def test_wording_options_and_layout_do_not_change_the_verdict(
    election: tuple[list[Event], SimulationSecrets], edit: Edit
) -> None:
    assert _forged(list(election[0]), edit) == set()


@pytest.mark.parametrize("edit", DECISIONS)
def test_every_number_and_decision_is_compared(
    election: tuple[list[Event], SimulationSecrets], edit: Edit
) -> None:
    assert _forged(list(election[0]), edit) == {"V-RESULT-2"}


def test_the_projection_keeps_candidate_names_and_exact_numbers_only() -> None:
    body = {
        "elected": ["Ann"],
        "stages": [{"stage": 1, "action": "votes", "tallies": {"Ann": "3"}, "notes": ["x"]}],
        "outcome": {"tie": {"tied": ["Ann", "Bo"], "votes": 3}, "rule": "most votes", "p": "1/3"},
        "options": {"seed": "abc"},
    }
    decided = result_decisions(body, ["Ann", "Bo"])
    assert decided["outcome"] == {
        "outcome.p": "1/3",
        "outcome.tie.tied[0]": "Ann",
        "outcome.tie.tied[1]": "Bo",
        "outcome.tie.votes": 3,
    }
    assert decided["stages"] == [
        {"stage": 1, "quota": None, "tallies": {"Ann": "3"}, "non_transferable": None,
         "exhausted": None, "elected": None, "excluded": None}
    ]  # fmt: skip
    assert "options" not in decided
