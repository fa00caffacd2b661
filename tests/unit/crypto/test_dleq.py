"""Chaum-Pedersen proofs of discrete-log equality and of correct decryption (spec §4.3)."""

from __future__ import annotations

import pytest
from crypto_helpers import (
    CONTEXT,
    OTHER_CONTEXT,
    assert_every_argument_matters,
    assert_every_field_matters,
)

from clearcount.core.errors import DecodingError, ProofError
from clearcount.crypto.dlog import DiscreteLog
from clearcount.crypto.elgamal import Ciphertext, PublicKey, encrypt, generate_keypair
from clearcount.crypto.group import Point, Scalar, independent_generators, seeded_scalars
from clearcount.crypto.proofs import (
    DleqProof,
    prove_decryption,
    prove_dleq,
    verify_decryption,
    verify_dleq,
)

SECRET, KEY = generate_keypair(seeded_scalars(b"dleq tests"))
H1, H2 = independent_generators(b"dleq tests", 2)


def test_generic_dleq_verifies_and_every_element_matters() -> None:
    x = SECRET.scalar
    proof = prove_dleq(CONTEXT, x, H1, H2, purpose="test", bound_to=(b"extra", 7))

    def verify(
        context: bytes,
        base1: Point,
        public1: Point,
        base2: Point,
        public2: Point,
        proof: DleqProof,
        bound_to: list[object],
    ) -> None:
        verify_dleq(
            context,
            base1,
            public1,
            base2,
            public2,
            proof,
            purpose="test",
            bound_to=bound_to,  # type: ignore[arg-type]
        )

    checked = assert_every_argument_matters(
        verify,
        context=CONTEXT,
        base1=H1,
        public1=H1 * x,
        base2=H2,
        public2=H2 * x,
        proof=proof,
        bound_to=[b"extra", 7],
    )
    assert checked == ["context", "base1", "public1", "base2", "public2", "bound_to"]


def test_decryption_proof_verifies_and_gives_the_plaintext() -> None:
    ciphertext = encrypt(KEY, 42, Scalar.random())
    share, proof = prove_decryption(CONTEXT, SECRET, ciphertext)
    verify_decryption(CONTEXT, KEY, ciphertext, share, proof)
    assert DiscreteLog(100).solve(ciphertext.data - share) == 42
    verify_decryption(CONTEXT, KEY, ciphertext, share, DleqProof.from_bytes(proof.to_bytes()))


def test_every_decryption_statement_element_matters() -> None:
    ciphertext = encrypt(KEY, 1, Scalar.random())
    share, proof = prove_decryption(CONTEXT, SECRET, ciphertext)
    checked = assert_every_argument_matters(
        verify_decryption,
        context=CONTEXT,
        key=KEY,
        ciphertext=ciphertext,
        share=share,
        proof=proof,
    )
    assert checked == ["context", "key", "ciphertext", "share"]
    moved_pad = Ciphertext(ciphertext.pad + Point.generator(), ciphertext.data)
    with pytest.raises(ProofError):
        verify_decryption(CONTEXT, KEY, moved_pad, share, proof)


def test_every_proof_field_matters() -> None:
    ciphertext = encrypt(KEY, 1, Scalar.random())
    share, proof = prove_decryption(CONTEXT, SECRET, ciphertext)
    fields = assert_every_field_matters(
        lambda data: verify_decryption(CONTEXT, KEY, ciphertext, share, DleqProof.from_bytes(data)),
        proof.to_bytes(),
    )
    assert fields == 2


def test_wrong_share_is_rejected_even_with_an_honest_looking_proof() -> None:
    ciphertext = encrypt(KEY, 5, Scalar.random())
    _, proof = prove_decryption(CONTEXT, SECRET, ciphertext)
    lying_share = ciphertext.pad * SECRET.scalar - Point.generator()  # claims 6 instead of 5
    with pytest.raises(ProofError):
        verify_decryption(CONTEXT, KEY, ciphertext, lying_share, proof)


def test_forged_and_foreign_proofs_are_rejected() -> None:
    ciphertext = encrypt(KEY, 1, Scalar.random())
    share, proof = prove_decryption(CONTEXT, SECRET, ciphertext)
    with pytest.raises(ProofError, match="Chaum-Pedersen"):
        verify_decryption(
            CONTEXT, KEY, ciphertext, share, DleqProof(Scalar.random(), Scalar.random())
        )
    with pytest.raises(ProofError):
        verify_decryption(OTHER_CONTEXT, KEY, ciphertext, share, proof)
    other = encrypt(KEY, 1, Scalar.random())
    with pytest.raises(ProofError):
        verify_decryption(CONTEXT, KEY, other, other.pad * SECRET.scalar, proof)
    with pytest.raises(ProofError):
        verify_dleq(
            CONTEXT,
            Point.generator(),
            KEY.point,
            ciphertext.pad,
            share,
            proof,
            purpose="partial-decryption",
            bound_to=(ciphertext.data,),
        )


def test_identity_anywhere_in_the_statement_is_rejected() -> None:
    proof = prove_dleq(CONTEXT, SECRET.scalar, H1, H2)
    identity = Point.identity()
    for position in range(4):
        points = [H1, H1 * SECRET.scalar, H2, H2 * SECRET.scalar]
        points[position] = identity
        with pytest.raises(ProofError, match="identity"):
            verify_dleq(CONTEXT, points[0], points[1], points[2], points[3], proof)


def test_decoding_rejects_bad_encodings() -> None:
    with pytest.raises(DecodingError, match="DleqProof"):
        DleqProof.from_bytes(b"\x00" * 63)
    with pytest.raises(DecodingError, match="unreduced"):
        DleqProof.from_bytes(b"\xff" * 64)
    with pytest.raises(DecodingError):
        PublicKey.from_bytes(b"\xff" * 32)
