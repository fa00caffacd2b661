"""Attacks on who may vote and with what weight (issue 8), each re-chained, NOT VERIFIED.

`entitled`, the turnout base of an industrial action ballot, was an option nobody compared with
the committed roll: a 35% turnout was declared as 70%, CARRIED. Delegate weights were neither
committed in the roll nor signed. Now the count takes `entitled` from the roll (V-ENTITLED-1,
V-RESULT-2), the roll's leaves commit each member's weight and Setup.roll how many members carry
each weight (V-CRED-0), and the credential authority signs the credentials with their weights
(V-CRED-SIG).
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from tests.unit.verifier.forgery import (
    honest_partials,
    officer_key,
    rebuild,
    resign,
    verdict,
)

from clearcount.counting.registry import count
from clearcount.protocol.acts import UNSIGNED
from clearcount.protocol.context import read_election
from clearcount.protocol.declare import homomorphic_contest
from clearcount.protocol.simulate import SimulationSecrets, make_scenario, simulate_election
from clearcount.record.chain import Event, next_event
from clearcount.record.events import Credentials, Result, Setup, parse_body
from clearcount.record.result_body import result_body
from clearcount.record.signing import CREDENTIALS_PURPOSE

Record = tuple[list[Event], SimulationSecrets]


def _turnout_35_percent(entitled: int) -> Record:
    """7 of 20 eligible members vote (35%); the Setup's options claim `entitled`."""
    scenario = make_scenario("industrial-action", voters=7, abstainers=13)
    contests = tuple(
        replace(c, options={**c.options, "entitled": entitled}) for c in scenario.contests
    )
    return simulate_election(replace(scenario, contests=contests), b"turnout")


def _declared_with_options(chain: list[Event]) -> Event:
    """The forger's Result: the same tallies, counted with the Setup's options as they stand."""
    result: Result = parse_body(chain[-1])
    setup: Setup = parse_body(chain[0])
    contests = []
    for spec, declared in zip(setup.contests, result.contests, strict=True):
        tallies = declared.tallies or ()
        total = int(str(declared.result["valid_votes"])) + int(
            str(declared.result["invalid_ballots"])
        )
        counted = count(spec.method, homomorphic_contest(spec, tallies, total), spec.options)
        contests.append(replace(declared, result=result_body(counted)))
    return next_event(chain[:-1], "Result", Result(tuple(contests)).to_body())


def test_entitled_inflated_from_35_to_70_percent_turnout() -> None:
    events, _ = _turnout_35_percent(10)
    honest: Result = parse_body(events[-1])
    assert honest.contests[0].result["options"]["entitled"] == 20  # the count used the roll
    forged = [*events[:-1], _declared_with_options(events)]
    claimed: Result = parse_body(forged[-1])
    assert claimed.contests[0].result["options"]["entitled"] == 10
    ok, failed = verdict(forged)
    assert not ok
    assert {"V-ENTITLED-1", "V-RESULT-2"} <= failed, failed
    ok, failed = verdict(events)  # even counted honestly, the Setup's claim is refused
    assert not ok
    assert failed == {"V-ENTITLED-1"}, failed


def test_the_roll_electorate_verifies() -> None:
    events, _ = _turnout_35_percent(20)
    ok, failed = verdict(events)
    assert ok, failed


@pytest.fixture(scope="module")
def weighted() -> Record:
    return simulate_election("weighted-delegates", b"weights")


def _recredentialed(record: Record, published: Credentials) -> list[Event]:
    """The record with `published` as event 1 and everything after rebuilt on it."""
    events, secrets = record
    return rebuild(
        events,
        "Credentials",
        [("Credentials", published.to_body())],
        drop=1,
        partials=honest_partials(secrets),
    )


def _credentials(record: Record) -> Credentials:
    body: Credentials = parse_body(record[0][1])
    return body


def test_two_delegates_weights_swapped(weighted: Record) -> None:
    """Same weights overall (the roll's counts still match): only the signature catches it."""
    honest = _credentials(weighted)
    w = list(honest.weights)
    i, j = next((i, j) for i in range(len(w)) for j in range(len(w)) if w[i] < w[j])
    w[i], w[j] = w[j], w[i]
    chain = _recredentialed(weighted, replace(honest, weights=tuple(w)))
    ok, failed = verdict(chain)
    assert not ok
    assert failed == {"V-CRED-SIG"}, failed


def test_a_delegates_weight_raised(weighted: Record) -> None:
    honest = _credentials(weighted)
    raised = replace(honest, weights=(honest.weights[0] + 4, *honest.weights[1:]))
    chain = _recredentialed(weighted, raised)
    ok, failed = verdict(chain)
    assert not ok
    assert {"V-CRED-SIG", "V-CRED-0"} <= failed, failed


def test_weights_the_roll_does_not_commit_even_if_the_authority_signs(weighted: Record) -> None:
    """A colluding authority re-signs raised weights: the roll commitment still refuses them."""
    events, secrets = weighted
    honest = _credentials(weighted)
    election = read_election(events[:2])
    authority = secrets.roles[election.setup.credential_authority.name].signing
    raised = replace(honest, weights=(honest.weights[0] + 4, *honest.weights[1:]))
    signature = resign(authority, election, CREDENTIALS_PURPOSE, raised.signed_digest())
    chain = _recredentialed(weighted, replace(raised, signature=signature))
    ok, failed = verdict(chain)
    assert not ok
    assert failed == {"V-CRED-0"}, failed


def test_credentials_list_signed_by_the_officer(weighted: Record) -> None:
    events, secrets = weighted
    honest = _credentials(weighted)
    election = read_election(events[:1])
    signature = resign(officer_key(secrets), election, CREDENTIALS_PURPOSE, honest.signed_digest())
    chain = _recredentialed(weighted, replace(honest, signature=signature))
    ok, failed = verdict(chain)
    assert not ok
    assert failed == {"V-CRED-SIG"}, failed


def test_credentials_list_unsigned(weighted: Record) -> None:
    blank = replace(_credentials(weighted), signature=UNSIGNED)
    chain = _recredentialed(weighted, blank)
    ok, failed = verdict(chain)
    assert not ok
    assert failed == {"V-CRED-SIG"}, failed
