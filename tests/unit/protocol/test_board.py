"""Casting and the board's acceptance checks (spec §11.4-§11.6)."""

import dataclasses

import pytest
from protocol_helpers import RNG, open_election

from clearcount.core.errors import ProofError, RecordError
from clearcount.crypto.group import Scalar
from clearcount.protocol import board as bb
from clearcount.protocol.casting import contest_plaintexts, make_ballot, verify_ballot
from clearcount.protocol.challenge import spoil, verify_spoiled
from clearcount.protocol.credentials import CredentialSecret
from clearcount.protocol.paper import enter_paper_batch, sign_cancellation
from clearcount.protocol.tally import counted_events, tally_event
from clearcount.record.events import PaperBallot, SpoiledContest


def test_accepts_a_valid_ballot_and_the_last_one_counts() -> None:
    opened = open_election()
    chain, board = opened.chain, opened.board
    for marks in ((0,), (2,)):
        ballot, _ = make_ballot(board.election, {"chair": marks}, opened.credentials[0], RNG)
        board, event = bb.cast(chain, board, ballot)
        chain.append(event)
    counted = counted_events(chain)
    assert [e.seq for e in counted] == [3]
    assert board.ballots == 2
    assert board.last_ballot == chain[-1].hash


def test_refuses_unknown_cancelled_and_late_ballots() -> None:
    opened = open_election()
    chain, board = opened.chain, opened.board
    stranger = CredentialSecret.from_secret(Scalar.from_int(12345))
    ballot, _ = make_ballot(board.election, {"chair": (0,)}, stranger, RNG)
    with pytest.raises(RecordError, match="expected a published credential"):
        bb.cast(chain, board, ballot)
    authority = opened.keys["Scrutineer"].signing
    fingerprint = board.election.fingerprint
    cancellation = sign_cancellation(fingerprint, [opened.credentials[1].public], authority, RNG)
    batch = enter_paper_batch(
        board.election, "meeting", "chair", [PaperBallot((1,))], cancellation, opened.tellers, RNG
    )
    board, event = bb.post_paper_batch(chain, board, batch)
    chain.append(event)
    again = enter_paper_batch(
        board.election, "meeting", "chair", [PaperBallot((0,))], cancellation, opened.tellers, RNG
    )
    with pytest.raises(RecordError, match="cancelled by an earlier batch"):
        bb.post_paper_batch(chain, board, again)
    cancelled, _ = make_ballot(board.election, {"chair": (0,)}, opened.credentials[1], RNG)
    with pytest.raises(RecordError, match="cancelled"):
        bb.cast(chain, board, cancelled)
    board, event = bb.close(chain, board)
    chain.append(event)
    late, _ = make_ballot(board.election, {"chair": (0,)}, opened.credentials[0], RNG)
    with pytest.raises(RecordError, match="after EndBallots"):
        bb.cast(chain, board, late)
    with pytest.raises(RecordError, match="already closed"):
        bb.close(chain, board)


def test_refuses_bad_proofs_and_signatures() -> None:
    opened = open_election()
    election = opened.board.election
    ballot, _ = make_ballot(election, {"chair": (0,)}, opened.credentials[0], RNG)
    other, _ = make_ballot(election, {"chair": (1,)}, opened.credentials[1], RNG)
    swapped = dataclasses.replace(ballot.contests[0], proofs=other.contests[0].proofs)
    forged = dataclasses.replace(ballot, contests=(swapped,))
    with pytest.raises(ProofError, match="Ballot contest 'chair'"):
        bb.cast(opened.chain, opened.board, forged)
    unsigned = dataclasses.replace(ballot, signature=other.signature)
    with pytest.raises(ProofError, match=r"Ballot\.signature"):
        verify_ballot(election, unsigned)


def test_device_refuses_invalid_marks() -> None:
    spec = open_election().board.election.contest("chair")
    assert contest_plaintexts(spec, (1,)) == (0, 1, 0)
    with pytest.raises(RecordError, match="expected 0 to 1 marks"):
        contest_plaintexts(spec, (0, 1))
    with pytest.raises(RecordError, match="distinct indices"):
        contest_plaintexts(spec, (5,))


def test_benaloh_challenge_opens_and_catches_a_lying_device() -> None:
    opened = open_election()
    board = opened.board
    ballot, openings = make_ballot(board.election, {"chair": (2,)}, opened.credentials[0], RNG)
    spoiled = spoil(ballot, openings)
    board, event = bb.post_spoiled(opened.chain, board, spoiled)
    assert event.kind == "Spoiled"
    contest = spoiled.contests[0]
    lie = SpoiledContest(contest.id, contest.ciphertexts, (1, 0, 0), contest.nonces)
    with pytest.raises(ProofError, match="ciphertexts\\[0\\]"):
        verify_spoiled(board.election, dataclasses.replace(spoiled, contests=(lie,)))


def test_tally_refused_before_close() -> None:
    opened = open_election()
    with pytest.raises(RecordError, match="expected EndBallots on the record first"):
        tally_event(opened.chain, opened.board.election)


def test_paper_batch_checks_tellers_and_channel() -> None:
    opened = open_election()
    election = opened.board.election
    cancellation = sign_cancellation(
        election.fingerprint,
        [opened.credentials[0].public],
        opened.keys["Scrutineer"].signing,
        RNG,
    )
    batch = enter_paper_batch(
        election, "postal", "chair", [PaperBallot((0,))], cancellation, opened.tellers, RNG
    )
    bad = dataclasses.replace(batch, signatures=(batch.signatures[1], batch.signatures[0]))
    with pytest.raises(ProofError, match="teller 'Pat'"):
        bb.post_paper_batch(opened.chain, opened.board, bad)
    with pytest.raises(RecordError, match="ranked before 'online'"):
        enter_paper_batch(election, "online", "chair", [], None, opened.tellers, RNG)
    with pytest.raises(RecordError, match=r"ballots\[0\]"):
        enter_paper_batch(
            election, "postal", "chair", [PaperBallot((0, 1))], None, opened.tellers, RNG
        )


def test_paper_needs_the_authoritys_cancellations() -> None:
    opened = open_election()
    election = opened.board.election
    credential = [opened.credentials[0].public]
    forged = sign_cancellation(election.fingerprint, credential, opened.keys["Officer"].signing)
    with pytest.raises(ProofError, match="credential authority 'Scrutineer'"):
        enter_paper_batch(
            election, "postal", "chair", [PaperBallot((0,))], forged, opened.tellers, RNG
        )
    no_voter = enter_paper_batch(
        election, "postal", "chair", [PaperBallot((0,))], None, opened.tellers, RNG
    )
    with pytest.raises(RecordError, match="more than the 0 of the credentials"):
        bb.post_paper_batch(opened.chain, opened.board, no_voter)


def test_the_same_ballot_sent_again_is_found_and_a_replayed_proof_refused() -> None:
    """A booth re-sends its ballot when the answer was lost (the fault soak found the board
    storing it twice, and the record then failing V-CHALLENGE-1): the board recognises it."""
    opened = open_election()
    chain, board = opened.chain, opened.board
    credential = opened.credentials[0]
    first, _ = make_ballot(board.election, {"chair": (0,)}, credential, RNG)
    assert bb.resent(first, []) is None
    board, stored = bb.cast(chain, board, first)
    chain.append(stored)
    assert bb.resent(first, [stored]) is stored
    second, _ = make_ballot(board.election, {"chair": (1,)}, credential, RNG)
    assert bb.resent(second, [stored]) is None
    board, replacing = bb.cast(chain, board, second)
    chain.append(replacing)
    with pytest.raises(RecordError, match=r"fresh proofs \(spec §4\.1\.4\).*event 2"):
        bb.resent(first, [stored, replacing])
    fresh, _ = make_ballot(board.election, {"chair": (2,)}, credential, RNG)
    copied = dataclasses.replace(fresh.contests[0], proofs=second.contests[0].proofs)
    with pytest.raises(RecordError, match="a replayed or copied proof"):
        bb.resent(dataclasses.replace(fresh, contests=(copied,)), [stored, replacing])
    assert bb.ballot_challenges(fresh).isdisjoint(bb.ballot_challenges(second))
