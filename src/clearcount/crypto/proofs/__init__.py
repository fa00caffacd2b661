"""Zero-knowledge proofs with strong Fiat-Shamir (docs/spec/04-proofs.md).

Every `prove_*` returns a frozen value with `to_bytes`/`from_bytes`; every `verify_*` returns
None or raises `ProofError`. Each takes the election `context` (its fingerprint).
"""

from clearcount.crypto.proofs.common import reject_reused_challenges
from clearcount.crypto.proofs.costs import OperationCount, disjunctive_cost, proof_costs
from clearcount.crypto.proofs.disjunctive import DisjunctiveProof, prove_zero_one, verify_zero_one
from clearcount.crypto.proofs.dleq import (
    DleqProof,
    prove_decryption,
    prove_dleq,
    verify_decryption,
    verify_dleq,
)
from clearcount.crypto.proofs.range import prove_range, verify_range
from clearcount.crypto.proofs.schnorr import SchnorrProof, prove_schnorr, verify_schnorr

__all__ = [
    "DisjunctiveProof",
    "DleqProof",
    "OperationCount",
    "SchnorrProof",
    "disjunctive_cost",
    "proof_costs",
    "prove_decryption",
    "prove_dleq",
    "prove_range",
    "prove_schnorr",
    "prove_zero_one",
    "reject_reused_challenges",
    "verify_decryption",
    "verify_dleq",
    "verify_range",
    "verify_schnorr",
    "verify_zero_one",
]
