"""Known-answer vectors for a 2-of-3 ceremony and decryption (tests/vectors/threshold/, §5.6).

Every scalar comes from `seeded_scalars(SEED)` in the order listed under "draws". Rewrite the file
only after a deliberate, documented protocol change: `python test_threshold_vectors.py` here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from clearcount.crypto.dkg import (
    CeremonyParameters,
    KeyShare,
    TrusteeAnnouncement,
    announce,
    combine_shares,
    generate_polynomial,
    joint_key,
    make_shares,
    verify_share,
)
from clearcount.crypto.elgamal import Ciphertext, encrypt
from clearcount.crypto.group import Point, Scalar, seeded_scalars
from clearcount.crypto.proofs import SchnorrProof
from clearcount.crypto.threshold import PartialDecryption, combine, partial_decrypt

VECTOR_FILE = Path(__file__).parents[2] / "vectors" / "threshold" / "threshold_v1.json"
CONTEXT = b"clearcount known-answer vectors v1: Riverside Branch ballot 2031"
SEED = b"clearcount/kat/threshold"
PARAMETERS = CeremonyParameters(threshold=2, trustees=3)
PLAINTEXT = 7
PRESENT = (1, 3)  # trustee 2 is absent and compensated by Lagrange over {1, 3}
DRAWS = [
    "coefficients a_{i,0..t-1} of trustee 1, then 2, then 3",
    "Schnorr nonces: trustee 1 coefficients 0..t-1, then trustee 2, then trustee 3",
    "encryption nonce r",
    "Chaum-Pedersen nonce of trustee 1, then of trustee 3",
]


def _hex(value: Any) -> str:
    return str(value.to_bytes().hex())


def build_vectors() -> dict[str, Any]:
    rng = seeded_scalars(SEED)
    polynomials = [generate_polynomial(PARAMETERS, i, rng) for i in PARAMETERS.indices]
    announcements = [announce(CONTEXT, p, rng) for p in polynomials]
    shares = [s for p in polynomials for s in make_shares(PARAMETERS, p)]
    keys = [
        combine_shares(PARAMETERS, i, [s for s in shares if s.recipient == i])
        for i in PARAMETERS.indices
    ]
    joint = joint_key(CONTEXT, PARAMETERS, announcements)
    ciphertext = encrypt(joint.public_key, PLAINTEXT, rng())
    partials = [partial_decrypt(CONTEXT, keys[i - 1], ciphertext, rng) for i in PRESENT]
    return {
        "context": CONTEXT.hex(),
        "seed": SEED.hex(),
        "draws": DRAWS,
        "threshold": PARAMETERS.threshold,
        "trustees": [
            {
                "index": p.index,
                "coefficients": [_hex(a) for a in p.coefficients],
                "commitments": [_hex(k) for k in a.commitments],
                "proofs": [_hex(proof) for proof in a.proofs],
                "shares": [_hex(s.value) for s in shares if s.sender == p.index],
                "key_share": _hex(key.share),
            }
            for p, a, key in zip(polynomials, announcements, keys, strict=True)
        ],
        "joint_key": _hex(joint.public_key),
        "verification_keys": [_hex(k) for k in joint.verification_keys],
        "plaintext": PLAINTEXT,
        "ciphertext": _hex(ciphertext),
        "partial_decryptions": [_hex(p) for p in partials],
    }


def _load() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(VECTOR_FILE.read_text())
    return loaded


def test_seeded_construction_reproduces_the_file() -> None:
    assert build_vectors() == _load()


def test_stored_ceremony_and_decryption_verify_from_public_values() -> None:
    vectors = _load()
    context = bytes.fromhex(vectors["context"])
    announcements = [
        TrusteeAnnouncement(
            t["index"],
            tuple(Point.from_bytes(bytes.fromhex(k)) for k in t["commitments"]),
            tuple(SchnorrProof.from_bytes(bytes.fromhex(p)) for p in t["proofs"]),
        )
        for t in vectors["trustees"]
    ]
    joint = joint_key(context, PARAMETERS, announcements)
    assert _hex(joint.public_key) == vectors["joint_key"]
    for trustee, announcement in zip(vectors["trustees"], announcements, strict=True):
        for recipient, value in enumerate(trustee["shares"], start=1):
            share = KeyShare(trustee["index"], recipient, Scalar.from_bytes(bytes.fromhex(value)))
            verify_share(share, announcement)
    ciphertext = Ciphertext.from_bytes(bytes.fromhex(vectors["ciphertext"]))
    partials = [
        PartialDecryption.from_bytes(bytes.fromhex(p)) for p in vectors["partial_decryptions"]
    ]
    assert [p.trustee for p in partials] == list(PRESENT)
    assert combine(context, joint, ciphertext, partials) == Point.base_mul(
        Scalar.from_int(vectors["plaintext"])
    )


if __name__ == "__main__":
    VECTOR_FILE.parent.mkdir(parents=True, exist_ok=True)
    VECTOR_FILE.write_text(json.dumps(build_vectors(), indent=2) + "\n")
