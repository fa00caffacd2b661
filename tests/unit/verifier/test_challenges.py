"""V-CHALLENGE-1 on prefixes: a prefix match is confirmed on the full challenges before it is
reported, so an honest record whose prefixes collide verifies and a real repeat still fails."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clearcount.record.chain import Event, next_event
from clearcount.verifier import Status, challenges, verify_events
from clearcount.verifier.challenges import ChallengeColumn, repeats


def _coarse(challenge: bytes) -> bytes:
    """A prefix that collides often: 16 values (the real one keeps 8 bytes)."""
    return bytes(7) + bytes([challenge[0] % 16])


ballots_strategy = st.lists(
    st.lists(st.sampled_from([bytes([i]) * 32 for i in range(40)]), min_size=0, max_size=6),
    max_size=30,
)


@settings(max_examples=200, deadline=None)
@given(ballots=ballots_strategy, coarse=st.booleans())
def test_prefix_matches_confirmed_give_the_full_comparison(
    ballots: list[list[bytes]], coarse: bool
) -> None:
    """Whatever the prefixes (the real ones or ones that collide all the time), the ballots with
    a repeated prefix, compared in full, give every repeat of the whole record and no other."""
    everything = list(enumerate(ballots))
    column = ChallengeColumn()
    with pytest.MonkeyPatch.context() as patch:
        if coarse:
            patch.setattr(challenges, "prefix_of", _coarse)
        for seq, found in everything:
            column.add(seq, found)
    matched = column.matched()
    expected = list(repeats(everything))
    assert list(repeats((s, c) for s, c in everything if s in matched)) == expected
    assert {seq for seq, _, _ in expected} <= matched
    assert len(column) == sum(len(c) for c in ballots)


def test_prefixes_are_compared_slice_by_slice(monkeypatch: pytest.MonkeyPatch) -> None:
    column = ChallengeColumn()
    for seq in range(100):
        column.add(seq, [bytes([seq % 7, seq % 5]) * 16, bytes([seq]) * 32])
    whole = column.matched()
    monkeypatch.setattr(challenges, "PREFIXES_PER_SLICE", 10)
    assert column.matched() == whole == set(range(100))
    assert list(repeats([(0, [b"a" * 32]), (3, [b"b" * 32, b"a" * 32])])) == [(3, b"a" * 32, 0)]


def _replayed(events: Sequence[Event]) -> tuple[list[Event], int, int]:
    """The record with its first Ballot cast again after the last one (re-chained), the seq
    of the original and of the copy."""
    ballots = [e for e in events if e.kind == "Ballot"]
    at = events.index(ballots[-1]) + 1
    bodies = [(e.kind, e.body) for e in events]
    bodies.insert(at, ("Ballot", ballots[0].body))
    chain: list[Event] = []
    for kind, body in bodies:
        chain.append(next_event(chain, kind, body))
    return chain, ballots[0].seq, at


def test_an_honest_record_whose_prefixes_all_collide_verifies(
    election: tuple[list[Event], object], monkeypatch: pytest.MonkeyPatch
) -> None:
    honest = verify_events(election[0], workers=1)
    monkeypatch.setattr(challenges, "prefix_of", lambda challenge: bytes(8))
    forced = verify_events(election[0], workers=1)
    assert forced.ok, [o.spec.id for o in forced.failed()]
    outcome = forced.outcome("V-CHALLENGE-1")
    assert outcome.status is Status.PASSED
    assert outcome.detail.endswith("ballots with a repeated prefix read again")
    assert outcome.detail.startswith(honest.outcome("V-CHALLENGE-1").detail)


@pytest.mark.parametrize("collide", [False, True])
def test_a_replayed_ballot_fails_with_its_repeated_challenges(
    election: tuple[list[Event], object], monkeypatch: pytest.MonkeyPatch, collide: bool
) -> None:
    if collide:
        monkeypatch.setattr(challenges, "prefix_of", lambda challenge: bytes(8))
    chain, original, copy = _replayed(election[0])
    outcome = verify_events(chain, workers=1, complete=False).outcome("V-CHALLENGE-1")
    assert outcome.status is Status.FAILED
    assert {f.seq for f in outcome.findings} == {copy}
    assert all(f"already used in event {original} " in f.message for f in outcome.findings)
    per_ballot = int(outcome.detail.split()[0]) // (len([e for e in chain if e.kind == "Ballot"]))
    assert len(outcome.findings) == per_ballot
