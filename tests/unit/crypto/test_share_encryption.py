"""Ceremony shares sealed to their recipient (spec §5.2.5): known answers, and every misuse
refused: another recipient's key, another ceremony, another sender or recipient index, a
forged opening."""

from __future__ import annotations

import dataclasses
import hashlib

import pytest
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.hashes import SHA512
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from clearcount.core.errors import CryptoError, ProofError
from clearcount.crypto.dkg import KeyShare
from clearcount.crypto.group import Point, Scalar, length_prefixed, seeded_scalars
from clearcount.crypto.share_encryption import (
    SHARE_DOMAIN,
    decrypt_share,
    encrypt_share,
    open_share,
    verify_opening,
)

CONTEXT = hashlib.sha256(b"clearcount/kat/ceremony").digest()


def _setup() -> tuple[KeyShare, Scalar, Scalar]:
    rng = seeded_scalars(b"clearcount/kat/share-encryption")
    recipient, other = rng(), rng()
    return KeyShare(2, 3, rng()), recipient, other


def test_known_answer_recomputed_from_the_spec_text() -> None:
    """§5.2.5 step by step with `cryptography` directly, and the pinned bytes."""
    share, e, _ = _setup()
    sealed = encrypt_share(CONTEXT, share, Point.base_mul(e), seeded_scalars(b"kat nonce"))
    r = seeded_scalars(b"kat nonce")()
    assert sealed.ephemeral == Point.base_mul(r)
    recipient_key = Point.base_mul(e)
    info = length_prefixed(
        SHARE_DOMAIN,
        (2).to_bytes(4, "big"),
        (3).to_bytes(4, "big"),
        sealed.ephemeral.to_bytes(),
        recipient_key.to_bytes(),
    )
    key = HKDF(SHA512(), 32, CONTEXT, info).derive((recipient_key * r).to_bytes())
    ad = length_prefixed(SHARE_DOMAIN, CONTEXT, (2).to_bytes(4, "big"), (3).to_bytes(4, "big"))
    expected = ChaCha20Poly1305(key).encrypt(bytes(12), share.value.to_bytes(), ad)
    assert sealed.ciphertext == expected
    assert len(sealed.ciphertext) == 48
    assert hashlib.sha256(sealed.ciphertext).hexdigest() == KAT_DIGEST
    assert decrypt_share(CONTEXT, sealed, e) == share


KAT_DIGEST = "9e327987cccfd47ca0f7526b07e0c61fcf16aaaeb2786fa6ffcaf4c3befa6c2d"


def test_only_the_recipient_in_this_ceremony_and_place_can_open_it() -> None:
    share, e, other = _setup()
    sealed = encrypt_share(CONTEXT, share, Point.base_mul(e), seeded_scalars(b"n"))
    with pytest.raises(
        CryptoError, match="share from trustee 2 to trustee 3: expected a ciphertext"
    ):
        decrypt_share(CONTEXT, sealed, other)  # another trustee's key
    with pytest.raises(CryptoError, match="does not open"):
        decrypt_share(hashlib.sha256(b"other").digest(), sealed, e)  # another ceremony
    for moved in (
        dataclasses.replace(sealed, sender=1),
        dataclasses.replace(sealed, recipient=1),
        dataclasses.replace(sealed, ephemeral=Point.base_mul(other)),
        dataclasses.replace(sealed, ciphertext=bytes(48)),
    ):
        with pytest.raises(CryptoError, match="does not open"):
            decrypt_share(CONTEXT, moved, e)


def test_a_share_sealed_to_the_wrong_trustee_is_useless_to_the_right_one() -> None:
    share, e, other = _setup()
    misdirected = encrypt_share(CONTEXT, share, Point.base_mul(other), seeded_scalars(b"n"))
    with pytest.raises(CryptoError, match="does not open"):
        decrypt_share(CONTEXT, misdirected, e)


def test_an_opening_proves_the_share_to_anyone_and_cannot_be_forged() -> None:
    share, e, other = _setup()
    sealed = encrypt_share(CONTEXT, share, Point.base_mul(e), seeded_scalars(b"n"))
    opening = open_share(CONTEXT, sealed, e, seeded_scalars(b"o"))
    assert verify_opening(CONTEXT, sealed, Point.base_mul(e), opening) == share
    forged = open_share(CONTEXT, sealed, other, seeded_scalars(b"o"))  # not the recipient's key
    with pytest.raises(ProofError):
        verify_opening(CONTEXT, sealed, Point.base_mul(e), forged)
    moved = dataclasses.replace(opening, shared=opening.shared + Point.generator())
    with pytest.raises(ProofError):
        verify_opening(CONTEXT, sealed, Point.base_mul(e), moved)
    with pytest.raises(ProofError):  # bound to this ciphertext
        verify_opening(
            CONTEXT, dataclasses.replace(sealed, ciphertext=bytes(48)), Point.base_mul(e), opening
        )
