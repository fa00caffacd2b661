"""Attacks on the mixnet (issue 8), each re-chained, each NOT VERIFIED.

Shuffles needed no key: the operator could make every mix under the trustees' names, and so
know which ranking came from which ballot. Now each Shuffle is signed by its trustee
(V-SHUFFLE-SIG) and at least t distinct trustees must shuffle each contest (V-SHUFFLE-1).
"""

from __future__ import annotations

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
from clearcount.protocol.decryption import partial_decryption
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


def _decrypt_last_shuffle(secrets: SimulationSecrets) -> Step:
    """The trustees decrypt the last shuffle's output, however few shuffles there were."""

    def step(chain: list[Event], election: Election) -> list[Event]:
        targets = tuple(
            (spec.id, tuple(c for row in current_mix(chain, election, spec.id) for c in row))
            for spec in election.setup.contests
        )
        added: list[Event] = []
        for trustee in secrets.trustees:
            if trustee.name in ABSENT:
                continue
            signing = secrets.roles[trustee.name].signing
            partial = partial_decryption(election, targets, trustee, signing, FORGER_RNG)
            added.append(next_event([*chain, *added], "PartialDecryption", partial.to_body()))
        return added

    return step


def test_the_operator_mixes_under_the_trustees_names(record: Record) -> None:
    events, secrets = record
    names = [t.name for t in secrets.trustees]
    forger = dict.fromkeys(names, officer_key(secrets))
    chain = rebuild(
        events,
        "EndBallots",
        [],
        shuffles=_shuffles(names, forger),
        partials=honest_partials(secrets, ABSENT),
    )
    ok, failed = verdict(chain)
    assert not ok
    assert failed == {"V-SHUFFLE-SIG"}, failed


def test_fewer_shuffles_than_the_threshold(record: Record) -> None:
    events, secrets = record
    first = secrets.trustees[0].name
    own = {first: secrets.roles[first].signing}
    chain = rebuild(
        events,
        "EndBallots",
        [],
        shuffles=_shuffles([first], own),
        partials=_decrypt_last_shuffle(secrets),
        declare_result=False,  # the protocol refuses to declare; the forger stops here
    )
    ok, failed = verdict(chain)
    assert not ok
    assert "V-SHUFFLE-1" in failed, failed


def test_one_trustee_shuffling_twice_is_not_two_trustees(record: Record) -> None:
    events, secrets = record
    first = secrets.trustees[0].name
    own = {first: secrets.roles[first].signing}
    chain = rebuild(
        events,
        "EndBallots",
        [],
        shuffles=_shuffles([first, first], own),
        partials=_decrypt_last_shuffle(secrets),
    )
    ok, failed = verdict(chain)
    assert not ok
    assert failed == {"V-SHUFFLE-1"}, failed


def test_honest_shuffles_rebuilt_verify(record: Record) -> None:
    events, secrets = record
    names = [t.name for t in secrets.trustees]
    own = {name: secrets.roles[name].signing for name in names}
    chain = rebuild(
        events,
        "EndBallots",
        [],
        shuffles=_shuffles(names, own),
        partials=honest_partials(secrets, ABSENT),
    )
    ok, failed = verdict(chain)
    assert ok, failed
