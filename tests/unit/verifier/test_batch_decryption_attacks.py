"""A trustee's batched decryption proof in a real record (spec §4.3.3, §11.9, V-DECRYPT-1).

The trustee itself cheats and re-signs its PartialDecryption with its own key, so the signature
check passes and only the batched proof can catch it: one share flipped, two swapped, one dropped,
another trustee's proof or another contest's proof replayed. The other trustees are honest, so
the result is still recovered from them and only V-DECRYPT-1 fails. The cheat is the last
trustee, so the forger's own declaration (from the lowest-indexed t) is the honest result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest
from tests.unit.verifier.forgery import FORGER_RNG, honest_partials, rebuild, verdict

from clearcount.crypto.group import Point
from clearcount.protocol.acts import sign_act
from clearcount.protocol.context import Election
from clearcount.protocol.simulate import SimulationSecrets, simulate_election
from clearcount.record.chain import Event, next_event
from clearcount.record.events import DecryptionContest, PartialDecryption, parse_body
from clearcount.record.signing import DECRYPTION_PURPOSE
from clearcount.verifier import verify_events

Record = tuple[list[Event], SimulationSecrets]
Tamper = Callable[[DecryptionContest, list[PartialDecryption]], DecryptionContest]


@pytest.fixture(scope="module")
def record() -> Record:
    return simulate_election("preferential", b"batched decryption attacks")


def _flip(contest: DecryptionContest, _: list[PartialDecryption]) -> DecryptionContest:
    shares = list(contest.shares)
    shares[len(shares) // 2] = shares[len(shares) // 2] + Point.generator()
    return replace(contest, shares=tuple(shares))


def _swap(contest: DecryptionContest, _: list[PartialDecryption]) -> DecryptionContest:
    shares = list(contest.shares)
    shares[0], shares[-1] = shares[-1], shares[0]
    return replace(contest, shares=tuple(shares))


def _drop(contest: DecryptionContest, _: list[PartialDecryption]) -> DecryptionContest:
    return replace(contest, shares=contest.shares[:-1])


def _replay(contest: DecryptionContest, others: list[PartialDecryption]) -> DecryptionContest:
    """Another trustee's valid proof of its own shares, under the cheat's (changed) shares."""
    return replace(contest, shares=_flip(contest, others).shares, proof=others[0].contests[0].proof)


def _replay_own(contest: DecryptionContest, others: list[PartialDecryption]) -> DecryptionContest:
    """Another trustee's shares and proof, copied whole under the cheat's name."""
    return others[0].contests[0]


@pytest.mark.parametrize(
    ("tamper", "says"),
    [
        (_flip, "batched proof"),
        (_swap, "batched proof"),
        (_drop, "shares, expected"),
        (_replay, "batched proof"),
        (_replay_own, "batched proof"),
    ],
    ids=["flip-one", "swap-two", "drop-one", "replay-other-proof", "replay-other-batch"],
)
def test_a_cheating_trustee_fails_only_its_batch(record: Record, tamper: Tamper, says: str) -> None:
    events, secrets = record

    def cheat(chain: list[Event], election: Election) -> list[Event]:
        honest = honest_partials(secrets)(chain, election)
        bodies: list[PartialDecryption] = [parse_body(e) for e in honest]
        last = bodies[-1]
        draft = replace(last, contests=(tamper(last.contests[0], bodies), *last.contests[1:]))
        key = secrets.roles[last.trustee].signing
        signature = sign_act(
            election.fingerprint, key, DECRYPTION_PURPOSE, draft.signed_digest(), FORGER_RNG
        )
        added = [next_event(chain, e.kind, e.body) for e in honest[:1]]
        for event in honest[1:-1]:
            added.append(next_event([*chain, *added], event.kind, event.body))
        cheated = replace(draft, signature=signature).to_body()
        added.append(next_event([*chain, *added], "PartialDecryption", cheated))
        return added

    chain = rebuild(events, "PartialDecryption", [], partials=cheat)
    ok, failed = verdict(chain)
    assert not ok
    assert failed == {"V-DECRYPT-1"}, failed
    messages = [f.message for f in verify_events(chain, workers=1).outcome("V-DECRYPT-1").findings]
    assert any(says in m and secrets.trustees[-1].name in m for m in messages), messages


def test_an_honest_record_verifies_and_has_one_proof_per_trustee_and_contest(
    record: Record,
) -> None:
    events, _ = record
    ok, failed = verdict(events)
    assert ok, failed
    for event in events:
        if event.kind == "PartialDecryption":
            for contest in event.body["contests"]:  # type: ignore[union-attr]
                assert isinstance(contest["proof"], str)
                assert len(contest["proof"]) == 128


def test_the_verdict_on_the_pool_in_chunks_is_the_same(
    record: Record, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Composites summed over chunks on two workers: honest verifies; a flip by trustee 1 (one
    of the t lowest, whose shares were combined first) fails its batch, and the plaintexts are
    recombined from the others."""
    import clearcount.verifier.decryption as decryption

    events, secrets = record
    monkeypatch.setattr(decryption, "CHUNK", 7)
    assert verify_events(events, workers=2).ok

    def cheat(chain: list[Event], election: Election) -> list[Event]:
        honest = honest_partials(secrets)(chain, election)
        first: PartialDecryption = parse_body(honest[0])
        draft = replace(first, contests=(_flip(first.contests[0], []), *first.contests[1:]))
        key = secrets.roles[first.trustee].signing
        signature = sign_act(
            election.fingerprint, key, DECRYPTION_PURPOSE, draft.signed_digest(), FORGER_RNG
        )
        added = [
            next_event(chain, "PartialDecryption", replace(draft, signature=signature).to_body())
        ]
        for event in honest[1:]:
            added.append(next_event([*chain, *added], event.kind, event.body))
        return added

    chain = rebuild(events, "PartialDecryption", [], partials=cheat, declare_result=False)
    honest_result = next(e for e in events if e.kind == "Result")
    chain.append(next_event(chain, "Result", honest_result.body))
    report = verify_events(chain, workers=2)
    failed = {o.spec.id for o in report.outcomes if o.status.name == "FAILED"}
    assert failed == {"V-DECRYPT-1"}, failed  # trustees 2 and 3 give the plaintexts
    findings = [f.message for f in report.outcome("V-DECRYPT-1").findings]
    assert any(secrets.trustees[0].name in m and "batched proof" in m for m in findings)
