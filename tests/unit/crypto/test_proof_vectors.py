"""Known-answer vectors for every proof (tests/vectors/proofs_v1.json, spec §4.7).

Two checks: the seeded construction reproduces the file byte for byte (so a change to any
transcript encoding is caught), and the stored proofs verify from the stored statement alone.
"""

from __future__ import annotations

from typing import Any

import pytest
from proof_vectors import build_vectors, load_vectors

from clearcount.core.errors import ProofError
from clearcount.crypto.elgamal import Ciphertext, PublicKey
from clearcount.crypto.group import Point
from clearcount.crypto.proofs import (
    DisjunctiveProof,
    DleqProof,
    SchnorrProof,
    verify_decryption,
    verify_dleq,
    verify_range,
    verify_schnorr,
    verify_zero_one,
)

VECTORS = load_vectors()
CONTEXT = bytes.fromhex(VECTORS["context"])


def test_seeded_construction_reproduces_the_file() -> None:
    assert build_vectors() == VECTORS


def _point(hex_value: str) -> Point:
    return Point.from_bytes(bytes.fromhex(hex_value))


def _verify(name: str, vector: dict[str, Any], context: bytes) -> None:
    proof = bytes.fromhex(vector["proof"])
    if name.startswith("schnorr/"):
        verify_schnorr(
            context,
            _point(vector["public"]),
            SchnorrProof.from_bytes(proof),
            message=bytes.fromhex(vector["message"]),
            purpose=name.split("/")[1],
        )
    elif name == "dleq/kat":
        base1, base2 = _point(vector["base1"]), _point(vector["base2"])
        secret = bytes.fromhex(vector["secret"])
        from clearcount.crypto.group import Scalar

        x = Scalar.from_bytes(secret)
        verify_dleq(
            context, base1, base1 * x, base2, base2 * x, DleqProof.from_bytes(proof), purpose="kat"
        )
    elif name == "dleq/decryption":
        verify_decryption(
            context,
            PublicKey.from_bytes(bytes.fromhex(vector["public_key"])),
            Ciphertext.from_bytes(bytes.fromhex(vector["ciphertext"])),
            _point(vector["share"]),
            DleqProof.from_bytes(proof),
        )
    elif name.startswith("zero-one/"):
        verify_zero_one(
            context,
            PublicKey.from_bytes(bytes.fromhex(vector["public_key"])),
            Ciphertext.from_bytes(bytes.fromhex(vector["ciphertext"])),
            DisjunctiveProof.from_bytes(proof),
            binding=bytes.fromhex(vector["binding"]),
        )
    elif name.startswith("range/"):
        verify_range(
            context,
            PublicKey.from_bytes(bytes.fromhex(vector["public_key"])),
            [Ciphertext.from_bytes(bytes.fromhex(c)) for c in vector["ciphertexts"]],
            vector["minimum"],
            vector["maximum"],
            DisjunctiveProof.from_bytes(proof),
            binding=bytes.fromhex(vector["binding"]),
        )
    else:
        raise AssertionError(f"unknown vector {name}")


PROOF_NAMES = [name for name in VECTORS if name != "context"]


def test_every_proof_has_a_vector() -> None:
    kinds = {name.split("/")[0] for name in PROOF_NAMES}
    assert kinds == {"schnorr", "dleq", "zero-one", "range"}


@pytest.mark.parametrize("name", PROOF_NAMES)
def test_stored_proof_verifies_from_the_stored_statement(name: str) -> None:
    _verify(name, VECTORS[name], CONTEXT)


@pytest.mark.parametrize("name", PROOF_NAMES)
def test_stored_proof_fails_for_another_election(name: str) -> None:
    with pytest.raises(ProofError):
        _verify(name, VECTORS[name], CONTEXT + b"?")
