"""Schnorr proofs: key possession and credential signatures (spec §4.2)."""

from __future__ import annotations

import pytest
from crypto_helpers import (
    CONTEXT,
    OTHER_CONTEXT,
    assert_every_argument_matters,
    assert_every_field_matters,
)

from clearcount.core.errors import DecodingError, ProofError
from clearcount.crypto.group import Point, Scalar, independent_generators, seeded_scalars
from clearcount.crypto.proofs import SchnorrProof, prove_schnorr, verify_schnorr

SECRET = seeded_scalars(b"schnorr tests")()
PUBLIC = Point.base_mul(SECRET)
MESSAGE = b"ballot of the fictional member B. Sample"


def verify(
    context: bytes, public: Point, proof: SchnorrProof, message: bytes, generator: Point
) -> None:
    verify_schnorr(
        context,
        public,
        proof,
        message=message,
        purpose="credential-signature",
        generator=generator,
    )


def test_honest_proofs_verify_and_round_trip() -> None:
    proof = prove_schnorr(CONTEXT, SECRET)
    verify_schnorr(CONTEXT, PUBLIC, proof)
    assert len(proof.to_bytes()) == 64
    verify_schnorr(CONTEXT, PUBLIC, SchnorrProof.from_bytes(proof.to_bytes()))


def test_every_statement_element_and_the_context_matter() -> None:
    h = independent_generators(b"schnorr tests", 1)[0]
    proof = prove_schnorr(
        CONTEXT, SECRET, message=MESSAGE, purpose="credential-signature", generator=h
    )
    checked = assert_every_argument_matters(
        verify, context=CONTEXT, public=h * SECRET, proof=proof, message=MESSAGE, generator=h
    )
    assert checked == ["context", "public", "message", "generator"]


def test_every_proof_field_matters() -> None:
    proof = prove_schnorr(CONTEXT, SECRET)
    fields = assert_every_field_matters(
        lambda data: verify_schnorr(CONTEXT, PUBLIC, SchnorrProof.from_bytes(data)),
        proof.to_bytes(),
    )
    assert fields == 2


def test_forged_proof_is_rejected() -> None:
    forged = SchnorrProof(Scalar.random(), Scalar.random())
    with pytest.raises(ProofError, match="Schnorr proof"):
        verify_schnorr(CONTEXT, PUBLIC, forged)


def test_proof_for_another_election_or_key_is_rejected() -> None:
    proof = prove_schnorr(CONTEXT, SECRET)
    with pytest.raises(ProofError):
        verify_schnorr(OTHER_CONTEXT, PUBLIC, proof)
    with pytest.raises(ProofError):
        verify_schnorr(CONTEXT, Point.base_mul(Scalar.random()), proof)


def test_purposes_are_domain_separated() -> None:
    proof = prove_schnorr(CONTEXT, SECRET, purpose="key-possession")
    with pytest.raises(ProofError):
        verify_schnorr(CONTEXT, PUBLIC, proof, purpose="credential-signature")
    with pytest.raises(ValueError, match="purpose"):
        prove_schnorr(CONTEXT, SECRET, purpose="a/b")


def test_signature_binds_the_message() -> None:
    proof = prove_schnorr(CONTEXT, SECRET, message=MESSAGE, purpose="credential-signature")
    verify_schnorr(CONTEXT, PUBLIC, proof, message=MESSAGE, purpose="credential-signature")
    with pytest.raises(ProofError):
        verify_schnorr(CONTEXT, PUBLIC, proof, message=b"", purpose="credential-signature")


def test_identity_public_key_or_generator_is_rejected() -> None:
    proof = prove_schnorr(CONTEXT, SECRET)
    with pytest.raises(ProofError, match=r"public_key.*identity"):
        verify_schnorr(CONTEXT, Point.identity(), proof)
    with pytest.raises(ProofError, match=r"generator.*identity"):
        verify_schnorr(CONTEXT, PUBLIC, proof, generator=Point.identity())


def test_trivial_proof_for_zero_challenge_is_rejected() -> None:
    # c = 0 would make A = s·G independent of the key: it must still fail the hash check.
    with pytest.raises(ProofError):
        verify_schnorr(CONTEXT, PUBLIC, SchnorrProof(Scalar.from_int(0), Scalar.from_int(1)))


@pytest.mark.parametrize("size", [0, 32, 63, 65, 96])
def test_wrong_length_encodings_are_rejected(size: int) -> None:
    with pytest.raises(DecodingError, match="SchnorrProof"):
        SchnorrProof.from_bytes(b"\x01" * size)


def test_unreduced_scalars_in_the_encoding_are_rejected() -> None:
    proof = prove_schnorr(CONTEXT, SECRET).to_bytes()
    with pytest.raises(DecodingError, match="unreduced"):
        SchnorrProof.from_bytes(b"\xff" * 32 + proof[32:])
    with pytest.raises(DecodingError, match="unreduced"):
        SchnorrProof.from_bytes(proof[:32] + b"\xff" * 32)
