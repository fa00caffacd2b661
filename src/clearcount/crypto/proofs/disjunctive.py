"""Disjunctive Chaum-Pedersen (CDS) proofs: a ciphertext encrypts one of a list of values (§4.4).

Cramer, Damgård and Schoenmakers (CRYPTO '94) OR-composition of Chaum-Pedersen proofs, in the
form of Belenios' "proofs of interval membership" (iprove) and ElectionGuard 2.0 §3.3.5: the
branch for the true value is proved, every other branch is simulated with a chosen challenge,
and the challenges must add up to the one hash over the full statement and all commitments.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from clearcount.core.errors import DecodingError, ProofError
from clearcount.crypto.elgamal import Ciphertext, PublicKey
from clearcount.crypto.group import Point, Scalar, ScalarSource
from clearcount.crypto.proofs.common import (
    SCALAR_SIZE,
    decode_scalars,
    reject_reused_challenges,
    require_challenge,
)
from clearcount.crypto.transcript import Transcript

__all__ = [
    "ZERO_ONE_TAG",
    "DisjunctiveProof",
    "prove_one_of",
    "prove_zero_one",
    "verify_one_of",
    "verify_zero_one",
]

ZERO_ONE_TAG = "clearcount/v1/zero-one"


@dataclass(frozen=True, slots=True)
class DisjunctiveProof:
    """Per branch j a challenge c_j and a response s_j; encoded c_0 s_0 c_1 s_1 ... (§4.4.3)."""

    challenges: tuple[Scalar, ...]
    responses: tuple[Scalar, ...]

    def __post_init__(self) -> None:
        if not self.challenges or len(self.challenges) != len(self.responses):
            raise DecodingError(
                "DisjunctiveProof: expected as many responses as challenges (at least one), got "
                f"{len(self.challenges)} challenges and {len(self.responses)} responses"
            )

    @property
    def branches(self) -> int:
        return len(self.challenges)

    @classmethod
    def from_bytes(cls, data: bytes) -> DisjunctiveProof:
        if len(data) % (2 * SCALAR_SIZE):
            raise DecodingError(
                f"DisjunctiveProof encoding: expected a multiple of 64 bytes, got {len(data)} bytes"
            )
        scalars = decode_scalars("DisjunctiveProof", data)
        return cls(scalars[0::2], scalars[1::2])

    def to_bytes(self) -> bytes:
        return b"".join(
            c.to_bytes() + s.to_bytes()
            for c, s in zip(self.challenges, self.responses, strict=True)
        )


def _targets(ciphertext: Ciphertext, values: Sequence[int]) -> list[Point]:
    """β_j = data - M_j·G: the point that must equal r·K on branch j (one fixed-base mult)."""
    first = ciphertext.data
    if values[0]:  # data - 0·G is data: no subtraction for the usual first value
        first = first - Point.base_mul(Scalar.from_int(values[0]))
    targets = [first]
    generator = Point.generator()
    for previous, value in pairwise(values):
        step = value - previous
        if step == 1:
            targets.append(targets[-1] - generator)
        else:
            targets.append(targets[-1] - Point.base_mul(Scalar.from_int(step)))
    return targets


def prove_one_of(
    transcript: Transcript,
    key: PublicKey,
    ciphertext: Ciphertext,
    values: Sequence[int],
    index: int,
    nonce: Scalar,
    rng: ScalarSource,
) -> DisjunctiveProof:
    """Prove `ciphertext` = Enc(values[index]; nonce); `transcript` already holds the statement."""
    targets = _targets(ciphertext, values)
    challenges: list[Scalar] = []
    responses: list[Scalar] = []
    commitments: list[Point] = []
    witness_nonce = Scalar.from_int(0)
    for j, target in enumerate(targets):
        if j == index:
            witness_nonce = rng()
            challenges.append(Scalar.from_int(0))
            responses.append(Scalar.from_int(0))
            commitments += [Point.base_mul(witness_nonce), key.point * witness_nonce]
            continue
        challenge, response = rng(), rng()
        challenges.append(challenge)
        responses.append(response)
        commitments += [
            Point.base_mul(response) - ciphertext.pad * challenge,
            key.point * response - target * challenge,
        ]
    total = transcript.append_all("commitments", commitments).challenge()
    simulated = Scalar.from_int(0)
    for j, challenge in enumerate(challenges):
        if j != index:
            simulated = simulated + challenge
    challenges[index] = total - simulated
    responses[index] = witness_nonce + challenges[index] * nonce
    return DisjunctiveProof(tuple(challenges), tuple(responses))


def verify_one_of(
    what: str,
    transcript: Transcript,
    key: PublicKey,
    ciphertext: Ciphertext,
    values: Sequence[int],
    proof: DisjunctiveProof,
) -> None:
    """A_j = s_j·G - c_j·pad, B_j = s_j·K - c_j·β_j; check Σ c_j = H(...) (spec §4.4.2)."""
    if proof.branches != len(values):
        raise ProofError(
            f"{what}: expected {len(values)} branches (one per allowed value), got {proof.branches}"
        )
    reject_reused_challenges(what, proof.challenges)
    commitments: list[Point] = []
    total = Scalar.from_int(0)
    for target, challenge, response in zip(
        _targets(ciphertext, values), proof.challenges, proof.responses, strict=True
    ):
        commitments += [
            Point.base_mul(response) - ciphertext.pad * challenge,
            key.point * response - target * challenge,
        ]
        total = total + challenge
    expected = transcript.append_all("commitments", commitments).challenge()
    require_challenge(what, expected, total)


def _zero_one_transcript(
    context: bytes, key: PublicKey, ciphertext: Ciphertext, binding: bytes
) -> Transcript:
    transcript = Transcript(ZERO_ONE_TAG, context)
    transcript.append("public_key", key.point).append("binding", binding)
    transcript.append("pad", ciphertext.pad).append("data", ciphertext.data)
    return transcript.append_all("values", (0, 1))


def prove_zero_one(
    context: bytes,
    key: PublicKey,
    ciphertext: Ciphertext,
    m: int,
    r: Scalar,
    *,
    binding: bytes = b"",
    rng: ScalarSource = Scalar.random,
) -> DisjunctiveProof:
    """Prove `ciphertext` = Enc(m; r) with m in {0, 1} (spec §4.4.1).

    `binding` ties the proof to its ballot (e.g. the voter's public credential, as Belenios'
    S), so a proof copied into another ballot fails.
    """
    if m not in (0, 1):
        raise ValueError(f"prove_zero_one: expected m in {{0, 1}}, got {m!r}")
    transcript = _zero_one_transcript(context, key, ciphertext, binding)
    return prove_one_of(transcript, key, ciphertext, (0, 1), m, r, rng)


def verify_zero_one(
    context: bytes,
    key: PublicKey,
    ciphertext: Ciphertext,
    proof: DisjunctiveProof,
    *,
    binding: bytes = b"",
) -> None:
    transcript = _zero_one_transcript(context, key, ciphertext, binding)
    verify_one_of("zero-one proof", transcript, key, ciphertext, (0, 1), proof)
