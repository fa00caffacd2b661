"""Signing a role's act on the record, and checking one, with the role's key from Setup (§11).

Each role signs on its own machine with its long-term key (`clearcount role init`): the
credential authority its Credentials list and each cancellation, a trustee each Shuffle and
PartialDecryption, the tellers each PaperBatch. The board checks every signature before it
appends the event, and the verifier checks them again (spec §12). `record.signing` lists what
each purpose covers.
"""

from __future__ import annotations

from clearcount.core.errors import ProofError
from clearcount.crypto.group import Point, Scalar, ScalarSource
from clearcount.crypto.proofs.schnorr import SchnorrProof, prove_schnorr, verify_schnorr

__all__ = ["UNSIGNED", "check_act", "sign_act"]

UNSIGNED = SchnorrProof(Scalar.from_int(0), Scalar.from_int(0))
"""A placeholder signature on a draft body, replaced before the body leaves the signer."""


def sign_act(
    fingerprint: bytes,
    secret: Scalar,
    purpose: str,
    digest: bytes,
    rng: ScalarSource = Scalar.random,
) -> SchnorrProof:
    """The role's Schnorr signature on `digest` (spec §4.2), context = the fingerprint."""
    return prove_schnorr(fingerprint, secret, message=digest, purpose=purpose, rng=rng)


def check_act(
    fingerprint: bytes,
    key: Point,
    signature: SchnorrProof,
    purpose: str,
    digest: bytes,
    who: str,
) -> None:
    """ProofError naming `who` unless `signature` is `key`'s signature on `digest`."""
    try:
        verify_schnorr(fingerprint, key, signature, message=digest, purpose=purpose)
    except ProofError as error:
        raise ProofError(
            f"{who}: expected a signature by its key in the Setup ({purpose}), got one that "
            f"fails ({error})"
        ) from None
