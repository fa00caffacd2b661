"""One Chaum-Pedersen proof for a whole batch of decryption shares (spec §4.3.3).

The batched DLEQ proof of RFC 9497 §2.2.1 (GenerateProof, VerifyProof, ComputeComposites; from
Davidson et al., "Privacy Pass", PoPETs 2018, and Henry's batch proofs): trustee ℓ with key
K = z·G claims D_i = z·A_i for the pads A_i of a list of ciphertexts. Coefficients d_i are hashed
from a seed that commits to the whole statement (election, trustee, batch name, K, every
ciphertext in order, every share), M = Σ d_i·A_i and Z = Σ d_i·D_i, and one DLEQ proof shows
log_G K = log_M Z. If any D_i ≠ z·A_i, then Z - z·M = Σ d_i·(D_i - z·A_i) is the identity with
probability 1/L per seed the prover tries (the d_i are random-oracle outputs fixed after the
statement), so the single proof is sound for all of them.

The composites are sums over the list, so they can be computed in chunks (for a process pool)
and added: `composite_part` takes the seed and the chunk's offset.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from clearcount.crypto.elgamal import Ciphertext
from clearcount.crypto.group import Point, Scalar, ScalarSource
from clearcount.crypto.proofs.dleq import DleqProof, prove_dleq, verify_dleq
from clearcount.crypto.transcript import Transcript

__all__ = [
    "BATCH_PURPOSE",
    "COMPOSITE_DOMAIN",
    "SEED_TAG",
    "BatchStatement",
    "batch_seed",
    "composite_part",
    "composite_weight",
    "prove_batch",
    "prove_composite",
    "verify_batch",
    "verify_composite",
]

BATCH_PURPOSE = "decryption-batch"
"""DLEQ purpose of the batch proof: tag `clearcount/v1/dleq/decryption-batch` (spec §4.3.3)."""
SEED_TAG = "clearcount/v1/dleq-batch/seed"
COMPOSITE_DOMAIN = b"clearcount/v1/dleq-batch/composite"


@dataclass(frozen=True, slots=True)
class BatchStatement:
    """Trustee `trustee` (index ℓ, key K = z·G) claims shares[i] = z·ciphertexts[i].pad for every
    i of the batch named `batch` (a contest id), in this order."""

    trustee: int
    batch: str
    key: Point
    ciphertexts: Sequence[Ciphertext]
    shares: Sequence[Point]

    def __post_init__(self) -> None:
        if len(self.ciphertexts) != len(self.shares):
            raise ValueError(
                f"batch {self.batch!r}: expected one share per ciphertext, got "
                f"{len(self.shares)} shares for {len(self.ciphertexts)} ciphertexts"
            )


def batch_seed(context: bytes, statement: BatchStatement) -> bytes:
    """32 bytes committing to the election and the whole statement, in order (spec §4.3.3)."""
    transcript = Transcript(SEED_TAG, context)
    transcript.append("trustee", statement.trustee).append("batch", statement.batch)
    transcript.append("key", statement.key)
    transcript.append_all("pads", (c.pad for c in statement.ciphertexts))
    transcript.append_all("data", (c.data for c in statement.ciphertexts))
    transcript.append_all("shares", statement.shares)
    return transcript.challenge().to_bytes()


def composite_weight(seed: bytes, position: int) -> Scalar:
    """d_i = Scalar.hash(COMPOSITE_DOMAIN, seed, i as 8 bytes big-endian) (spec §4.3.3)."""
    return Scalar.hash(COMPOSITE_DOMAIN, seed, position.to_bytes(8, "big"))


def composite_part(
    seed: bytes, pads: Sequence[Point], shares: Sequence[Point] | None, offset: int = 0
) -> tuple[Point, Point]:
    """(Σ d_i·A_i, Σ d_i·D_i) over one chunk starting at position `offset`; without `shares`
    (the prover, who gets Z = z·M) the second sum is the identity."""
    m = z = Point.identity()
    for j, pad in enumerate(pads):
        weight = composite_weight(seed, offset + j)
        m = m + pad * weight
        if shares is not None:
            z = z + shares[j] * weight
    return m, z


def prove_composite(
    context: bytes, secret: Scalar, seed: bytes, base: Point, rng: ScalarSource = Scalar.random
) -> DleqProof:
    """The DLEQ proof (G, K, M, Z = z·M) bound to the seed, from the composite M (§4.3.3)."""
    return prove_dleq(
        context, secret, Point.generator(), base, purpose=BATCH_PURPOSE, bound_to=(seed,), rng=rng
    )


def verify_composite(
    context: bytes, key: Point, seed: bytes, composites: tuple[Point, Point], proof: DleqProof
) -> None:
    """ProofError unless `proof` shows log_G K = log_M Z for the composites (M, Z)."""
    base, public = composites
    verify_dleq(
        context,
        Point.generator(),
        key,
        base,
        public,
        proof,
        purpose=BATCH_PURPOSE,
        bound_to=(seed,),
    )


def prove_batch(
    context: bytes, secret: Scalar, statement: BatchStatement, rng: ScalarSource = Scalar.random
) -> DleqProof:
    """One proof for the whole batch, in one process (RFC 9497 GenerateProof)."""
    seed = batch_seed(context, statement)
    base, _ = composite_part(seed, [c.pad for c in statement.ciphertexts], None)
    return prove_composite(context, secret, seed, base, rng)


def verify_batch(context: bytes, statement: BatchStatement, proof: DleqProof) -> None:
    """ProofError unless every share of the batch is z·pad (RFC 9497 VerifyProof)."""
    seed = batch_seed(context, statement)
    pads = [c.pad for c in statement.ciphertexts]
    verify_composite(
        context, statement.key, seed, composite_part(seed, pads, statement.shares), proof
    )
