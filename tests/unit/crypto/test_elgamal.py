"""Exponential ElGamal: correctness, homomorphism, re-encryption, weights, encodings (§3)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clearcount.core.errors import DecodingError
from clearcount.crypto.dlog import DiscreteLog
from clearcount.crypto.elgamal import (
    Ciphertext,
    PublicKey,
    SecretKey,
    decrypt_to_point,
    encrypt,
    generate_keypair,
    reencrypt,
    scale,
    sum_ciphertexts,
)
from clearcount.crypto.group import Point, Scalar, seeded_scalars

SECRET, KEY = generate_keypair(seeded_scalars(b"elgamal tests"))
DLOG = DiscreteLog(10_000)
votes = st.integers(min_value=0, max_value=100)


def decrypt(ciphertext: Ciphertext) -> int:
    return DLOG.solve(decrypt_to_point(SECRET, ciphertext))


@given(votes)
def test_decrypt_inverts_encrypt(m: int) -> None:
    assert decrypt(encrypt(KEY, m, Scalar.random())) == m


@settings(max_examples=25)
@given(st.lists(votes, max_size=12))
def test_sum_of_encryptions_decrypts_to_the_sum(ms: list[int]) -> None:
    total = sum_ciphertexts(encrypt(KEY, m, Scalar.random()) for m in ms)
    assert decrypt(total) == sum(ms)


def test_homomorphic_addition_adds_nonces_too() -> None:
    r1, r2 = Scalar.from_int(5), Scalar.from_int(7)
    assert encrypt(KEY, 2, r1) + encrypt(KEY, 3, r2) == encrypt(KEY, 5, r1 + r2)
    assert encrypt(KEY, 5, r2) - encrypt(KEY, 3, r1) == encrypt(KEY, 2, r2 - r1)


def test_reencryption_keeps_the_plaintext_and_changes_the_ciphertext() -> None:
    original = encrypt(KEY, 4, Scalar.random())
    again = reencrypt(KEY, original, Scalar.random())
    assert again != original
    assert decrypt(again) == 4
    assert reencrypt(KEY, original, Scalar.from_int(0)) == original


@given(votes, st.integers(min_value=0, max_value=50))
def test_scale_multiplies_the_vote_by_the_weight(m: int, weight: int) -> None:
    assert decrypt(scale(encrypt(KEY, m, Scalar.random()), weight)) == m * weight


@pytest.mark.parametrize("weight", [-1, True, 1.5])
def test_scale_refuses_bad_weights(weight: object) -> None:
    with pytest.raises(ValueError, match="weight"):
        scale(encrypt(KEY, 1, Scalar.random()), weight)  # type: ignore[arg-type]


def test_encryption_of_zero_with_zero_nonce_is_the_neutral_element() -> None:
    assert encrypt(KEY, 0, Scalar.from_int(0)) == Ciphertext.zero()
    assert sum_ciphertexts([]) == Ciphertext.zero()


def test_ciphertext_round_trip_and_rejections() -> None:
    ciphertext = encrypt(KEY, 3, Scalar.random())
    assert Ciphertext.from_bytes(ciphertext.to_bytes()) == ciphertext
    with pytest.raises(DecodingError, match="64 bytes"):
        Ciphertext.from_bytes(ciphertext.to_bytes()[:63])
    with pytest.raises(DecodingError, match="identity"):
        Ciphertext.from_bytes(Ciphertext.zero().to_bytes())
    assert Ciphertext.from_bytes(
        Ciphertext.zero().to_bytes(), allow_identity=True
    ).pad.is_identity()
    with pytest.raises(DecodingError, match="canonical"):
        Ciphertext.from_bytes(b"\xff" * 64)


def test_keys_refuse_degenerate_values() -> None:
    with pytest.raises(DecodingError, match="identity"):
        PublicKey(Point.identity())
    with pytest.raises(DecodingError, match="identity"):
        PublicKey.from_bytes(bytes(32))
    with pytest.raises(DecodingError, match="non-zero"):
        SecretKey(Scalar.from_int(0))
    assert PublicKey.from_bytes(KEY.to_bytes()) == KEY
    assert SECRET.public_key() == KEY
    assert "hidden" in repr(SECRET)
    assert SECRET.scalar.to_bytes().hex() not in repr(SECRET)


def test_wrong_key_does_not_decrypt() -> None:
    other, _ = generate_keypair()
    point = decrypt_to_point(other, encrypt(KEY, 1, Scalar.random()))
    assert point != Point.generator()
