"""The batched Chaum-Pedersen proof of decryption shares (spec §4.3.3, RFC 9497 §2.2.1).

A single wrong share anywhere in the batch must make the one proof fail: a flipped share, two
swapped, one dropped, a proof replayed from another batch or trustee, coefficients derived
another way (RFC 9497's seed over the key alone, or no seed at all).
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from crypto_helpers import CONTEXT, OTHER_CONTEXT
from hypothesis import given, settings
from hypothesis import strategies as st

from clearcount.core.errors import ProofError
from clearcount.crypto.elgamal import Ciphertext, encrypt, generate_keypair
from clearcount.crypto.group import Point, Scalar, seeded_scalars
from clearcount.crypto.proofs.batch_dleq import (
    BatchStatement,
    batch_seed,
    composite_part,
    composite_weight,
    prove_batch,
    prove_composite,
    verify_batch,
    verify_composite,
)

RNG = seeded_scalars(b"batch dleq tests")
SECRET, KEY = generate_keypair(RNG)
OTHER_SECRET, OTHER_KEY = generate_keypair(RNG)


def _batch(size: int, secret: Scalar = SECRET.scalar, *, trustee: int = 1) -> BatchStatement:
    ciphertexts = tuple(encrypt(KEY, m % 4, RNG()) for m in range(size))
    shares = tuple(c.pad * secret for c in ciphertexts)
    return BatchStatement(trustee, "leader", Point.base_mul(secret), ciphertexts, shares)


BATCH = _batch(6)
PROOF = prove_batch(CONTEXT, SECRET.scalar, BATCH, RNG)


def test_an_honest_batch_verifies() -> None:
    verify_batch(CONTEXT, BATCH, PROOF)


@settings(max_examples=15, deadline=None)
@given(size=st.integers(min_value=1, max_value=12), seed=st.binary(min_size=1, max_size=8))
def test_honest_batches_of_any_size_verify(size: int, seed: bytes) -> None:
    rng = seeded_scalars(seed)
    secret = rng()
    ciphertexts = tuple(encrypt(KEY, 1, rng()) for _ in range(size))
    statement = BatchStatement(
        3, "chair", Point.base_mul(secret), ciphertexts, tuple(c.pad * secret for c in ciphertexts)
    )
    verify_batch(CONTEXT, statement, prove_batch(CONTEXT, secret, statement, rng))


def _refused(statement: BatchStatement, proof: object = PROOF, context: bytes = CONTEXT) -> None:
    with pytest.raises(ProofError, match="decryption-batch"):
        verify_batch(context, statement, proof)  # type: ignore[arg-type]


@pytest.mark.parametrize("position", [0, 3, 5])
def test_one_flipped_share_anywhere_fails_the_batch(position: int) -> None:
    shares = list(BATCH.shares)
    shares[position] = shares[position] + Point.generator()
    _refused(replace(BATCH, shares=tuple(shares)))


def test_a_wrong_share_with_its_correct_partner_elsewhere_fails() -> None:
    """Shares D_i = z·A_i + E and D_j = z·A_j − E cancel only if d_i = d_j: they never do."""
    shift = Point.generator()
    shares = list(BATCH.shares)
    shares[1], shares[4] = shares[1] + shift, shares[4] - shift
    _refused(replace(BATCH, shares=tuple(shares)))


def test_two_swapped_shares_fail() -> None:
    shares = list(BATCH.shares)
    shares[1], shares[2] = shares[2], shares[1]
    _refused(replace(BATCH, shares=tuple(shares)))


def test_two_swapped_targets_with_their_shares_fail() -> None:
    """The order is bound: reordering ciphertexts and shares together is another statement."""
    order = [1, 0, 2, 3, 4, 5]
    _refused(
        replace(
            BATCH,
            ciphertexts=tuple(BATCH.ciphertexts[i] for i in order),
            shares=tuple(BATCH.shares[i] for i in order),
        )
    )


def test_a_dropped_share_fails() -> None:
    _refused(replace(BATCH, ciphertexts=BATCH.ciphertexts[:-1], shares=BATCH.shares[:-1]))


def test_a_changed_data_half_fails() -> None:
    first = BATCH.ciphertexts[0]
    moved = Ciphertext(first.pad, first.data + Point.generator())
    _refused(replace(BATCH, ciphertexts=(moved, *BATCH.ciphertexts[1:])))


def test_a_proof_replayed_on_another_batch_trustee_contest_or_election_fails() -> None:
    _refused(_batch(6))
    _refused(replace(BATCH, trustee=2))
    _refused(replace(BATCH, batch="chair"))
    _refused(BATCH, context=OTHER_CONTEXT)
    other = _batch(6, OTHER_SECRET.scalar, trustee=2)
    _refused(other)
    _refused(replace(BATCH, key=other.key, shares=other.shares))


def test_a_proof_under_another_trustees_key_fails() -> None:
    """Honest shares of trustee 2 presented with trustee 1's key."""
    other = replace(BATCH, shares=tuple(c.pad * OTHER_SECRET.scalar for c in BATCH.ciphertexts))
    _refused(other, prove_batch(CONTEXT, OTHER_SECRET.scalar, other, RNG))


def test_a_mismatched_share_count_is_refused_when_built() -> None:
    with pytest.raises(ValueError, match="one share per ciphertext"):
        replace(BATCH, shares=BATCH.shares[:-1])


def _rfc_seed_only_over_the_key(statement: BatchStatement) -> bytes:
    return Scalar.hash(b"Seed-", statement.key.to_bytes()).to_bytes()


@pytest.mark.parametrize(
    "derive",
    [
        _rfc_seed_only_over_the_key,
        lambda statement: batch_seed(OTHER_CONTEXT, statement),
        lambda statement: batch_seed(CONTEXT, replace(statement, batch="other")),
    ],
    ids=["seed over the key only", "seed of another election", "seed of another batch"],
)
def test_coefficients_derived_any_other_way_fail(derive: object) -> None:
    """A prover that derives the d_i otherwise (here: honestly, but from another seed) proves
    composites the verifier does not recompute."""
    seed = derive(BATCH)  # type: ignore[operator]
    pads = [c.pad for c in BATCH.ciphertexts]
    base, _ = composite_part(seed, pads, None)
    proof = prove_composite(CONTEXT, SECRET.scalar, seed, base, RNG)
    _refused(BATCH, proof)


def test_unit_coefficients_would_let_errors_cancel_but_hashed_ones_do_not() -> None:
    """Why the d_i: with all d_i = 1 the two shifted shares above cancel in Z."""
    shift = Point.generator()
    shares = list(BATCH.shares)
    shares[1], shares[4] = shares[1] + shift, shares[4] - shift
    plain = Point.identity()
    for share in shares:
        plain = plain + share
    honest = Point.identity()
    for c in BATCH.ciphertexts:
        honest = honest + c.pad
    assert plain == honest * SECRET.scalar  # the naive sum is fooled
    _refused(replace(BATCH, shares=tuple(shares)))


def test_chunked_composites_add_up_to_the_whole() -> None:
    seed = batch_seed(CONTEXT, BATCH)
    pads = [c.pad for c in BATCH.ciphertexts]
    whole = composite_part(seed, pads, BATCH.shares)
    first = composite_part(seed, pads[:4], BATCH.shares[:4], 0)
    second = composite_part(seed, pads[4:], BATCH.shares[4:], 4)
    assert whole == (first[0] + second[0], first[1] + second[1])
    verify_composite(CONTEXT, BATCH.key, seed, whole, PROOF)
    with pytest.raises(ProofError):
        verify_composite(CONTEXT, BATCH.key, seed, (whole[0], first[1]), PROOF)
    assert composite_weight(seed, 0) != composite_weight(seed, 1)


def test_a_batch_of_identity_pads_has_no_proof() -> None:
    """M would be the identity: the DLEQ statement is refused rather than proved."""
    trivial = Ciphertext(Point.identity(), Point.generator())
    statement = BatchStatement(1, "leader", KEY.point, (trivial,), (Point.identity(),))
    with pytest.raises(ProofError, match="identity"):
        verify_batch(CONTEXT, statement, PROOF)
