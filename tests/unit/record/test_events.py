"""Event bodies (spec §10-§11): exact round trips, and every malformed field named."""

import copy
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clearcount.core.errors import RecordError
from clearcount.counting.result import Result, Stage
from clearcount.protocol.simulate import simulate_election
from clearcount.protocol.simulate_postal import simulate_postal
from clearcount.record.chain import Event
from clearcount.record.events import (
    BODY_TYPES,
    Ballot,
    Credentials,
    Setup,
    election_fingerprint,
    parse_body,
    tracking_code,
)
from clearcount.record.result_body import exact_value, result_body


@pytest.fixture(scope="module")
def records() -> dict[str, list[Event]]:
    found = {
        name: simulate_election(name, b"events")[0] for name in ("fptp-approval", "preferential")
    }
    found["postal"] = simulate_postal("separate").chain
    return found


def _first(events: list[Event], kind: str) -> Event:
    return next(e for e in events if e.kind == kind)


def test_every_event_round_trips_exactly(records: dict[str, list[Event]]) -> None:
    kinds = set()
    for events in records.values():
        for event in events:
            assert parse_body(event).to_body() == event.body
            kinds.add(event.kind)
    assert kinds == set(BODY_TYPES) - {"Audit"}


def _mutated(event: Event, change) -> Event:  # type: ignore[no-untyped-def]
    body = copy.deepcopy(dict(event.body))
    change(body)
    return Event(event.seq, event.kind, body, event.prev)


@pytest.mark.parametrize(
    ("kind", "change", "named"),
    [
        (
            "Ballot",
            lambda b: b["contests"][0]["ciphertexts"].__setitem__(0, "ab"),
            "Ballot.contests[0].ciphertexts[0]: expected 64 bytes",
        ),
        (
            "Ballot",
            lambda b: b["contests"][0]["ciphertexts"].__setitem__(0, "ff" * 64),
            "Ballot.contests[0].ciphertexts[0]: point encoding",
        ),
        (
            "Ballot",
            lambda b: b.__setitem__("credential", b["credential"].upper()),
            "Ballot.credential: expected lowercase hexadecimal",
        ),
        ("Ballot", lambda b: b.__setitem__("extra", 1), "unexpected ['extra']"),
        ("Ballot", lambda b: b.pop("signature"), "missing ['signature']"),
        (
            "Ballot",
            lambda b: b.__setitem__("signature", "00" * 32 + "ff" * 32),
            "Ballot.signature: scalar encoding",
        ),
        ("Credentials", lambda b: b["credentials"].reverse(), "ascending order"),
        ("Credentials", lambda b: b["weights"].__setitem__(0, True), "weights[0]: expected an int"),
        ("Setup", lambda b: b["contests"][0].__setitem__("kind", "mixnet"), "contests[0]"),
        ("Setup", lambda b: b.__setitem__("opens", "tomorrow"), "Setup.opens"),
        ("Setup", lambda b: b["trustees"][0].__setitem__("index", 2), "trustees[0]: expected"),
        ("EndBallots", lambda b: b.__setitem__("ballots", -1), "EndBallots.ballots"),
        ("PaperBatch", lambda b: b.__setitem__("tellers", ["A", "A"]), "two different tellers"),
        ("PaperBatch", lambda b: b.__setitem__("channel", "online"), "PaperBatch.channel"),
        (
            "EncryptedTally",
            lambda b: b["contests"][0].__setitem__("ciphertexts", []),
            "EncryptedTally.contests[0].ciphertexts",
        ),
        ("PartialDecryption", lambda b: b["contests"][0].__setitem__("proof", "00"), ".proof"),
        ("Result", lambda b: b["contests"][0].__setitem__("rankings", [[1]]), "exactly one of"),
    ],
)
def test_malformed_fields_are_named(
    records: dict[str, list[Event]],
    kind: str,
    change,
    named: str,  # type: ignore[no-untyped-def]
) -> None:
    event = _mutated(_first(records["fptp-approval"], kind), change)
    with pytest.raises(RecordError, match=None) as info:
        parse_body(event)
    assert named in str(info.value)
    assert str(info.value).startswith(f"event {event.seq}")


def test_shuffle_with_ragged_rows_is_refused(records: dict[str, list[Event]]) -> None:
    event = _mutated(
        _first(records["preferential"], "Shuffle"), lambda b: b["ciphertexts"][1].pop()
    )
    with pytest.raises(RecordError, match=r"Shuffle.ciphertexts\[1\]"):
        parse_body(event)


@settings(max_examples=60, deadline=None)
@given(st.one_of(st.text(max_size=80), st.integers(), st.none(), st.binary().map(bytes.hex)))
def test_any_credential_value_is_decoded_or_refused_by_name(value: object) -> None:
    body = {"credentials": [value], "weights": [1], "signature": "00" * 64}
    try:
        Credentials.from_body(body, "event 1")
    except RecordError as error:
        message = str(error)
    else:
        return
    assert "Credentials.credentials[0]" in message


def test_fingerprint_and_tracking_code(records: dict[str, list[Event]]) -> None:
    events = records["fptp-approval"]
    assert election_fingerprint(events[0]) == bytes.fromhex(events[0].hash)
    with pytest.raises(RecordError, match="expected the Setup event"):
        election_fingerprint(events[1])
    code = tracking_code(_first(events, "Ballot"))
    assert len(code) == 39
    assert code.count("-") == 7
    assert not set(code) & set("ILOU")
    with pytest.raises(RecordError, match="expected a Ballot event"):
        tracking_code(events[0])


def test_signed_digest_ignores_only_the_signature(records: dict[str, list[Event]]) -> None:
    event = _first(records["fptp-approval"], "Ballot")
    ballot = Ballot.from_body(event.body, "event")
    assert (
        ballot.signed_digest()
        == Ballot(ballot.credential, ballot.contests, ballot.signature).signed_digest()
    )
    setup = Setup.from_body(records["fptp-approval"][0].body, "event 0")
    assert len(setup.ceremony_context()) == 32


def test_result_body_is_exact_without_floats() -> None:
    result = Result(
        "stv-scottish",
        1,
        ("A", "B"),
        ("A",),
        (Stage(1, "first", {"A": Fraction(7, 2), "B": Fraction(1, 3)}),),
        Fraction(23, 6),
        outcome={"support": Fraction(1, 2), "tests": ({"x": 1},)},
    )
    body = result_body(result)
    assert body["valid_votes"] == "23/6"
    assert body["stages"][0]["tallies"] == {"A": "3.5", "B": "1/3"}  # type: ignore[index]
    assert body["outcome"] == {"support": "0.5", "tests": [{"x": 1}]}
    with pytest.raises(RecordError, match="expected an exact value"):
        exact_value({"x": 0.5})
