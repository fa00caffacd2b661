"""Known-answer vectors for the mixnet (tests/vectors/shuffle/shuffle_v1.json, spec §6.8).

Every scalar comes from `seeded_scalars(SEED)` in the order listed under "draws", so another
implementation can rebuild the shuffle and its proof byte for byte. Rewrite the file only after a
deliberate, documented protocol change: `python test_shuffle_vectors.py` from this folder.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from clearcount.core.errors import ProofError
from clearcount.crypto.elgamal import Ciphertext, PublicKey, SecretKey, decrypt_to_point, encrypt
from clearcount.crypto.group import Point, Scalar, seeded_scalars
from clearcount.crypto.shuffle import Ballot, gen_shuffle, shuffle_generators
from clearcount.crypto.shuffle_proof import ShuffleProof, check_shuffle_proof, gen_shuffle_proof

VECTOR_FILE = Path(__file__).parents[2] / "vectors" / "shuffle" / "shuffle_v1.json"
CONTEXT = b"clearcount known-answer vectors v1: Riverside Branch leadership ballot 2031"
SEED = b"clearcount/kat/shuffle"
RANKINGS = [(1, 3, 2), (2, 1, 3), (3, 2, 1), (1, 2, 3)]
DRAWS = [
    "secret key x",
    "encryption nonces, ballot by ballot, rank by rank",
    "GenPermutation: one scalar per position i = 0..N-1, index i + (scalar mod (N - i))",
    "re-encryption nonces r'_{i,l}, output by output, rank by rank",
    "GenShuffleProof: r_0..r_{N-1}, r̂_1..r̂_N, ω_1, ω_2, ω_3, ω_{4,1..k}, ω̂_1..ω̂_N, ω'_1..ω'_N",
]


def _ballots_hex(ballots: list[Ballot] | tuple[Ballot, ...]) -> list[list[str]]:
    return [[c.to_bytes().hex() for c in ballot] for ballot in ballots]


def build_vectors() -> dict[str, Any]:
    rng = seeded_scalars(SEED)
    secret = SecretKey(rng())
    key = secret.public_key()
    ballots = [tuple(encrypt(key, m, rng()) for m in ranking) for ranking in RANKINGS]
    shuffled, witness = gen_shuffle(key, ballots, rng)
    proof = gen_shuffle_proof(CONTEXT, key, ballots, shuffled, witness, rng)
    h, hs = shuffle_generators(CONTEXT, len(ballots))
    return {
        "context": CONTEXT.hex(),
        "seed": SEED.hex(),
        "draws": DRAWS,
        "secret_key": secret.scalar.to_bytes().hex(),
        "public_key": key.to_bytes().hex(),
        "rankings": [list(r) for r in RANKINGS],
        "generators": {"h": h.to_bytes().hex(), "h_i": [g.to_bytes().hex() for g in hs]},
        "input": _ballots_hex(ballots),
        "permutation": list(witness.permutation.images),
        "output": _ballots_hex(shuffled),
        "proof": proof.to_bytes().hex(),
    }


def _load() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(VECTOR_FILE.read_text())
    return loaded


def _decode(ballots: list[list[str]]) -> list[Ballot]:
    return [tuple(Ciphertext.from_bytes(bytes.fromhex(c)) for c in b) for b in ballots]


def test_seeded_construction_reproduces_the_file() -> None:
    assert build_vectors() == _load()


def test_stored_proof_verifies_from_the_stored_statement_alone() -> None:
    vectors = _load()
    context = bytes.fromhex(vectors["context"])
    key = PublicKey.from_bytes(bytes.fromhex(vectors["public_key"]))
    ballots, shuffled = _decode(vectors["input"]), _decode(vectors["output"])
    proof = ShuffleProof.from_bytes(bytes.fromhex(vectors["proof"]))
    check_shuffle_proof(context, key, ballots, shuffled, proof)
    with pytest.raises(ProofError):
        check_shuffle_proof(context, key, ballots, shuffled[::-1], proof)


def test_stored_output_decrypts_to_the_permuted_rankings() -> None:
    vectors = _load()
    secret = SecretKey(Scalar.from_bytes(bytes.fromhex(vectors["secret_key"])))
    shuffled = _decode(vectors["output"])
    for ballot, source in zip(shuffled, vectors["permutation"], strict=True):
        expected = [Point.base_mul(Scalar.from_int(m)) for m in vectors["rankings"][source]]
        assert [decrypt_to_point(secret, c) for c in ballot] == expected


if __name__ == "__main__":
    VECTOR_FILE.parent.mkdir(parents=True, exist_ok=True)
    VECTOR_FILE.write_text(json.dumps(build_vectors(), indent=2, ensure_ascii=False) + "\n")
