"""Schnorr proof of knowledge of a discrete log: key possession and credential signatures (§4.2).

One construction, two uses told apart by the `purpose` in the domain tag: a trustee proving it
holds the secret of its public key (ElectionGuard 2.0 §3.2.2), and a voter signing a ballot with
its credential (Belenios spec, "Signatures"), where `message` is the ballot being signed.
"""

from __future__ import annotations

from dataclasses import dataclass

from clearcount.crypto.group import Point, Scalar, ScalarSource
from clearcount.crypto.proofs.common import ChallengeResponse, reject_identity, require_challenge
from clearcount.crypto.transcript import Transcript

__all__ = ["SchnorrProof", "prove_schnorr", "schnorr_tag", "verify_schnorr"]


@dataclass(frozen=True, slots=True)
class SchnorrProof(ChallengeResponse):
    """(c, s) with s = w + c·x and c = H(tag, context, g, X, message, A) (spec §4.2)."""


def schnorr_tag(purpose: str) -> str:
    """The domain tag: one per use, so a key proof is never accepted as a signature."""
    if not purpose or "/" in purpose:
        raise ValueError(f"Schnorr purpose: expected a non-empty name without '/', got {purpose!r}")
    return f"clearcount/v1/schnorr/{purpose}"


def _challenge(
    context: bytes, purpose: str, generator: Point, public: Point, message: bytes, commitment: Point
) -> Scalar:
    transcript = Transcript(schnorr_tag(purpose), context)
    transcript.append("base", generator).append("public", public).append("message", message)
    return transcript.append("commitment", commitment).challenge()


def prove_schnorr(
    context: bytes,
    secret: Scalar,
    *,
    message: bytes = b"",
    purpose: str = "key-possession",
    generator: Point | None = None,
    rng: ScalarSource = Scalar.random,
) -> SchnorrProof:
    """Prove knowledge of x with X = x·g (g = G unless given), bound to `message` and `context`."""
    base = Point.generator() if generator is None else generator
    public = base * secret
    nonce = rng()
    challenge = _challenge(context, purpose, base, public, message, base * nonce)
    return SchnorrProof(challenge, nonce + challenge * secret)


def verify_schnorr(
    context: bytes,
    public: Point,
    proof: SchnorrProof,
    *,
    message: bytes = b"",
    purpose: str = "key-possession",
    generator: Point | None = None,
) -> None:
    """Recompute A = s·g - c·X and check c = H(...); ProofError otherwise (spec §4.2)."""
    what = f"Schnorr proof ({purpose})"
    base = Point.generator() if generator is None else generator
    reject_identity(what, generator=base, public_key=public)
    commitment = base * proof.response - public * proof.challenge
    expected = _challenge(context, purpose, base, public, message, commitment)
    require_challenge(what, expected, proof.challenge)
