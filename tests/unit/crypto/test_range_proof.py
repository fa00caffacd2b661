"""Range proofs: a sum of ciphertexts encrypts a value in [min, max] (spec §4.5)."""

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

from clearcount.core.errors import ProofError
from clearcount.crypto.elgamal import Ciphertext, encrypt, generate_keypair
from clearcount.crypto.group import Scalar, seeded_scalars
from clearcount.crypto.proofs import DisjunctiveProof, prove_range, verify_range

SECRET, KEY = generate_keypair(seeded_scalars(b"range tests"))
CREDENTIAL = b"public credential of the fictional member D. Instance"


def ballot(votes: list[int]) -> tuple[list[Ciphertext], Scalar]:
    nonces = [Scalar.random() for _ in votes]
    total = Scalar.from_int(0)
    for r in nonces:
        total = total + r
    return [encrypt(KEY, m, r) for m, r in zip(votes, nonces, strict=True)], total


@settings(max_examples=15, deadline=None)
@given(st.lists(st.sampled_from([0, 1]), min_size=1, max_size=5), st.data())
def test_honest_proofs_verify(votes: list[int], data: st.DataObject) -> None:
    total = sum(votes)
    minimum = data.draw(st.integers(min_value=0, max_value=total))
    maximum = data.draw(st.integers(min_value=total, max_value=len(votes)))
    ciphertexts, nonce = ballot(votes)
    proof = prove_range(CONTEXT, KEY, ciphertexts, total, nonce, minimum, maximum)
    assert proof.branches == maximum - minimum + 1
    verify_range(CONTEXT, KEY, ciphertexts, minimum, maximum, proof)
    verify_range(
        CONTEXT, KEY, ciphertexts, minimum, maximum, DisjunctiveProof.from_bytes(proof.to_bytes())
    )


def test_every_statement_element_matters() -> None:
    ciphertexts, nonce = ballot([1, 0, 1, 0])
    proof = prove_range(CONTEXT, KEY, ciphertexts, 2, nonce, 1, 3, binding=CREDENTIAL)

    def verify(
        context: bytes,
        key: object,
        ciphertexts: object,
        minimum: int,
        maximum: int,
        proof: object,
        binding: bytes,
    ) -> None:
        verify_range(context, key, ciphertexts, minimum, maximum, proof, binding=binding)  # type: ignore[arg-type]

    checked = assert_every_argument_matters(
        verify,
        context=CONTEXT,
        key=KEY,
        ciphertexts=ciphertexts,
        minimum=1,
        maximum=3,
        proof=proof,
        binding=CREDENTIAL,
    )
    assert checked == ["context", "key", "ciphertexts", "minimum", "maximum", "binding"]
    for i in range(len(ciphertexts)):  # each ciphertext, not only the first
        moved = list(ciphertexts)
        moved[i] = encrypt(KEY, [1, 0, 1, 0][i], Scalar.random())
        with pytest.raises(ProofError):
            verify_range(CONTEXT, KEY, moved, 1, 3, proof, binding=CREDENTIAL)


def test_same_sum_in_other_ciphertexts_is_rejected() -> None:
    ciphertexts, nonce = ballot([1, 0])
    proof = prove_range(CONTEXT, KEY, ciphertexts, 1, nonce, 0, 2)
    with pytest.raises(ProofError):  # same sum, different statement (swapped order)
        verify_range(CONTEXT, KEY, ciphertexts[::-1], 0, 2, proof)


def test_every_proof_field_matters() -> None:
    ciphertexts, nonce = ballot([1, 1, 0])
    proof = prove_range(CONTEXT, KEY, ciphertexts, 2, nonce, 0, 3)
    fields = assert_every_field_matters(
        lambda data: verify_range(
            CONTEXT, KEY, ciphertexts, 0, 3, DisjunctiveProof.from_bytes(data)
        ),
        proof.to_bytes(),
    )
    assert fields == 8


def test_a_sum_outside_the_range_cannot_be_proved() -> None:
    ciphertexts, nonce = ballot([1, 1, 1])
    with pytest.raises(ValueError, match="total"):
        prove_range(CONTEXT, KEY, ciphertexts, 3, nonce, 0, 2)
    lying = prove_range(CONTEXT, KEY, ciphertexts, 2, nonce, 0, 2)  # claims 2, sum is 3
    with pytest.raises(ProofError, match="range proof"):
        verify_range(CONTEXT, KEY, ciphertexts, 0, 2, lying)


def test_forged_and_foreign_proofs_are_rejected() -> None:
    ciphertexts, nonce = ballot([1, 0])
    proof = prove_range(CONTEXT, KEY, ciphertexts, 1, nonce, 0, 2)
    with pytest.raises(ProofError):
        verify_range(OTHER_CONTEXT, KEY, ciphertexts, 0, 2, proof)
    forged = DisjunctiveProof(
        tuple(Scalar.random() for _ in range(3)), tuple(Scalar.random() for _ in range(3))
    )
    with pytest.raises(ProofError):
        verify_range(CONTEXT, KEY, ciphertexts, 0, 2, forged)


@pytest.mark.parametrize(("minimum", "maximum"), [(-1, 2), (3, 2)])
def test_bad_bounds(minimum: int, maximum: int) -> None:
    ciphertexts, nonce = ballot([1])
    with pytest.raises(ValueError, match="min"):
        prove_range(CONTEXT, KEY, ciphertexts, 1, nonce, minimum, maximum)
    proof = prove_range(CONTEXT, KEY, ciphertexts, 1, nonce, 0, 1)
    with pytest.raises(ProofError, match="min"):
        verify_range(CONTEXT, KEY, ciphertexts, minimum, maximum, proof)
