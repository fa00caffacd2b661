"""The verifiable mixnet: GenShuffle, GenShuffleProof, CheckShuffleProof (docs/spec §6).

Honest shuffles of ballot vectors verify and decrypt to the same multiset of ballots; every
cheating shuffle (non-permutation, changed, swapped, dropped or duplicated ballot, another
context or key) and every mutated proof field is rejected with ProofError.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pytest
import rbcl
from crypto_helpers import CONTEXT, OTHER_CONTEXT
from hypothesis import given, settings
from hypothesis import strategies as st

from clearcount.core.errors import CryptoError, DecodingError, ProofError
from clearcount.crypto.elgamal import (
    Ciphertext,
    PublicKey,
    SecretKey,
    decrypt_to_point,
    encrypt,
    generate_keypair,
    reencrypt,
)
from clearcount.crypto.group import Point, Scalar, ScalarSource, seeded_scalars
from clearcount.crypto.proofs import OperationCount
from clearcount.crypto.shuffle import (
    Ballot,
    Permutation,
    ShuffleWitness,
    gen_permutation,
    gen_shuffle,
    shuffle_generators,
)
from clearcount.crypto.shuffle_proof import (
    ShuffleProof,
    check_shuffle_proof,
    gen_shuffle_proof,
    shuffle_costs,
)

SECRET, KEY = generate_keypair(seeded_scalars(b"shuffle tests"))


def _ballots(rng: ScalarSource, count: int, width: int) -> list[Ballot]:
    """Ballot i ranks candidate (i + r) mod 7 + 1 at rank r: all ballots distinct for N <= 7."""
    return [tuple(encrypt(KEY, (i + r) % 7 + 1, rng()) for r in range(width)) for i in range(count)]


def _plain(m: int) -> Point:
    return Point.base_mul(Scalar.from_int(m))


def _plaintexts(ballots: Sequence[Ballot], secret: SecretKey = SECRET) -> list[tuple[bytes, ...]]:
    return [tuple(decrypt_to_point(secret, c).to_bytes() for c in ballot) for ballot in ballots]


def _mix(
    seed: bytes, count: int = 5, width: int = 3
) -> tuple[list[Ballot], tuple[Ballot, ...], ShuffleWitness, ShuffleProof]:
    rng = seeded_scalars(seed)
    ballots = _ballots(rng, count, width)
    shuffled, witness = gen_shuffle(KEY, ballots, rng)
    proof = gen_shuffle_proof(CONTEXT, KEY, ballots, shuffled, witness, rng)
    return ballots, shuffled, witness, proof


BALLOTS, SHUFFLED, WITNESS, PROOF = _mix(b"fixed mix")


def _unchecked_permutation(images: tuple[int, ...]) -> Permutation:
    """A 'permutation' that skips validation: what a cheating mixer would use."""
    permutation = object.__new__(Permutation)
    object.__setattr__(permutation, "images", images)
    return permutation


# --- honest shuffles ---------------------------------------------------------------------------


@settings(max_examples=20, deadline=None)
@given(count=st.integers(1, 7), width=st.integers(1, 4), seed=st.binary(min_size=1, max_size=8))
def test_honest_shuffles_verify_and_keep_every_ballot(count: int, width: int, seed: bytes) -> None:
    ballots, shuffled, witness, proof = _mix(seed, count, width)
    check_shuffle_proof(CONTEXT, KEY, ballots, shuffled, proof)
    plain_in, plain_out = _plaintexts(ballots), _plaintexts(shuffled)
    assert Counter(plain_in) == Counter(plain_out)
    assert all(plain_out[i] == plain_in[j] for i, j in enumerate(witness.permutation.images))
    assert all(out not in ballots for out in shuffled)  # re-encrypted, not copied


def test_trivial_encryptions_of_paper_ballots_can_be_mixed() -> None:
    rng = seeded_scalars(b"paper ballots")
    paper = [tuple(Ciphertext(Point.identity(), _plain(m)) for m in (2, 1))]
    ballots = [*_ballots(rng, 3, 2), *paper]
    shuffled, witness = gen_shuffle(KEY, ballots, rng)
    proof = gen_shuffle_proof(CONTEXT, KEY, ballots, shuffled, witness, rng)
    check_shuffle_proof(CONTEXT, KEY, ballots, shuffled, proof)
    assert Counter(_plaintexts(ballots)) == Counter(_plaintexts(shuffled))


def test_a_chain_of_mixes_verifies_step_by_step() -> None:
    rng = seeded_scalars(b"three trustees mix in turn")
    current: Sequence[Ballot] = _ballots(rng, 4, 2)
    original = _plaintexts(current)
    for _ in range(3):
        shuffled, witness = gen_shuffle(KEY, current, rng)
        proof = gen_shuffle_proof(CONTEXT, KEY, current, shuffled, witness, rng)
        check_shuffle_proof(CONTEXT, KEY, current, shuffled, proof)
        current = shuffled
    assert Counter(_plaintexts(current)) == Counter(original)


def test_gen_permutation_is_a_permutation_and_seeded() -> None:
    first = gen_permutation(50, seeded_scalars(b"perm"))
    assert sorted(first.images) == list(range(50))
    assert first == gen_permutation(50, seeded_scalars(b"perm"))
    assert first != gen_permutation(50, seeded_scalars(b"other"))
    assert first.inverse().inverse() == first
    assert all(first.inverse().images[j] == i for i, j in enumerate(first.images))
    assert "hidden" in repr(first)
    assert "hidden" in repr(WITNESS)


def test_gen_permutation_reaches_every_arrangement_of_three() -> None:
    rng = seeded_scalars(b"all six")
    seen = Counter(gen_permutation(3, rng).images for _ in range(600))
    assert len(seen) == 6
    assert min(seen.values()) > 60  # 100 expected each


def test_permutation_and_inputs_are_validated() -> None:
    with pytest.raises(ValueError, match="exactly once"):
        Permutation((0, 0, 2))
    with pytest.raises(ValueError, match="at least one ballot"):
        gen_shuffle(KEY, [])
    with pytest.raises(ValueError, match="expected 3 ciphertexts"):
        gen_shuffle(KEY, [BALLOTS[0], BALLOTS[1][:2]])
    with pytest.raises(ValueError, match="expected 5 images"):
        gen_shuffle(KEY, BALLOTS, permutation=Permutation((1, 0)))


def test_generators_are_distinct_and_bound_to_the_election() -> None:
    h, hs = shuffle_generators(CONTEXT, 6)
    assert len({h, *hs}) == 7
    assert Point.generator() not in hs
    assert shuffle_generators(CONTEXT, 3) == (h, hs[:3])
    assert shuffle_generators(OTHER_CONTEXT, 6)[0] != h


# --- cheating mixers and tampered statements ---------------------------------------------------


def _rejects(
    ballots: Sequence[Ballot],
    shuffled: Sequence[Ballot],
    proof: ShuffleProof = PROOF,
    *,
    context: bytes = CONTEXT,
    key: PublicKey = KEY,
) -> str:
    with pytest.raises(ProofError) as caught:
        check_shuffle_proof(context, key, ballots, shuffled, proof)
    return str(caught.value)


def test_the_fixed_mix_verifies() -> None:
    check_shuffle_proof(CONTEXT, KEY, BALLOTS, SHUFFLED, PROOF)


def test_a_proof_under_another_context_or_key_fails() -> None:
    _rejects(BALLOTS, SHUFFLED, context=OTHER_CONTEXT)
    _rejects(BALLOTS, SHUFFLED, key=PublicKey(KEY.point + Point.generator()))


def test_a_changed_output_ciphertext_fails() -> None:
    for i in range(len(SHUFFLED)):
        for rank in range(3):
            changed = [list(b) for b in SHUFFLED]
            c = changed[i][rank]
            changed[i][rank] = Ciphertext(c.pad, c.data + Point.generator())  # vote + 1
            _rejects(BALLOTS, [tuple(b) for b in changed])


def test_a_changed_input_ciphertext_fails() -> None:
    changed = [list(b) for b in BALLOTS]
    changed[2][1] = reencrypt(KEY, changed[2][1], Scalar.from_int(7))
    _rejects([tuple(b) for b in changed], SHUFFLED)


def test_swapped_outputs_or_components_fail() -> None:
    swapped = list(SHUFFLED)
    swapped[0], swapped[1] = swapped[1], swapped[0]
    _rejects(BALLOTS, swapped)
    inner = list(SHUFFLED)
    inner[0] = (inner[0][1], inner[0][0], inner[0][2])
    _rejects(BALLOTS, inner)


def test_dropped_or_duplicated_ballots_fail() -> None:
    assert "expected 5 output ballots" in _rejects(BALLOTS, SHUFFLED[:-1])
    duplicated = [*SHUFFLED[:-1], SHUFFLED[0]]
    _rejects(BALLOTS, duplicated)
    assert "expected 3 ciphertexts" in _rejects(BALLOTS, [*SHUFFLED[:-1], SHUFFLED[-1][:2]])
    assert "at least one ballot" in _rejects([], [])


def _prove_with(
    images: tuple[int, ...], tamper: Callable[[list[list[Ciphertext]]], None] | None = None
) -> None:
    """A cheating mixer proves its own output with its own (possibly invalid) witness."""
    rng = seeded_scalars(b"cheat")
    ballots = BALLOTS
    witness = ShuffleWitness(
        _unchecked_permutation(images), tuple(tuple(rng() for _ in range(3)) for _ in images)
    )
    output = [
        [reencrypt(KEY, c, r) for c, r in zip(ballots[j], witness.randomness[i], strict=True)]
        for i, j in enumerate(images)
    ]
    if tamper is not None:
        tamper(output)
    shuffled = [tuple(b) for b in output]
    proof = gen_shuffle_proof(CONTEXT, KEY, ballots, shuffled, witness, rng)
    _rejects(ballots, shuffled, proof)


def test_a_proof_of_a_non_permutation_fails() -> None:
    _prove_with((0, 0, 2, 3, 4))  # ballot 1 dropped, ballot 0 counted twice
    _prove_with((4, 3, 2, 1, 1))


def test_a_proof_of_a_shuffle_that_changes_a_vote_fails() -> None:
    def add_a_vote(output: list[list[Ciphertext]]) -> None:
        output[3][0] = output[3][0] + encrypt(KEY, 1, Scalar.from_int(5))

    _prove_with((4, 2, 0, 1, 3), add_a_vote)


def test_a_proof_of_components_from_different_ballots_fails() -> None:
    def mix_components(output: list[list[Ciphertext]]) -> None:
        output[0][2], output[1][2] = output[1][2], output[0][2]

    _prove_with((1, 0, 2, 3, 4), mix_components)


def test_the_proof_does_not_transfer_to_another_mix() -> None:
    other_ballots, other_shuffled, _, other_proof = _mix(b"another mix")
    _rejects(BALLOTS, SHUFFLED, other_proof)
    _rejects(other_ballots, other_shuffled, PROOF)


# --- the proof value ---------------------------------------------------------------------------

_POINT_FIELDS = ("commitments", "chain", "t1", "t2", "t3", "t4", "t_hat")
_SCALAR_FIELDS = ("s1", "s2", "s3", "s4", "s_hat", "s_prime")


def _bump(value: object) -> object:
    if isinstance(value, Point):
        return value + Point.generator()
    if isinstance(value, Scalar):
        return value + Scalar.from_int(1)
    if isinstance(value, Ciphertext):
        return Ciphertext(value.pad, value.data + Point.generator())
    raise TypeError(type(value).__name__)


def _replace(proof: ShuffleProof, name: str, value: Any) -> ShuffleProof:
    changes: dict[str, Any] = {name: value}
    return dataclasses.replace(proof, **changes)


def _mutations(proof: ShuffleProof) -> Iterator[tuple[str, ShuffleProof]]:
    for name in _POINT_FIELDS + _SCALAR_FIELDS:
        value = getattr(proof, name)
        if isinstance(value, tuple):
            for i in range(len(value)):
                changed = (*value[:i], _bump(value[i]), *value[i + 1 :])
                yield f"{name}[{i}]", _replace(proof, name, changed)
        else:
            yield name, _replace(proof, name, _bump(value))


def test_every_mutated_proof_element_fails() -> None:
    names = []
    for name, mutated in _mutations(PROOF):
        _rejects(BALLOTS, SHUFFLED, mutated)
        names.append(name)
    assert len(names) == 5 * 5 + 3 + 3 + 3 + 3  # 5 per-ballot fields, t1-t3, s1-s3, t4, s4


def test_truncated_or_padded_proof_fields_fail() -> None:
    for name in ("commitments", "chain", "t_hat", "s_hat", "s_prime", "t4", "s4"):
        value = getattr(PROOF, name)
        message = _rejects(BALLOTS, SHUFFLED, _replace(PROOF, name, value[:-1]))
        assert name in message
        _rejects(BALLOTS, SHUFFLED, _replace(PROOF, name, (*value, value[0])))


def test_proof_encoding_round_trips_and_rejects_bad_bytes() -> None:
    encoded = PROOF.to_bytes()
    assert ShuffleProof.from_bytes(encoded) == PROOF
    assert len(encoded) == 6 + 32 * ((3 * 5 + 3 + 2 * 3) + (3 + 3 + 2 * 5))
    for bad in (encoded[:-1], encoded + bytes(32), b"", bytes(6) + encoded[6:]):
        with pytest.raises(DecodingError):
            ShuffleProof.from_bytes(bad)
    identity_t1 = encoded[: 6 + 32 * 10] + bytes(32) + encoded[6 + 32 * 11 :]
    with pytest.raises(DecodingError):
        ShuffleProof.from_bytes(identity_t1)


def test_every_byte_field_of_the_encoding_matters() -> None:
    encoded = PROOF.to_bytes()
    for offset in range(6, len(encoded), 32):
        field = bytearray(encoded)
        field[offset] ^= 1
        try:
            mutated = ShuffleProof.from_bytes(bytes(field))
        except CryptoError:
            continue  # not a canonical point or scalar any more: rejected at decoding
        _rejects(BALLOTS, SHUFFLED, mutated)


# --- operation counts (spec §6.7) --------------------------------------------------------------


@contextmanager
def counting_multiplications() -> Iterator[Counter[str]]:
    """Count libsodium's fixed-base and variable-base multiplications inside the block."""
    tally: Counter[str] = Counter()
    base, variable = rbcl.crypto_scalarmult_ristretto255_base, rbcl.crypto_scalarmult_ristretto255

    def counted_base(s: bytes) -> bytes:
        tally["fixed"] += 1
        return bytes(base(s))

    def counted_variable(s: bytes, p: bytes) -> bytes:
        tally["variable"] += 1
        return bytes(variable(s, p))

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rbcl, "crypto_scalarmult_ristretto255_base", counted_base)
        patch.setattr(rbcl, "crypto_scalarmult_ristretto255", counted_variable)
        yield tally


@pytest.mark.parametrize(("count", "width"), [(1, 1), (4, 3), (6, 5)])
def test_documented_multiplication_counts_are_exact(count: int, width: int) -> None:
    rng = seeded_scalars(b"costs")
    ballots = _ballots(rng, count, width)
    with counting_multiplications() as tally:
        shuffled, witness = gen_shuffle(KEY, ballots, rng)
    assert tally == Counter(fixed=count * width, variable=count * width)
    prove, verify = shuffle_costs(count, width)
    with counting_multiplications() as tally:
        proof = gen_shuffle_proof(CONTEXT, KEY, ballots, shuffled, witness, rng)
    assert OperationCount(tally["fixed"], tally["variable"]) == prove
    with counting_multiplications() as tally:
        check_shuffle_proof(CONTEXT, KEY, ballots, shuffled, proof)
    assert OperationCount(tally["fixed"], tally["variable"]) == verify


def test_per_ballot_costs_for_five_ranks() -> None:
    prove, verify = shuffle_costs(10_000, 5)
    assert (prove.fixed_base, prove.variable_base) == (30_008, 130_005)
    assert (verify.fixed_base, verify.variable_base) == (10_008, 240_008)


def test_prover_refuses_a_witness_of_the_wrong_shape() -> None:
    short = ShuffleWitness(WITNESS.permutation, WITNESS.randomness[:-1])
    with pytest.raises(ValueError, match="witness"):
        gen_shuffle_proof(CONTEXT, KEY, BALLOTS, SHUFFLED, short)
    narrow = ShuffleWitness(WITNESS.permutation, tuple(n[:2] for n in WITNESS.randomness))
    with pytest.raises(ValueError, match="witness"):
        gen_shuffle_proof(CONTEXT, KEY, BALLOTS, SHUFFLED, narrow)


@settings(max_examples=15, deadline=None)
@given(count=st.integers(1, 5), width=st.integers(1, 3), choice=st.integers(0, 10_000))
def test_any_mutated_field_of_any_honest_proof_fails(count: int, width: int, choice: int) -> None:
    ballots, shuffled, _, proof = _mix(b"mutations", count, width)
    mutations = list(_mutations(proof))
    name, mutated = mutations[choice % len(mutations)]
    assert _rejects(ballots, shuffled, mutated), name
