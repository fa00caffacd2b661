"""Shamir polynomials over Z_L, Feldman evaluation in the exponent, Lagrange coefficients.

The arithmetic shared by the key ceremony (`dkg`) and threshold decryption (`threshold`),
docs/spec §5.1. Trustee indices are the integers 1..n: index 0 would be the shared secret itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from clearcount.core.errors import CryptoError
from clearcount.crypto.group import Point, Scalar

__all__ = [
    "evaluate_commitments",
    "evaluate_polynomial",
    "lagrange_coefficients",
]


def evaluate_polynomial(coefficients: Sequence[Scalar], x: int) -> Scalar:
    """P(x) = a_0 + a_1 x + ... + a_{t-1} x^{t-1} mod L, by Horner's rule (spec §5.1)."""
    point = Scalar.from_int(x)
    result = Scalar.from_int(0)
    for coefficient in reversed(coefficients):
        result = result * point + coefficient
    return result


def evaluate_commitments(commitments: Sequence[Point], x: int) -> Point:
    """Σ_j x^j · K_j, i.e. P(x)·G from the Feldman commitments K_j = a_j·G (spec §5.1).

    Horner's rule in the exponent: t - 1 variable-base multiplications and t - 1 additions.
    """
    if not commitments:
        raise ValueError("evaluate_commitments: expected at least one commitment, got none")
    point = Scalar.from_int(x)
    result = commitments[-1]
    for commitment in reversed(commitments[:-1]):
        result = result * point + commitment
    return result


def lagrange_coefficients(indices: Sequence[int]) -> dict[int, Scalar]:
    """w_ℓ = Π_{m ∈ S, m ≠ ℓ} m / (m - ℓ) mod L for each ℓ in S (spec §5.4).

    Σ_ℓ w_ℓ·P(ℓ) = P(0) for every polynomial P of degree < |S|; with fewer than t indices the
    sum is a different, useless value, which is why `threshold.combine` refuses such a set.
    """
    return dict(_coefficients(tuple(indices)))


@lru_cache(maxsize=256)
def _coefficients(present: tuple[int, ...]) -> tuple[tuple[int, Scalar], ...]:
    """The coefficients of one set, cached: each costs a scalar inversion (about 19 µs), and a
    tally or a mixed list decrypts thousands of ciphertexts with the same set of trustees.
    """
    if len(set(present)) != len(present):
        raise CryptoError(
            f"Lagrange coefficients: expected distinct trustee indices, got {list(present)}"
        )
    if any(index < 1 for index in present):
        raise CryptoError(
            f"Lagrange coefficients: expected trustee indices >= 1, got {list(present)}"
        )
    coefficients = []
    for index in present:
        numerator = Scalar.from_int(1)
        denominator = Scalar.from_int(1)
        for other in present:
            if other != index:
                numerator = numerator * Scalar.from_int(other)
                denominator = denominator * Scalar.from_int(other - index)
        coefficients.append((index, numerator * denominator.inverse()))
    return tuple(coefficients)
