"""Attacks on the tally and the decryption (issue 8), each re-chained, each NOT VERIFIED.

Without the trustees' keys the forger cannot decrypt; what it can try is a tally that needs no
decryption (trivial encryptions (0, mG) of the counts it wants) and PartialDecryption events
under the trustees' names with identity shares and no proofs. A trustee itself may also try to
skip the proof of a share.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from tests.unit.verifier.forgery import (
    FORGER_RNG,
    Step,
    honest_partials,
    identity_partials,
    officer_key,
    rebuild,
    verdict,
)

from clearcount.crypto.elgamal import Ciphertext
from clearcount.crypto.group import Point, Scalar
from clearcount.protocol.acts import sign_act
from clearcount.protocol.context import Election
from clearcount.protocol.simulate import SimulationSecrets, simulate_election
from clearcount.record.chain import Event, next_event
from clearcount.record.events import EncryptedTally, PartialDecryption, TallyContest, parse_body
from clearcount.record.signing import DECRYPTION_PURPOSE
from clearcount.verifier import verify_events

Record = tuple[list[Event], SimulationSecrets]


@pytest.fixture(scope="module")
def record() -> Record:
    return simulate_election("industrial-action", b"decryption attacks")


def _trivial(m: int) -> Ciphertext:
    return Ciphertext(Point.identity(), Point.base_mul(Scalar.from_int(m)))


def _trivial_tally(counts: tuple[int, int]) -> Step:
    """The forger's EncryptedTally: (0, mG) of the counts it wants, in every contest."""

    def step(chain: list[Event], election: Election) -> list[Event]:
        contests = tuple(
            TallyContest(spec.id, tuple(_trivial(m) for m in counts))
            for spec in election.setup.contests
        )
        return [next_event(chain, "EncryptedTally", EncryptedTally(contests).to_body())]

    return step


def test_a_trivial_tally_with_identity_shares_under_the_trustees_names(record: Record) -> None:
    events, secrets = record
    chain = rebuild(
        events,
        "EndBallots",
        [],
        tally=_trivial_tally((1, 11)),
        partials=identity_partials(secrets, officer_key(secrets)),
    )
    ok, failed = verdict(chain)
    assert not ok
    assert {"V-TALLY-1", "V-DECRYPT-SIG"} <= failed, failed
    report_messages = _messages(chain, "V-TALLY-1")
    assert any("trivial encryption" in m for m in report_messages), report_messages


def test_honest_trustees_decrypting_a_trivial_tally_still_fail_the_tally(record: Record) -> None:
    events, secrets = record
    chain = rebuild(
        events, "EndBallots", [], tally=_trivial_tally((1, 11)), partials=honest_partials(secrets)
    )
    ok, failed = verdict(chain)
    assert not ok
    assert failed == {"V-TALLY-1"}, failed


def test_an_identity_share_without_proof_for_a_real_ciphertext_is_refused(
    record: Record,
) -> None:
    """A trustee (with its own signing key) gives the identity for one share and no batched
    proof: V-DECRYPT-1."""
    events, secrets = record

    def lazy(chain: list[Event], election: Election) -> list[Event]:
        honest = honest_partials(secrets, ("Nia Cedar",))(chain, election)
        first: PartialDecryption = parse_body(honest[0])
        contest = first.contests[0]
        skipped = replace(
            contest,
            shares=(Point.identity(), *contest.shares[1:]),
            proof=None,
        )
        draft = replace(first, contests=(skipped, *first.contests[1:]))
        key = secrets.roles[first.trustee].signing
        signature = sign_act(
            election.fingerprint, key, DECRYPTION_PURPOSE, draft.signed_digest(), FORGER_RNG
        )
        added = [
            next_event(chain, "PartialDecryption", replace(draft, signature=signature).to_body())
        ]
        added.append(next_event([*chain, *added], honest[1].kind, honest[1].body))
        return added

    chain = rebuild(events, "EndBallots", [], partials=lazy, declare_result=False)
    ok, failed = verdict(chain)
    assert not ok
    assert "V-DECRYPT-1" in failed, failed


def test_a_partial_decryption_re_signed_by_the_forger(record: Record) -> None:
    """Honest shares, but the event re-signed by the officer (e.g. to rename the trustee)."""
    events, secrets = record

    def renamed(chain: list[Event], election: Election) -> list[Event]:
        honest = honest_partials(secrets, ("Nia Cedar",))(chain, election)
        added: list[Event] = []
        for event in honest:
            body: PartialDecryption = parse_body(event)
            signature = sign_act(
                election.fingerprint,
                officer_key(secrets),
                DECRYPTION_PURPOSE,
                body.signed_digest(),
                FORGER_RNG,
            )
            body = replace(body, signature=signature)
            added.append(next_event([*chain, *added], "PartialDecryption", body.to_body()))
        return added

    chain = rebuild(events, "EndBallots", [], partials=renamed)
    ok, failed = verdict(chain)
    assert not ok
    assert failed == {"V-DECRYPT-SIG"}, failed


def _messages(chain: list[Event], check_id: str) -> list[str]:
    outcome = verify_events(chain, workers=1).outcome(check_id)
    return [f.message for f in outcome.findings]
