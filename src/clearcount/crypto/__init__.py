"""The crypto layer: ristretto255, transcripts, exponential ElGamal and proofs (docs/spec §1-§4).

Imports only `clearcount.core` and the libsodium binding (inside `group.py`); never counting.
Proofs live in `clearcount.crypto.proofs`.
"""

from clearcount.crypto.dlog import DiscreteLog
from clearcount.crypto.elgamal import (
    Ciphertext,
    PublicKey,
    SecretKey,
    decrypt_to_point,
    encrypt,
    generate_keypair,
    reencrypt,
    scale,
    sum_ciphertexts,
)
from clearcount.crypto.group import (
    ORDER,
    Point,
    Scalar,
    ScalarSource,
    independent_generators,
    seeded_scalars,
)
from clearcount.crypto.transcript import Transcript

__all__ = [
    "ORDER",
    "Ciphertext",
    "DiscreteLog",
    "Point",
    "PublicKey",
    "Scalar",
    "ScalarSource",
    "SecretKey",
    "Transcript",
    "decrypt_to_point",
    "encrypt",
    "generate_keypair",
    "independent_generators",
    "reencrypt",
    "scale",
    "seeded_scalars",
    "sum_ciphertexts",
]
