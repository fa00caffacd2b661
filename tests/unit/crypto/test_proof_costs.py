"""The documented multiplication counts (spec §4.6) match what the code actually does."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import pytest
import rbcl

from clearcount.crypto.elgamal import encrypt, generate_keypair
from clearcount.crypto.group import Point, Scalar, independent_generators, seeded_scalars
from clearcount.crypto.proofs import (
    OperationCount,
    disjunctive_cost,
    proof_costs,
    prove_decryption,
    prove_dleq,
    prove_range,
    prove_schnorr,
    prove_zero_one,
    verify_decryption,
    verify_dleq,
    verify_range,
    verify_schnorr,
    verify_zero_one,
)

CONTEXT = b"cost test"
SECRET, KEY = generate_keypair(seeded_scalars(b"cost tests"))


@pytest.fixture
def count(
    monkeypatch: pytest.MonkeyPatch,
) -> Callable[[Callable[[], object]], OperationCount]:
    tally: Counter[str] = Counter()
    base, variable = rbcl.crypto_scalarmult_ristretto255_base, rbcl.crypto_scalarmult_ristretto255

    def counted_base(s: bytes) -> bytes:
        tally["fixed"] += 1
        return bytes(base(s))

    def counted_variable(s: bytes, p: bytes) -> bytes:
        tally["variable"] += 1
        return bytes(variable(s, p))

    monkeypatch.setattr(rbcl, "crypto_scalarmult_ristretto255_base", counted_base)
    monkeypatch.setattr(rbcl, "crypto_scalarmult_ristretto255", counted_variable)

    def run(action: Callable[[], object]) -> OperationCount:
        tally.clear()
        action()
        return OperationCount(tally["fixed"], tally["variable"])

    return run


def test_schnorr(count: Callable[[Callable[[], object]], OperationCount]) -> None:
    prove, verify = proof_costs()["schnorr"]
    proof = prove_schnorr(CONTEXT, SECRET.scalar)
    assert count(lambda: prove_schnorr(CONTEXT, SECRET.scalar)) == prove
    assert count(lambda: verify_schnorr(CONTEXT, KEY.point, proof)) == verify


def test_dleq(count: Callable[[Callable[[], object]], OperationCount]) -> None:
    prove, verify = proof_costs()["dleq"]
    (h,) = independent_generators(b"cost", 1)
    x = SECRET.scalar
    g = Point.generator()
    proof, public2 = prove_dleq(CONTEXT, x, g, h), h * x
    assert count(lambda: prove_dleq(CONTEXT, x, g, h)) == prove
    assert count(lambda: verify_dleq(CONTEXT, g, KEY.point, h, public2, proof)) == verify


def test_decryption(count: Callable[[Callable[[], object]], OperationCount]) -> None:
    prove, verify = proof_costs()["decryption"]
    ciphertext = encrypt(KEY, 2, Scalar.random())
    share, proof = prove_decryption(CONTEXT, SECRET, ciphertext)
    assert count(lambda: prove_decryption(CONTEXT, SECRET, ciphertext)) == prove
    assert count(lambda: verify_decryption(CONTEXT, KEY, ciphertext, share, proof)) == verify


@pytest.mark.parametrize("m", [0, 1])
def test_zero_one(count: Callable[[Callable[[], object]], OperationCount], m: int) -> None:
    prove, verify = proof_costs()["zero_one"]
    r = Scalar.random()
    ciphertext = encrypt(KEY, m, r)
    proof = prove_zero_one(CONTEXT, KEY, ciphertext, m, r)
    assert count(lambda: prove_zero_one(CONTEXT, KEY, ciphertext, m, r)) == prove
    assert count(lambda: verify_zero_one(CONTEXT, KEY, ciphertext, proof)) == verify


@pytest.mark.parametrize(("minimum", "maximum"), [(0, 3), (1, 3), (2, 2), (0, 6)])
def test_range(
    count: Callable[[Callable[[], object]], OperationCount], minimum: int, maximum: int
) -> None:
    prove, verify = disjunctive_cost(maximum - minimum + 1, minimum=minimum)
    nonces = [Scalar.random() for _ in range(3)]
    ciphertexts = [encrypt(KEY, 1 if i < 2 else 0, r) for i, r in enumerate(nonces)]
    total = nonces[0] + nonces[1] + nonces[2]
    proof = prove_range(CONTEXT, KEY, ciphertexts, 2, total, minimum, maximum)
    assert (
        count(lambda: prove_range(CONTEXT, KEY, ciphertexts, 2, total, minimum, maximum)) == prove
    )
    assert count(lambda: verify_range(CONTEXT, KEY, ciphertexts, minimum, maximum, proof)) == verify
