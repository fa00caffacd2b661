"""How many scalar multiplications each proof costs: the floor the benchmarks compare to (§4.6).

Fixed-base means s·G with libsodium's precomputed tables (crypto_scalarmult_ristretto255_base);
variable-base means s·P for any other P (crypto_scalarmult_ristretto255). Additions, hashing and
decoding are not counted. The counts are checked against instrumented runs in the unit tests.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["OperationCount", "disjunctive_cost", "proof_costs"]


@dataclass(frozen=True, slots=True)
class OperationCount:
    fixed_base: int
    variable_base: int


def disjunctive_cost(branches: int, *, minimum: int = 0) -> tuple[OperationCount, OperationCount]:
    """(prove, verify) for a CDS proof over `branches` consecutive values starting at `minimum`.

    Per simulated branch: s·G, c·pad, s·K, c·β_j; the true branch: w·G, w·K. One more fixed-base
    multiplication computes min·G when min > 0; later targets are reached by subtracting G.
    """
    offset = 1 if minimum else 0
    prove = OperationCount(branches + offset, 1 + 3 * (branches - 1))
    verify = OperationCount(branches + offset, 3 * branches)
    return prove, verify


def proof_costs() -> dict[str, tuple[OperationCount, OperationCount]]:
    """(prove, verify) per proof, with G as the Schnorr/DLEQ first base (spec §4.6 table)."""
    return {
        "schnorr": (OperationCount(2, 0), OperationCount(1, 1)),
        "dleq": (OperationCount(2, 2), OperationCount(1, 3)),
        "decryption": (OperationCount(2, 2), OperationCount(1, 3)),
        "zero_one": disjunctive_cost(2),
    }
