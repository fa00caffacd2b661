"""Chaum-Pedersen proof of discrete-log equality, used for correct decryption (spec §4.3).

Proves log_{g1} h1 = log_{g2} h2 without revealing it (Chaum and Pedersen, CRYPTO '92). For a
decryption share D = x·pad of a ciphertext under K = x·G the statement is (G, K, pad, D), and the
whole ciphertext is bound in too (Belenios spec, "Tally"; ElectionGuard 2.0 §3.6.3).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from clearcount.crypto.elgamal import Ciphertext, PublicKey, SecretKey
from clearcount.crypto.group import Point, Scalar, ScalarSource
from clearcount.crypto.proofs.common import ChallengeResponse, reject_identity, require_challenge
from clearcount.crypto.transcript import Transcript, TranscriptValue

__all__ = [
    "DleqProof",
    "dleq_tag",
    "prove_decryption",
    "prove_dleq",
    "verify_decryption",
    "verify_dleq",
]


@dataclass(frozen=True, slots=True)
class DleqProof(ChallengeResponse):
    """(c, s) with s = w + c·x and c = H(tag, context, g1, h1, g2, h2, bound_to, A, B)."""


def dleq_tag(purpose: str) -> str:
    if not purpose or "/" in purpose:
        raise ValueError(f"DLEQ purpose: expected a non-empty name without '/', got {purpose!r}")
    return f"clearcount/v1/dleq/{purpose}"


def _challenge(
    context: bytes,
    purpose: str,
    statement: tuple[Point, Point, Point, Point],
    bound_to: Sequence[TranscriptValue],
    commitments: tuple[Point, Point],
) -> Scalar:
    base1, public1, base2, public2 = statement
    transcript = Transcript(dleq_tag(purpose), context)
    transcript.append("base1", base1).append("public1", public1)
    transcript.append("base2", base2).append("public2", public2)
    transcript.append_all("bound_to", bound_to)
    return transcript.append_all("commitments", commitments).challenge()


def prove_dleq(
    context: bytes,
    secret: Scalar,
    base1: Point,
    base2: Point,
    *,
    purpose: str = "decryption",
    bound_to: Sequence[TranscriptValue] = (),
    rng: ScalarSource = Scalar.random,
) -> DleqProof:
    """Prove h1 = x·g1 and h2 = x·g2 for the same x; `bound_to` adds statement values."""
    statement = (base1, base1 * secret, base2, base2 * secret)
    return _prove(context, purpose, secret, statement, bound_to, rng)


def _prove(
    context: bytes,
    purpose: str,
    secret: Scalar,
    statement: tuple[Point, Point, Point, Point],
    bound_to: Sequence[TranscriptValue],
    rng: ScalarSource,
) -> DleqProof:
    base1, _, base2, _ = statement
    nonce = rng()
    commitments = (base1 * nonce, base2 * nonce)
    challenge = _challenge(context, purpose, statement, bound_to, commitments)
    return DleqProof(challenge, nonce + challenge * secret)


def verify_dleq(
    context: bytes,
    base1: Point,
    public1: Point,
    base2: Point,
    public2: Point,
    proof: DleqProof,
    *,
    purpose: str = "decryption",
    bound_to: Sequence[TranscriptValue] = (),
) -> None:
    """A = s·g1 - c·h1, B = s·g2 - c·h2, then check c; ProofError otherwise (spec §4.3)."""
    what = f"Chaum-Pedersen proof ({purpose})"
    reject_identity(what, base1=base1, public1=public1, base2=base2, public2=public2)
    commitments = (
        base1 * proof.response - public1 * proof.challenge,
        base2 * proof.response - public2 * proof.challenge,
    )
    statement = (base1, public1, base2, public2)
    expected = _challenge(context, purpose, statement, bound_to, commitments)
    require_challenge(what, expected, proof.challenge)


def prove_decryption(
    context: bytes,
    secret: SecretKey,
    ciphertext: Ciphertext,
    *,
    rng: ScalarSource = Scalar.random,
) -> tuple[Point, DleqProof]:
    """The share D = x·pad and a proof that it uses the x of K = x·G (spec §4.3.2)."""
    share = ciphertext.pad * secret.scalar
    statement = (Point.generator(), secret.public_key().point, ciphertext.pad, share)
    proof = _prove(context, "decryption", secret.scalar, statement, (ciphertext.data,), rng)
    return share, proof


def verify_decryption(
    context: bytes, key: PublicKey, ciphertext: Ciphertext, share: Point, proof: DleqProof
) -> None:
    """Check a decryption share; then `ciphertext.data - share` is mG (spec §4.3.2)."""
    verify_dleq(
        context,
        Point.generator(),
        key.point,
        ciphertext.pad,
        share,
        proof,
        bound_to=(ciphertext.data,),
    )
