"""Setup's role keys (spec §11.2, §11.2.2): parsed strictly; a key listed twice fails V-SETUP-1."""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

import pytest

from clearcount.core.errors import RecordError
from clearcount.protocol.simulate import SimulationSecrets
from clearcount.record.chain import Event, next_event
from clearcount.record.events import Setup
from clearcount.verifier.runner import verify_events


def _rechained(events: list[Event], body: dict[str, Any]) -> list[Event]:
    """The forger's record: a new Setup and every later event re-chained on it."""
    chain = [next_event([], "Setup", body)]
    for event in events[1:]:
        chain.append(next_event(chain, event.kind, event.body))
    return chain


def test_a_key_shared_by_two_roles_fails_setup_naming_them(
    election: tuple[list[Event], SimulationSecrets],
) -> None:
    events = election[0]
    body = copy.deepcopy(events[0].body)
    body["officer"]["key"] = body["tellers"][0]["key"]
    report = verify_events(_rechained(events, body), workers=1)
    outcome = report.outcome("V-SETUP-1")
    assert outcome.status.name == "FAILED"
    assert "teller key of 'Pat Quinn' is the same as the officer key of 'Jo Hale'" in str(
        outcome.findings
    )


def test_setup_role_fields_are_parsed_strictly(
    election: tuple[list[Event], SimulationSecrets],
) -> None:
    body = election[0][0].body
    assert Setup.from_body(body, "event 0").officer.name == "Jo Hale"
    missing = {k: v for k, v in body.items() if k != "officer"}
    with pytest.raises(RecordError, match="officer"):
        Setup.from_body(missing, "event 0")
    swapped = copy.deepcopy(dict(body))
    keys = swapped["trustee_keys"]
    keys[0], keys[1] = keys[1], keys[0]
    with pytest.raises(RecordError, match=r"trustee_keys\[\]\.index: expected 1\.\.3 in order"):
        Setup.from_body(swapped, "event 0")
    renamed = copy.deepcopy(dict(body))
    renamed["trustee_keys"][0]["name"] = "Someone Else"
    with pytest.raises(RecordError, match=r"trustees\[0\]: expected trustee 'Someone Else'"):
        Setup.from_body(renamed, "event 0")
    short = {**body, "trustee_keys": body["trustee_keys"][:-1]}
    with pytest.raises(RecordError, match=r"Setup\.trustees: expected 2\.\.2 items"):
        Setup.from_body(short, "event 0")
    authority = {**body, "credential_authority": {"name": "Independent Scrutineer Ltd"}}
    with pytest.raises(RecordError, match="credential_authority"):
        Setup.from_body(authority, "event 0")
    identity = copy.deepcopy(dict(body))
    identity["trustee_keys"][0]["encryption_key"] = "00" * 32
    with pytest.raises(RecordError, match=r"trustee_keys\[0\].encryption_key"):
        Setup.from_body(identity, "event 0")


@pytest.mark.parametrize(
    ("where", "check"),
    [
        (("round1", 1, "shares", 0, "ciphertext"), "V-CEREMONY-2"),
        (("round2", 0, "acknowledged", 1), "V-CEREMONY-2"),
        (("round1", 0, "name"), "V-CEREMONY-1"),
    ],
)
def test_a_forged_ceremony_transcript_fails_naming_the_check(
    election: tuple[list[Event], SimulationSecrets], where: tuple[Any, ...], check: str
) -> None:
    events = election[0]
    body = copy.deepcopy(events[0].body)
    node: Any = body["ceremony"]
    for step in where[:-1]:
        node = node[step]
    value = node[where[-1]]
    node[where[-1]] = "Someone Else" if where[-1] == "name" else ("00" * (len(value) // 2))
    report = verify_events(_rechained(events, body), workers=1)
    assert report.outcome(check).status.name == "FAILED", report.outcome(check)


def test_a_transcript_re_signed_by_the_officer_fails_v_ceremony_2(
    election: tuple[list[Event], SimulationSecrets],
) -> None:
    """The officer holds no trustee key: changing a message and signing it anew with its own."""
    events, secrets = election
    setup = Setup.from_body(events[0].body, "event 0")
    officer = secrets.roles["Jo Hale"]
    first = list(setup.ceremony.round1)
    first[0] = first[0].signed(officer.signing)
    forged = dataclasses.replace(
        setup, ceremony=dataclasses.replace(setup.ceremony, round1=tuple(first))
    )
    report = verify_events(_rechained(events, forged.to_body()), workers=1)
    outcome = report.outcome("V-CEREMONY-2")
    assert outcome.status.name == "FAILED"
    assert "round1 of trustee 'Tess Alder': the signature does not verify" in str(outcome.findings)
    assert verify_events(events, workers=1).outcome("V-CEREMONY-3").status.name == "PASSED"
