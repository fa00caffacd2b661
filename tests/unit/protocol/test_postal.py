"""Postal papers (spec §11.12): numbering, the two tellers' entries, precedence, workplaces."""

from __future__ import annotations

import copy
from collections.abc import Callable

import pytest

from clearcount.core.errors import ProofError, RecordError
from clearcount.protocol import board as bb
from clearcount.protocol.casting import make_ballot
from clearcount.protocol.context import read_election
from clearcount.protocol.postal import (
    ReturnedPaper,
    ReturnsMismatchError,
    number_papers,
    numbers_commitment,
    post_postal_event,
    reconcile,
    sign_replacement,
)
from clearcount.protocol.simulate_postal import PostalSimulation, simulate_postal
from clearcount.record.chain import Event, next_event
from clearcount.record.events import PaperIssue, PaperReplacement, PaperReturns, parse_body
from clearcount.verifier.runner import verify_events

YES = {"strike": (0,), "asos": (0,)}
ON_TIME = "2031-05-14T10:00:00Z"


@pytest.fixture(scope="module")
def separate() -> PostalSimulation:
    return simulate_postal("separate")


def _body(sim: PostalSimulation, kind: str) -> object:
    return parse_body(next(e for e in sim.chain if e.kind == kind))


def _status(events: list[Event], check: str) -> str:
    outcome = next(o for o in verify_events(events).outcomes if o.spec.id == check)
    return outcome.status.name


def _rechain(
    events: list[Event], at: int, change: Callable[[dict[str, object]], None]
) -> list[Event]:
    """The record with event `at`'s body changed and everything after it re-linked."""
    out = list(events[:at])
    body = copy.deepcopy(dict(events[at].body))
    change(body)
    out.append(next_event(out, events[at].kind, body))
    for event in events[at + 1 :]:
        out.append(next_event(out, event.kind, dict(event.body)))
    return out


def test_papers_are_numbered_consecutively_in_issue_order() -> None:
    papers = number_papers([("A", ["c1", "c2"]), ("B", ["c3"])], first=101)
    assert [(p.number, p.workplace) for p in papers] == [(101, "A"), (102, "A"), (103, "B")]
    assert numbers_commitment(papers) != numbers_commitment(papers[::-1])


def test_the_simulated_postal_ballots_verify() -> None:
    for scenario in ("separate", "aggregate", "hybrid-online-first", "hybrid-postal-first"):
        report = verify_events(simulate_postal(scenario).chain)
        assert not report.failed(), (scenario, report.failed())


def test_the_record_counts_papers_without_naming_members(separate: PostalSimulation) -> None:
    issue = _body(separate, "PaperIssue")
    assert isinstance(issue, PaperIssue)
    assert (issue.first, issue.papers) == (1, 10)
    assert [(r.workplace, r.first, r.papers) for r in issue.ranges] == [
        ("Northfold Depot", 1, 6),
        ("Eastgate Yard", 7, 4),
    ]
    assert issue.numbers_commitment == numbers_commitment(separate.papers)
    returns = _body(separate, "PaperReturns")
    assert isinstance(returns, PaperReturns)
    assert returns.counted == (2, 3, 4, 7, 11)
    assert (returns.spoilt, returns.late, returns.voided) == ((5,), (10,), (1,))
    text = str([e.body for e in separate.chain])
    assert "NTW-" not in text


def test_a_replacement_voids_the_original(separate: PostalSimulation) -> None:
    replacement = _body(separate, "PaperReplacement")
    assert isinstance(replacement, PaperReplacement)
    assert (replacement.voided, replacement.number) == (1, 11)
    returns = _body(separate, "PaperReturns")
    assert isinstance(returns, PaperReturns)
    assert 1 not in returns.counted
    assert 1 in returns.voided


def test_a_workplace_fails_its_turnout_while_the_aggregate_passes(
    separate: PostalSimulation,
) -> None:
    result = separate.chain[-1].body["contests"][0]  # type: ignore[index]
    assert result["result"]["outcome"]["carried"] is True
    carried = {w["workplace"]: w["result"]["outcome"]["carried"] for w in result["workplaces"]}
    assert carried == {"Northfold Depot": True, "Eastgate Yard": False}


def _issue_and_replacements(sim: PostalSimulation) -> tuple[PaperIssue, list[PaperReplacement]]:
    issue = _body(sim, "PaperIssue")
    assert isinstance(issue, PaperIssue)
    replacement = _body(sim, "PaperReplacement")
    assert isinstance(replacement, PaperReplacement)
    return issue, [replacement]


def test_a_number_entered_twice_is_refused(separate: PostalSimulation) -> None:
    issue, replacements = _issue_and_replacements(separate)
    papers = [ReturnedPaper(2, YES, ON_TIME), ReturnedPaper(2, YES, ON_TIME)]
    with pytest.raises(ReturnsMismatchError, match="entered paper 2 twice"):
        reconcile(issue, replacements, (("Pat Quinn", papers), ("Sam Ortiz", papers[:1])))


def test_an_unissued_number_is_refused(separate: PostalSimulation) -> None:
    issue, replacements = _issue_and_replacements(separate)
    papers = [ReturnedPaper(99, YES, ON_TIME)]
    with pytest.raises(ReturnsMismatchError, match="paper 99: no such paper was issued"):
        reconcile(issue, replacements, (("Pat Quinn", papers), ("Sam Ortiz", papers)))


def test_a_late_paper_is_recorded_not_counted(separate: PostalSimulation) -> None:
    issue, replacements = _issue_and_replacements(separate)
    papers = [ReturnedPaper(3, YES, "2031-05-15T17:00:01Z"), ReturnedPaper(4, YES, ON_TIME)]
    agreed = reconcile(issue, replacements, (("Pat Quinn", papers), ("Sam Ortiz", papers)))
    assert agreed.late == (3,)
    assert list(agreed.counted) == [4]


def test_the_tellers_disagreeing_counts_nothing(separate: PostalSimulation) -> None:
    issue, replacements = _issue_and_replacements(separate)
    first = [ReturnedPaper(3, YES, ON_TIME), ReturnedPaper(4, YES, ON_TIME)]
    second = [ReturnedPaper(3, {"strike": (1,), "asos": (0,)}, ON_TIME)]
    with pytest.raises(ReturnsMismatchError) as caught:
        reconcile(issue, replacements, (("Pat Quinn", first), ("Sam Ortiz", second)))
    assert len(caught.value.problems) == 2
    assert "paper 3: Pat Quinn entered" in caught.value.problems[0]
    assert "paper 4: entered by Pat Quinn only" in caught.value.problems[1]


def test_a_forged_scrutineer_signature_is_refused(separate: PostalSimulation) -> None:
    chain = separate.chain
    at = next(i for i, e in enumerate(chain) if e.kind == "PaperIssue")
    election = read_election(chain[:2])
    teller = separate.roles["Pat Quinn"].signing
    forged = sign_replacement(election, 2, 12, "lost", teller)
    with pytest.raises(ProofError):
        post_postal_event(chain[: at + 1], election, forged)
    tampered = _rechain(chain, at, lambda b: b.update(papers=9))
    assert _status(tampered, "V-POSTAL-1") == "FAILED"


def test_a_forged_teller_signature_on_the_returns_fails(separate: PostalSimulation) -> None:
    at = next(i for i, e in enumerate(separate.chain) if e.kind == "PaperReturns")
    good = separate.chain[at].body["signatures"]
    swapped = _rechain(
        separate.chain,
        at,
        lambda b: b.update(signatures=[good[1], good[0]]),  # type: ignore[index]
    )
    assert _status(swapped, "V-POSTAL-2") == "FAILED"


def test_returns_listing_an_unissued_or_repeated_number_fail(separate: PostalSimulation) -> None:
    at = next(i for i, e in enumerate(separate.chain) if e.kind == "PaperReturns")
    unissued = _rechain(separate.chain, at, lambda b: b.update(late=[10, 40]))
    assert _status(unissued, "V-POSTAL-2") == "FAILED"
    twice = _rechain(separate.chain, at, lambda b: b.update(spoilt=[3, 5]))
    assert _status(twice, "V-POSTAL-2") == "FAILED"


def test_a_declared_workplace_figure_is_recounted(separate: PostalSimulation) -> None:
    at = len(separate.chain) - 1

    def flip(body: dict[str, object]) -> None:
        workplace = body["contests"][0]["workplaces"][1]  # type: ignore[index]
        workplace["result"]["outcome"]["carried"] = True

    assert _status(_rechain(separate.chain, at, flip), "V-WORKPLACE-1") == "FAILED"


@pytest.mark.parametrize("scenario", ["hybrid-online-first", "hybrid-postal-first"])
def test_hybrid_precedence_counts_each_member_once(scenario: str) -> None:
    sim = simulate_postal(scenario)
    returns = _body(sim, "PaperReturns")
    assert isinstance(returns, PaperReturns)
    tallies = sim.chain[-1].body["contests"][0]["tallies"]  # type: ignore[index]
    # members 0-2 voted online (strike Yes); members 1, 3, 4 posted papers (Yes)
    assert sum(tallies) == 5
    if scenario == "hybrid-online-first":
        assert returns.superseded == (2,)
    else:
        assert returns.superseded == ()


def test_online_first_refuses_a_paper_that_cancels_an_online_voter() -> None:
    sim = simulate_postal("hybrid-online-first")
    at = next(i for i, e in enumerate(sim.chain) if e.kind == "PaperBatch")
    ballot = next(e for e in sim.chain if e.kind == "Ballot")
    assert ballot.body["credential"] not in sim.chain[at].body["cancelled_credentials"]

    def cancel_online_voter(body: dict[str, object]) -> None:
        body["cancelled_credentials"] = sorted(
            [*body["cancelled_credentials"], ballot.body["credential"]]  # type: ignore[misc]
        )

    tampered = _rechain(sim.chain, at, cancel_online_voter)
    assert _status(tampered, "V-PAPER-2") == "FAILED"


def test_a_postal_only_ballot_refuses_online_ballots(separate: PostalSimulation) -> None:
    chain = [e for e in separate.chain if e.kind in ("Setup", "Credentials")]
    board = bb.open_board(chain)
    ballot, _ = make_ballot(board.election, YES, separate.credentials[0])
    with pytest.raises(RecordError, match="postal-only"):
        bb.cast(chain, board, ballot)
