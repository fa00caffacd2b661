"""Attacks on the mixnet (issue 8), each re-chained, each NOT VERIFIED.

Shuffles needed no key: the operator could make every mix under the trustees' names, and so
know which ranking came from which ballot. Now each Shuffle is signed by its trustee
(V-SHUFFLE-SIG) and at least t distinct trustees must shuffle each contest (V-SHUFFLE-1).
"""

from __future__ import annotations

from typing import Any

import pytest
from tests.unit.verifier.forgery import (
    FORGER_RNG,
    Step,
    honest_partials,
    officer_key,
    rebuild,
    verdict,
)

from clearcount.crypto.group import Scalar
from clearcount.crypto.shuffle import gen_shuffle
from clearcount.crypto.shuffle_proof import gen_shuffle_proof
from clearcount.protocol.acts import UNSIGNED, sign_act
from clearcount.protocol.context import Election
from clearcount.protocol.decryption import Targets
from clearcount.protocol.mixing import current_mix
from clearcount.protocol.simulate import SimulationSecrets, simulate_election
from clearcount.record.chain import Event, next_event
from clearcount.record.events import Shuffle
from clearcount.record.signing import SHUFFLE_PURPOSE

Record = tuple[list[Event], SimulationSecrets]
ABSENT = ("Nia Cedar",)


@pytest.fixture(scope="module")
def record() -> Record:
    return simulate_election("preferential", b"mixnet attacks")


def _shuffles(names: list[str], key: dict[str, Scalar]) -> Step:
    """Shuffles with valid proofs (anyone can make one), each named and signed as given."""

    def step(chain: list[Event], election: Election) -> list[Event]:
        added: list[Event] = []
        for spec in election.setup.contests:
            for name in names:
                ballots = current_mix([*chain, *added], election, spec.id)
                mixed, witness = gen_shuffle(election.key, ballots, FORGER_RNG)
                proof = gen_shuffle_proof(
                    election.fingerprint, election.key, ballots, mixed, witness, FORGER_RNG
                )
                draft = Shuffle(spec.id, name, mixed, proof, UNSIGNED)
                signature = sign_act(
                    election.fingerprint, key[name], SHUFFLE_PURPOSE, draft.signed_digest()
                )
                body = Shuffle(spec.id, name, mixed, proof, signature).to_body()
                added.append(next_event([*chain, *added], "Shuffle", body))
        return added

    return step


def _last_shuffle(chain: list[Event], election: Election) -> Targets:
    """The last shuffle's output, however few shuffles there were (the forger's targets)."""
    return tuple(
        (spec.id, tuple(c for row in current_mix(chain, election, spec.id) for c in row))
        for spec in election.setup.contests
    )


def _forged(
    record: Record, names: list[str], keys: dict[str, Scalar], **options: Any
) -> tuple[bool, set[str]]:
    """Shuffles by `names` signed with `keys`, the trustees decrypting the last one's output;
    the verdict's failed checks."""
    events, secrets = record
    chain = rebuild(
        events,
        "EndBallots",
        [],
        shuffles=_shuffles(names, keys),
        partials=honest_partials(secrets, ABSENT, _last_shuffle),
        **options,
    )
    return verdict(chain)


def test_the_operator_mixes_under_the_trustees_names(record: Record) -> None:
    names = [t.name for t in record[1].trustees]
    ok, failed = _forged(record, names, dict.fromkeys(names, officer_key(record[1])))
    assert not ok
    assert failed == {"V-SHUFFLE-SIG"}, failed


def test_fewer_shuffles_than_the_threshold(record: Record) -> None:
    first = record[1].trustees[0].name
    own = {first: record[1].roles[first].signing}
    # the protocol refuses to declare on one shuffle; the forger stops before the Result
    ok, failed = _forged(record, [first], own, declare_result=False)
    assert not ok
    assert "V-SHUFFLE-1" in failed, failed


def test_one_trustee_shuffling_twice_is_not_two_trustees(record: Record) -> None:
    first = record[1].trustees[0].name
    own = {first: record[1].roles[first].signing}
    ok, failed = _forged(record, [first, first], own)
    assert not ok
    assert failed == {"V-SHUFFLE-1"}, failed


def test_honest_shuffles_rebuilt_verify(record: Record) -> None:
    names = [t.name for t in record[1].trustees]
    ok, failed = _forged(record, names, {n: record[1].roles[n].signing for n in names})
    assert ok, failed
