"""Range proof: the sum of a ballot's ciphertexts encrypts a value in [min, max] (spec §4.5).

With a 0/1 proof per choice this enforces "at least min and at most max choices" (k-of-n,
approval with limits): Belenios' overall proof (oproof) and ElectionGuard 2.0's contest limit
proof (§3.3.6). The statement hashed is every individual ciphertext, not only their sum, so the
proof cannot be moved to another ballot whose sum happens to match.
"""

from __future__ import annotations

from collections.abc import Sequence

from clearcount.core.errors import ProofError
from clearcount.crypto.elgamal import Ciphertext, PublicKey, sum_ciphertexts
from clearcount.crypto.group import Scalar, ScalarSource
from clearcount.crypto.proofs.disjunctive import DisjunctiveProof, prove_one_of, verify_one_of
from clearcount.crypto.transcript import Transcript

__all__ = ["RANGE_TAG", "prove_range", "verify_range"]

RANGE_TAG = "clearcount/v1/range"


def _bounds(minimum: int, maximum: int) -> range:
    if not 0 <= minimum <= maximum:
        raise ValueError(f"range proof: expected 0 <= min <= max, got min={minimum}, max={maximum}")
    return range(minimum, maximum + 1)


def _transcript(
    context: bytes,
    key: PublicKey,
    ciphertexts: Sequence[Ciphertext],
    minimum: int,
    maximum: int,
    binding: bytes,
) -> Transcript:
    transcript = Transcript(RANGE_TAG, context)
    transcript.append("public_key", key.point).append("binding", binding)
    transcript.append_all("ciphertexts", [c.to_bytes() for c in ciphertexts])
    return transcript.append("min", minimum).append("max", maximum)


def prove_range(
    context: bytes,
    key: PublicKey,
    ciphertexts: Sequence[Ciphertext],
    total: int,
    nonce: Scalar,
    minimum: int,
    maximum: int,
    *,
    binding: bytes = b"",
    rng: ScalarSource = Scalar.random,
) -> DisjunctiveProof:
    """Prove Σ ciphertexts = Enc(total; nonce), min <= total <= max; nonce = Σ r_i (spec §4.5).

    Size and cost grow with max - min + 1 branches: fine for choice limits, not for wide ranges.
    """
    values = _bounds(minimum, maximum)
    if total not in values:
        raise ValueError(f"prove_range: expected {minimum} <= total <= {maximum}, got {total}")
    transcript = _transcript(context, key, ciphertexts, minimum, maximum, binding)
    combined = sum_ciphertexts(ciphertexts)
    return prove_one_of(transcript, key, combined, values, total - minimum, nonce, rng)


def verify_range(
    context: bytes,
    key: PublicKey,
    ciphertexts: Sequence[Ciphertext],
    minimum: int,
    maximum: int,
    proof: DisjunctiveProof,
    *,
    binding: bytes = b"",
) -> None:
    """ProofError unless Σ ciphertexts encrypts a value in [min, max] (spec §4.5)."""
    try:
        values = _bounds(minimum, maximum)
    except ValueError as error:
        raise ProofError(str(error)) from None
    transcript = _transcript(context, key, ciphertexts, minimum, maximum, binding)
    combined = sum_ciphertexts(ciphertexts)
    verify_one_of("range proof", transcript, key, combined, values, proof)
