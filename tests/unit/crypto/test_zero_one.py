"""Disjunctive CDS proofs that a ciphertext encrypts 0 or 1 (spec §4.4)."""

from __future__ import annotations

import pytest
from crypto_helpers import (
    CONTEXT,
    OTHER_CONTEXT,
    assert_every_argument_matters,
    assert_every_field_matters,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from clearcount.core.errors import DecodingError, ProofError
from clearcount.crypto.elgamal import encrypt, generate_keypair
from clearcount.crypto.group import Scalar, seeded_scalars
from clearcount.crypto.proofs import (
    DisjunctiveProof,
    prove_zero_one,
    reject_reused_challenges,
    verify_zero_one,
)
from clearcount.crypto.proofs.disjunctive import ZERO_ONE_TAG, prove_one_of
from clearcount.crypto.transcript import Transcript

SECRET, KEY = generate_keypair(seeded_scalars(b"zero-one tests"))
CREDENTIAL = b"public credential of the fictional member C. Placeholder"


@settings(max_examples=10)
@given(st.sampled_from([0, 1]))
def test_honest_proofs_verify(m: int) -> None:
    r = Scalar.random()
    ciphertext = encrypt(KEY, m, r)
    proof = prove_zero_one(CONTEXT, KEY, ciphertext, m, r, binding=CREDENTIAL)
    verify_zero_one(CONTEXT, KEY, ciphertext, proof, binding=CREDENTIAL)
    assert proof.branches == 2
    assert len(proof.to_bytes()) == 128
    decoded = DisjunctiveProof.from_bytes(proof.to_bytes())
    verify_zero_one(CONTEXT, KEY, ciphertext, decoded, binding=CREDENTIAL)


@pytest.mark.parametrize("m", [0, 1])
def test_every_statement_element_matters(m: int) -> None:
    r = Scalar.random()
    ciphertext = encrypt(KEY, m, r)
    proof = prove_zero_one(CONTEXT, KEY, ciphertext, m, r, binding=CREDENTIAL)

    def verify(
        context: bytes, key: object, ciphertext: object, proof: object, binding: bytes
    ) -> None:
        verify_zero_one(context, key, ciphertext, proof, binding=binding)  # type: ignore[arg-type]

    checked = assert_every_argument_matters(
        verify, context=CONTEXT, key=KEY, ciphertext=ciphertext, proof=proof, binding=CREDENTIAL
    )
    assert checked == ["context", "key", "ciphertext", "binding"]


def test_every_proof_field_matters() -> None:
    r = Scalar.random()
    ciphertext = encrypt(KEY, 1, r)
    proof = prove_zero_one(CONTEXT, KEY, ciphertext, 1, r)
    fields = assert_every_field_matters(
        lambda data: verify_zero_one(CONTEXT, KEY, ciphertext, DisjunctiveProof.from_bytes(data)),
        proof.to_bytes(),
    )
    assert fields == 4


@pytest.mark.parametrize("m", [2, 5, -1])
def test_a_cheating_prover_cannot_prove_another_value(m: int) -> None:
    r = Scalar.random()
    ciphertext = encrypt(KEY, m, r)
    for claimed in (0, 1):
        transcript = Transcript(ZERO_ONE_TAG, CONTEXT)
        transcript.append("public_key", KEY.point).append("binding", b"")
        transcript.append("pad", ciphertext.pad).append("data", ciphertext.data)
        transcript.append_all("values", (0, 1))
        forged = prove_one_of(transcript, KEY, ciphertext, (0, 1), claimed, r, Scalar.random)
        with pytest.raises(ProofError):
            verify_zero_one(CONTEXT, KEY, ciphertext, forged)
    with pytest.raises(ValueError, match="m in"):
        prove_zero_one(CONTEXT, KEY, ciphertext, m, r)


def test_forged_proof_is_rejected() -> None:
    ciphertext = encrypt(KEY, 1, Scalar.random())
    forged = DisjunctiveProof(
        (Scalar.random(), Scalar.random()), (Scalar.random(), Scalar.random())
    )
    with pytest.raises(ProofError, match="zero-one"):
        verify_zero_one(CONTEXT, KEY, ciphertext, forged)


def test_proof_for_another_ballot_or_election_is_rejected() -> None:
    r = Scalar.random()
    ciphertext = encrypt(KEY, 1, r)
    proof = prove_zero_one(CONTEXT, KEY, ciphertext, 1, r, binding=CREDENTIAL)
    with pytest.raises(ProofError):
        verify_zero_one(OTHER_CONTEXT, KEY, ciphertext, proof, binding=CREDENTIAL)
    with pytest.raises(ProofError):  # copied into another voter's ballot
        verify_zero_one(CONTEXT, KEY, ciphertext, proof, binding=b"another credential")
    other = encrypt(KEY, 1, Scalar.random())
    with pytest.raises(ProofError):
        verify_zero_one(CONTEXT, KEY, other, proof, binding=CREDENTIAL)
    _, other_key = generate_keypair()
    with pytest.raises(ProofError):
        verify_zero_one(CONTEXT, other_key, ciphertext, proof, binding=CREDENTIAL)


def test_wrong_branch_count_is_rejected() -> None:
    r = Scalar.random()
    ciphertext = encrypt(KEY, 1, r)
    proof = prove_zero_one(CONTEXT, KEY, ciphertext, 1, r)
    three = DisjunctiveProof(
        (*proof.challenges, Scalar.random()), (*proof.responses, Scalar.random())
    )
    with pytest.raises(ProofError, match="expected 2 branches"):
        verify_zero_one(CONTEXT, KEY, ciphertext, three)


def test_reused_challenges_are_rejected() -> None:
    ciphertext = encrypt(KEY, 1, Scalar.random())
    c = Scalar.random()
    same = DisjunctiveProof((c, c), (Scalar.random(), Scalar.random()))
    with pytest.raises(ProofError, match="replayed"):
        verify_zero_one(CONTEXT, KEY, ciphertext, same)
    r = Scalar.random()
    proof = prove_zero_one(CONTEXT, KEY, encrypt(KEY, 0, r), 0, r)
    with pytest.raises(ProofError, match="challenge #2 equal to challenge #0"):
        reject_reused_challenges("ballot box", [*proof.challenges, proof.challenges[0]])
    reject_reused_challenges("ballot box", proof.challenges)


@pytest.mark.parametrize("size", [0, 32, 96, 130])
def test_bad_encodings_are_rejected(size: int) -> None:
    with pytest.raises(DecodingError, match="DisjunctiveProof"):
        DisjunctiveProof.from_bytes(b"\x01" * size)
    with pytest.raises(DecodingError, match="unreduced"):
        DisjunctiveProof.from_bytes(b"\xff" * 128)
    with pytest.raises(DecodingError, match="as many responses"):
        DisjunctiveProof((Scalar.random(),), ())
