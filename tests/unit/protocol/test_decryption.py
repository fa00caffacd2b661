"""Key ceremony, tally, mixing, threshold decryption and declaration (spec §11.2, §11.7-§11.9)."""

import dataclasses

import pytest
from protocol_helpers import RNG, Opened, open_election

from clearcount.core.errors import CryptoError, ProofError, RecordError
from clearcount.crypto.dkg import TrusteeKey
from clearcount.crypto.group import Scalar
from clearcount.crypto.proofs.schnorr import SchnorrProof
from clearcount.protocol import board as bb
from clearcount.protocol.acts import sign_act
from clearcount.protocol.casting import make_ballot
from clearcount.protocol.ceremony import run_ceremony
from clearcount.protocol.ceremony_rounds import CeremonyError
from clearcount.protocol.context import Election
from clearcount.protocol.declare import declare
from clearcount.protocol.decryption import (
    combine_plaintexts,
    decryption_targets,
    partial_decryption,
    post_partial_decryption,
)
from clearcount.protocol.mixing import make_shuffle, shuffle_event
from clearcount.protocol.roles import simulated_roles
from clearcount.protocol.tally import tally_event
from clearcount.record.events import PartialDecryption, Result, Setup
from clearcount.record.signing import DECRYPTION_PURPOSE


def _closed(mixnet: bool = False) -> Opened:
    opened = open_election(mixnet=mixnet)
    chain, board = opened.chain, opened.board
    key = "leader" if mixnet else "chair"
    for i, marks in enumerate(((0,), (1, 2), (0,))):
        ballot, _ = make_ballot(
            board.election, {key: marks[: 1 if not mixnet else 3]}, opened.credentials[i], RNG
        )
        board, event = bb.cast(chain, board, ballot)
        chain.append(event)
    board, event = bb.close(chain, board)
    chain.append(event)
    opened.board = board
    return opened


def test_bad_share_in_the_ceremony_names_the_sender() -> None:
    draft = Setup.from_body(open_election().chain[0].body, "event 0")

    def corrupt(share):  # type: ignore[no-untyped-def]
        if share.sender == 2 and share.recipient == 3:
            return dataclasses.replace(share, value=share.value + Scalar.from_int(1))
        return share

    _, keys = simulated_roles("Officer", "Scrutineer", ("Pat", "Sam"), ("T1", "T2", "T3"), RNG)
    draft = dataclasses.replace(
        draft,
        trustee_keys=tuple(
            dataclasses.replace(t, key=keys[t.name].key, encryption_key=keys[t.name].encryption_key)
            for t in draft.trustee_keys
        ),
    )
    with pytest.raises(CeremonyError, match="trustee 'T2''s share to trustee 'T3' is bad"):
        run_ceremony(draft, keys, RNG, deliver=corrupt)


def test_homomorphic_tally_decrypts_with_two_of_three() -> None:
    opened = _closed()
    chain, election = opened.chain, opened.board.election
    chain.append(tally_event(chain, election))
    with pytest.raises(RecordError, match=r"before EncryptedTally"):
        tally_event(chain, election)
    targets = decryption_targets(chain, election)
    first = partial_decryption(
        election, targets, opened.ceremony.secrets[0], _signing(opened, 0), RNG
    )
    with pytest.raises(CryptoError, match="at least 2 of 3 trustees, got 1"):
        combine_plaintexts(election, targets, [first])
    chain.append(post_partial_decryption(chain, election, first))
    with pytest.raises(RecordError, match="one per trustee"):
        post_partial_decryption(chain, election, first)
    third = partial_decryption(
        election, targets, opened.ceremony.secrets[2], _signing(opened, 2), RNG
    )
    chain.append(post_partial_decryption(chain, election, third))
    result = Result.from_body(declare(chain, election).body, "result")
    assert result.contests[0].tallies == (2, 1, 0)
    assert result.contests[0].result["elected"] == ["Ann"]


def test_wrong_key_share_and_bad_partial_are_named() -> None:
    opened = _closed()
    chain, election = opened.chain, opened.board.election
    chain.append(tally_event(chain, election))
    targets = decryption_targets(chain, election)
    honest = opened.ceremony.secrets[1]
    wrong = dataclasses.replace(honest, key=TrusteeKey(2, honest.key.share + Scalar.from_int(1)))
    with pytest.raises(CryptoError, match="trustee 'T2'"):
        partial_decryption(election, targets, wrong, _signing(opened, 1), RNG)
    good = partial_decryption(election, targets, honest, _signing(opened, 1), RNG)
    other = partial_decryption(
        election, targets, opened.ceremony.secrets[0], _signing(opened, 0), RNG
    )
    forged = dataclasses.replace(
        good, contests=(dataclasses.replace(good.contests[0], shares=other.contests[0].shares),)
    )
    with pytest.raises(ProofError, match="trustee 'T2'"):
        post_partial_decryption(chain, election, forged)
    with pytest.raises(ProofError, match="from trustees 'T2'"):
        combine_plaintexts(election, targets, [other, forged])


def test_mixnet_contest_shuffles_and_decrypts() -> None:
    opened = _closed(mixnet=True)
    chain, election = opened.chain, opened.board.election
    chain.append(
        shuffle_event(
            chain, make_shuffle(chain, election, "leader", "T1", _signing(opened, 0), RNG)
        )
    )
    with pytest.raises(RecordError, match="at least 2 shuffles"):
        decryption_targets(chain, election)
    with pytest.raises(RecordError, match="second by 'T1'"):
        shuffle_event(
            chain, make_shuffle(chain, election, "leader", "T1", _signing(opened, 0), RNG)
        )
    chain.append(
        shuffle_event(
            chain, make_shuffle(chain, election, "leader", "T3", _signing(opened, 2), RNG)
        )
    )
    targets = decryption_targets(chain, election)
    for i, secret in enumerate(opened.ceremony.secrets[:2]):
        partial = partial_decryption(election, targets, secret, _signing(opened, i), RNG)
        chain.append(post_partial_decryption(chain, election, partial))
    result = Result.from_body(declare(chain, election).body, "result").contests[0]
    assert sorted(result.rankings or ()) == [(1, 0, 0), (1, 0, 0), (2, 3, 0)]
    assert result.result["elected"] == ["Ann"]


def _signing(opened: Opened, index: int) -> Scalar:
    """Trustee `index` (0-based)'s long-term signing key."""
    return opened.keys[opened.ceremony.secrets[index].name].signing


def test_only_the_trustee_signs_its_shuffle_and_decryption() -> None:
    opened = _closed(mixnet=True)
    chain, election = opened.chain, opened.board.election
    officer = opened.keys["Officer"].signing
    with pytest.raises(ProofError, match="own signing key of trustee 'T1'"):
        shuffle_event(chain, make_shuffle(chain, election, "leader", "T1", officer, RNG))
    chain.append(
        shuffle_event(
            chain, make_shuffle(chain, election, "leader", "T1", _signing(opened, 0), RNG)
        )
    )
    chain.append(
        shuffle_event(
            chain, make_shuffle(chain, election, "leader", "T2", _signing(opened, 1), RNG)
        )
    )
    targets = decryption_targets(chain, election)
    with pytest.raises(ProofError, match="own signing key of trustee 'T1'"):
        partial_decryption(election, targets, opened.ceremony.secrets[0], officer, RNG)
    good = partial_decryption(election, targets, opened.ceremony.secrets[0], _signing(opened, 0))
    resigned = dataclasses.replace(good, signature=_signed_by(officer, election, good))
    with pytest.raises(ProofError, match="PartialDecryption by trustee 'T1'"):
        post_partial_decryption(chain, election, resigned)


def _signed_by(secret: Scalar, election: Election, partial: PartialDecryption) -> SchnorrProof:
    return sign_act(election.fingerprint, secret, DECRYPTION_PURPOSE, partial.signed_digest())


def test_partial_decryption_on_the_pool_equals_the_one_in_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Shares and composites cut into chunks for the pool give the same body (spec §4.3.3)."""
    import clearcount.protocol.decryption as decryption
    from clearcount.crypto.group import seeded_scalars

    opened = _closed(mixnet=True)
    chain, election = opened.chain, opened.board.election
    for i, name in enumerate(("T1", "T2")):
        made = make_shuffle(chain, election, "leader", name, _signing(opened, i), RNG)
        chain.append(shuffle_event(chain, made))
    targets = decryption_targets(chain, election)
    secret, signing = opened.ceremony.secrets[0], _signing(opened, 0)
    alone = partial_decryption(election, targets, secret, signing, seeded_scalars(b"p"), workers=1)
    monkeypatch.setattr(decryption, "CHUNK", 2)
    pooled = partial_decryption(election, targets, secret, signing, seeded_scalars(b"p"), workers=2)
    assert pooled == alone
    assert all(c.proof is not None for c in pooled.contests)
    decryption.verify_partial(election, targets, pooled, workers=2)
    bumped = dataclasses.replace(
        pooled.contests[0], shares=(*pooled.contests[0].shares[:-1], pooled.contests[0].shares[0])
    )
    forged = dataclasses.replace(pooled, contests=(bumped,))
    forged = dataclasses.replace(forged, signature=_signed_by(signing, election, forged))
    with pytest.raises(ProofError, match=r"contest 'leader'.*decryption-batch"):
        decryption.verify_partial(election, targets, forged, workers=2)
