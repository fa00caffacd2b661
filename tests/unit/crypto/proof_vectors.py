"""Builds the known-answer vectors of tests/vectors/proofs_v1.json (docs/spec/04-proofs.md §4.7).

Every nonce and key comes from `seeded_scalars(seed)`, drawn in the order written here, so another
implementation can reproduce each proof byte for byte. Run `python proof_vectors.py` from this
folder to rewrite the file after a deliberate, documented protocol change; never silently.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from clearcount.crypto.elgamal import SecretKey, encrypt, sum_ciphertexts
from clearcount.crypto.group import Point, independent_generators, seeded_scalars
from clearcount.crypto.proofs import (
    prove_decryption,
    prove_dleq,
    prove_range,
    prove_schnorr,
    prove_zero_one,
)

VECTOR_FILE = Path(__file__).parents[2] / "vectors" / "proofs_v1.json"
CONTEXT = b"clearcount known-answer vectors v1: Riverside Branch ballot 2031"
MESSAGE = b"ballot of the fictional member A. Example"
BINDING = b"public credential of the fictional member A. Example"


def _hex(value: Any) -> str:
    return value.to_bytes().hex() if hasattr(value, "to_bytes") else bytes(value).hex()


def build_vectors() -> dict[str, Any]:
    vectors: dict[str, Any] = {"context": CONTEXT.hex()}
    proof: Any

    for purpose, message in (("key-possession", b""), ("credential-signature", MESSAGE)):
        seed = f"clearcount/kat/schnorr/{purpose}".encode()
        rng = seeded_scalars(seed)
        secret = rng()
        proof = prove_schnorr(CONTEXT, secret, message=message, purpose=purpose, rng=rng)
        vectors[f"schnorr/{purpose}"] = {
            "seed": seed.hex(),
            "draws": ["secret x", "nonce w"],
            "secret": _hex(secret),
            "public": _hex(Point.base_mul(secret)),
            "message": message.hex(),
            "proof": _hex(proof),
        }

    seed = b"clearcount/kat/dleq"
    rng = seeded_scalars(seed)
    secret = rng()
    base1, base2 = independent_generators(b"clearcount/kat", 2)
    proof = prove_dleq(CONTEXT, secret, base1, base2, purpose="kat", rng=rng)
    vectors["dleq/kat"] = {
        "seed": seed.hex(),
        "draws": ["secret x", "nonce w"],
        "base1": _hex(base1),
        "base2": _hex(base2),
        "secret": _hex(secret),
        "proof": _hex(proof),
    }

    seed = b"clearcount/kat/decryption"
    rng = seeded_scalars(seed)
    key_secret = SecretKey(rng())
    nonce = rng()
    ciphertext = encrypt(key_secret.public_key(), 3, nonce)
    share, proof = prove_decryption(CONTEXT, key_secret, ciphertext, rng=rng)
    vectors["dleq/decryption"] = {
        "seed": seed.hex(),
        "draws": ["secret x", "encryption nonce r", "proof nonce w"],
        "public_key": _hex(key_secret.public_key()),
        "plaintext": 3,
        "ciphertext": _hex(ciphertext),
        "share": _hex(share),
        "proof": _hex(proof),
    }

    for m in (0, 1):
        seed = f"clearcount/kat/zero-one/{m}".encode()
        rng = seeded_scalars(seed)
        key_secret = SecretKey(rng())
        nonce = rng()
        ciphertext = encrypt(key_secret.public_key(), m, nonce)
        proof = prove_zero_one(
            CONTEXT, key_secret.public_key(), ciphertext, m, nonce, binding=BINDING, rng=rng
        )
        vectors[f"zero-one/{m}"] = {
            "seed": seed.hex(),
            "draws": [
                "secret x",
                "encryption nonce r",
                "per branch j ascending: w if j is the true branch, else c_j then s_j",
            ],
            "public_key": _hex(key_secret.public_key()),
            "plaintext": m,
            "binding": BINDING.hex(),
            "ciphertext": _hex(ciphertext),
            "proof": _hex(proof),
        }

    seed = b"clearcount/kat/range"
    rng = seeded_scalars(seed)
    key_secret = SecretKey(rng())
    votes = [1, 0, 1]
    nonces = [rng() for _ in votes]
    ciphertexts = [
        encrypt(key_secret.public_key(), m, r) for m, r in zip(votes, nonces, strict=True)
    ]
    total_nonce = nonces[0] + nonces[1] + nonces[2]
    proof = prove_range(
        CONTEXT,
        key_secret.public_key(),
        ciphertexts,
        2,
        total_nonce,
        1,
        2,
        binding=BINDING,
        rng=rng,
    )
    vectors["range/1-2"] = {
        "seed": seed.hex(),
        "draws": [
            "secret x",
            "nonces r_1..r_3",
            "per branch j ascending: w if j is the true branch, else c_j then s_j",
        ],
        "public_key": _hex(key_secret.public_key()),
        "plaintexts": votes,
        "minimum": 1,
        "maximum": 2,
        "binding": BINDING.hex(),
        "ciphertexts": [_hex(c) for c in ciphertexts],
        "sum": _hex(sum_ciphertexts(ciphertexts)),
        "proof": _hex(proof),
    }
    return vectors


def load_vectors() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(VECTOR_FILE.read_text())
    return loaded


if __name__ == "__main__":
    VECTOR_FILE.write_text(json.dumps(build_vectors(), indent=2) + "\n")
