"""Threshold decryption: partial decryptions with proofs, Lagrange combination (spec §5.3-§5.4).

Trustee ℓ publishes M_ℓ = z_ℓ·pad with a Chaum-Pedersen proof that log_G K_ℓ = log_pad M_ℓ, where
K_ℓ is its public verification key from the ceremony (`dkg.JointKey`). Any set S of at least t
trustees whose proofs verify gives x·pad = Σ_{ℓ∈S} w_ℓ·M_ℓ with the Lagrange weights of S, so up
to n - t absent trustees are compensated by interpolating over the present ones: no absent
trustee's key is ever rebuilt and the joint secret never exists in one place (ElectionGuard 2.0
§3.6, "decryption with missing guardians"; Belenios specification, "Tally" in threshold mode).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from clearcount.core.errors import CryptoError, DecodingError, ProofError
from clearcount.crypto.dkg import JointKey, TrusteeKey
from clearcount.crypto.elgamal import Ciphertext, PublicKey, SecretKey
from clearcount.crypto.group import Point, Scalar, ScalarSource
from clearcount.crypto.lagrange import lagrange_coefficients
from clearcount.crypto.proofs.dleq import DleqProof, prove_decryption, verify_decryption

__all__ = [
    "PartialDecryption",
    "combine",
    "lagrange_combine",
    "partial_decrypt",
    "verify_partial_decryption",
]

_SIZE = 32


@dataclass(frozen=True, slots=True)
class PartialDecryption:
    """Trustee ℓ's share M_ℓ = z_ℓ·pad of one ciphertext, with its Chaum-Pedersen proof (§5.3)."""

    trustee: int
    share: Point
    proof: DleqProof

    def to_bytes(self) -> bytes:
        """trustee (2 bytes big-endian) || M_ℓ (32) || challenge (32) || response (32)."""
        return self.trustee.to_bytes(2, "big") + self.share.to_bytes() + self.proof.to_bytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> PartialDecryption:
        if not isinstance(data, bytes | bytearray) or len(data) != 2 + 3 * _SIZE:
            got = len(data) if isinstance(data, bytes | bytearray) else type(data).__name__
            raise DecodingError(f"partial decryption encoding: expected 98 bytes, got {got}")
        return cls(
            int.from_bytes(data[:2], "big"),
            Point.from_bytes(bytes(data[2 : 2 + _SIZE])),
            DleqProof.from_bytes(bytes(data[2 + _SIZE :])),
        )


def partial_decrypt(
    context: bytes, key: TrusteeKey, ciphertext: Ciphertext, rng: ScalarSource = Scalar.random
) -> PartialDecryption:
    """M_ℓ = z_ℓ·pad and its proof: 2 fixed-base + 2 variable-base multiplications (§5.3)."""
    share, proof = prove_decryption(context, SecretKey(key.share), ciphertext, rng=rng)
    return PartialDecryption(key.index, share, proof)


def verify_partial_decryption(
    context: bytes, joint: JointKey, ciphertext: Ciphertext, partial: PartialDecryption
) -> None:
    """Check the proof against K_ℓ; ProofError naming the trustee otherwise (§5.3)."""
    joint.parameters.require_index("partial decryption", partial.trustee)
    verification_key = PublicKey(joint.verification_key(partial.trustee))
    try:
        verify_decryption(context, verification_key, ciphertext, partial.share, partial.proof)
    except ProofError as error:
        raise ProofError(f"partial decryption by trustee {partial.trustee}: {error}") from None


def lagrange_combine(shares: Mapping[int, Point]) -> Point:
    """Σ_{ℓ∈S} w_ℓ·M_ℓ with the Lagrange weights of exactly S = shares' keys (§5.4).

    Equals x·pad only when |S| >= t; `combine` enforces that, this primitive does not.
    """
    weights = lagrange_coefficients(list(shares))
    total = Point.identity()
    for index, share in shares.items():
        total = total + share * weights[index]
    return total


def combine(
    context: bytes,
    joint: JointKey,
    ciphertext: Ciphertext,
    partials: Sequence[PartialDecryption],
) -> Point:
    """mG = data - Σ w_ℓ·M_ℓ from the partial decryptions of at least t trustees (§5.4).

    Every proof is checked first: ProofError names every trustee whose proof fails. With more
    than t valid partials the t lowest indices are used (t multiplications per ciphertext).
    Turn mG into m with `dlog.DiscreteLog`.
    """
    parameters = joint.parameters
    indices = [partial.trustee for partial in partials]
    if len(set(indices)) != len(indices):
        raise CryptoError(
            f"threshold decryption: expected one partial decryption per trustee, got {indices}"
        )
    if len(indices) < parameters.threshold:
        raise CryptoError(
            f"threshold decryption: expected partial decryptions from at least "
            f"{parameters.threshold} of {parameters.trustees} trustees, got {len(indices)} "
            f"(trustees {sorted(indices)})"
        )
    failed = []
    for partial in partials:
        try:
            verify_partial_decryption(context, joint, ciphertext, partial)
        except ProofError:
            failed.append(partial.trustee)
    if failed:
        raise ProofError(
            f"threshold decryption: expected a valid Chaum-Pedersen proof from every trustee, "
            f"got invalid partial decryptions from trustees {sorted(failed)}"
        )
    chosen = sorted(partials, key=lambda partial: partial.trustee)[: parameters.threshold]
    return ciphertext.data - lagrange_combine({p.trustee: p.share for p in chosen})
