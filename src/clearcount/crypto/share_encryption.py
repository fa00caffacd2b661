"""Key-ceremony shares encrypted to their recipient trustee, and provable openings (spec §5.2.5).

Trustee i sends P_i(ℓ) to trustee ℓ through the officer's relay, so the share must be secret and
bound to its place: an ephemeral ristretto255 Diffie-Hellman with ℓ's encryption key E_ℓ, the
key derived with HKDF-SHA512 (RFC 5869) and the share sealed with ChaCha20-Poly1305 (RFC 8439),
whose associated data binds the ceremony context, the sender and the recipient. This is the
role ElectionGuard 2.0 §3.2.2 gives hashed ElGamal and Belenios ("Threshold decryption
support") its encrypted, signed channel; the construction is ECIES-like with the standard
primitives of `cryptography`.

A recipient who complains reveals the Diffie-Hellman point S = e_ℓ·R with a Chaum-Pedersen
proof that log_G E_ℓ = log_R S (§4.3, purpose `ceremony-opening`): anyone can then re-derive the
key, open the ciphertext and check the share against the sender's commitments, so a complaint is
attributable either way without the recipient's key ever being revealed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from clearcount.core.errors import CryptoError, DecodingError
from clearcount.crypto.dkg import KeyShare
from clearcount.crypto.group import Point, Scalar, ScalarSource, length_prefixed
from clearcount.crypto.proofs.dleq import DleqProof, prove_dleq, verify_dleq

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

__all__ = [
    "CIPHERTEXT_SIZE",
    "OPENING_PURPOSE",
    "SHARE_DOMAIN",
    "EncryptedShare",
    "ShareOpening",
    "decrypt_share",
    "encrypt_share",
    "open_share",
    "verify_opening",
]

SHARE_DOMAIN = b"clearcount/v1/ceremony-share"
OPENING_PURPOSE = "ceremony-opening"
CIPHERTEXT_SIZE = 48
"""The 32-byte share and the 16-byte Poly1305 tag."""
_NONCE = bytes(12)
"""Every key is used once (a fresh ephemeral per share), so a fixed nonce is safe (RFC 8439 §4)."""


@dataclass(frozen=True, slots=True)
class EncryptedShare:
    """P_sender(recipient) sealed to the recipient: ephemeral R = r·G and the AEAD output."""

    sender: int
    recipient: int
    ephemeral: Point
    ciphertext: bytes


@dataclass(frozen=True, slots=True)
class ShareOpening:
    """The recipient's S = e·R with a proof that it used its own key: opens the share publicly."""

    shared: Point
    proof: DleqProof


def _index(value: int) -> bytes:
    return value.to_bytes(4, "big")


def _aead(
    context: bytes, share: EncryptedShare, recipient_key: Point, shared: Point
) -> tuple[ChaCha20Poly1305, bytes]:
    """The AEAD keyed by HKDF-SHA512 of S, and the associated data (spec §5.2.5).

    `cryptography` is imported here, not at the top: a verifier needs it only to re-open a share
    a trustee complained about, so the clearcount-verifier distribution installs without it
    (docs/verifier.md) and a record without complaints verifies with rbcl alone.
    """
    try:
        from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
        from cryptography.hazmat.primitives.hashes import SHA512
        from cryptography.hazmat.primitives.kdf.hkdf import HKDF
    except ModuleNotFoundError:
        raise CryptoError(
            "sealing or opening a key-ceremony share needs the `cryptography` package: "
            "pip install 'clearcount-verifier[complaints]' (or cryptography)"
        ) from None
    where = (_index(share.sender), _index(share.recipient))
    info = length_prefixed(
        SHARE_DOMAIN, *where, share.ephemeral.to_bytes(), recipient_key.to_bytes()
    )
    key = HKDF(algorithm=SHA512(), length=32, salt=context, info=info).derive(shared.to_bytes())
    return ChaCha20Poly1305(key), length_prefixed(SHARE_DOMAIN, context, *where)


def encrypt_share(
    context: bytes, share: KeyShare, recipient_key: Point, rng: ScalarSource = Scalar.random
) -> EncryptedShare:
    """Seal `share` to the trustee whose encryption key is `recipient_key`."""
    r = rng()
    draft = EncryptedShare(share.sender, share.recipient, Point.base_mul(r), b"")
    aead, associated = _aead(context, draft, recipient_key, recipient_key * r)
    sealed = aead.encrypt(_NONCE, share.value.to_bytes(), associated)
    return EncryptedShare(share.sender, share.recipient, draft.ephemeral, sealed)


def _open(context: bytes, share: EncryptedShare, recipient_key: Point, shared: Point) -> KeyShare:
    aead, associated = _aead(context, share, recipient_key, shared)
    from cryptography.exceptions import InvalidTag  # present: _aead imported cryptography

    what = f"share from trustee {share.sender} to trustee {share.recipient}"
    try:
        value = Scalar.from_bytes(aead.decrypt(_NONCE, share.ciphertext, associated))
    except InvalidTag:
        raise CryptoError(
            f"{what}: expected a ciphertext sealed to trustee {share.recipient}'s encryption key "
            "in this ceremony, got one that does not open"
        ) from None
    except DecodingError:
        raise CryptoError(f"{what}: expected a scalar below L, got a non-canonical one") from None
    return KeyShare(share.sender, share.recipient, value)


def decrypt_share(context: bytes, share: EncryptedShare, secret: Scalar) -> KeyShare:
    """The recipient opens a share with its encryption secret e (E = e·G)."""
    return _open(context, share, Point.base_mul(secret), share.ephemeral * secret)


def open_share(
    context: bytes, share: EncryptedShare, secret: Scalar, rng: ScalarSource = Scalar.random
) -> ShareOpening:
    """What a complaining recipient publishes: S = e·R and the proof log_G E = log_R S."""
    proof = prove_dleq(
        context,
        secret,
        Point.generator(),
        share.ephemeral,
        purpose=OPENING_PURPOSE,
        bound_to=_bound(share),
        rng=rng,
    )
    return ShareOpening(share.ephemeral * secret, proof)


def verify_opening(
    context: bytes, share: EncryptedShare, recipient_key: Point, opening: ShareOpening
) -> KeyShare:
    """Anyone: check the opening's proof, then open the share (CryptoError if it does not)."""
    verify_dleq(
        context,
        Point.generator(),
        recipient_key,
        share.ephemeral,
        opening.shared,
        opening.proof,
        purpose=OPENING_PURPOSE,
        bound_to=_bound(share),
    )
    return _open(context, share, recipient_key, opening.shared)


def _bound(share: EncryptedShare) -> tuple[int, int, bytes]:
    return (share.sender, share.recipient, share.ciphertext)
