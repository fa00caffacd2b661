"""Terelius-Wikström proof of a shuffle of ciphertext vectors, as CHVote gives it (spec §6.3-§6.5).

`gen_shuffle_proof` and `check_shuffle_proof` follow the CHVote algorithms GenShuffleProof and
CheckShuffleProof (Haenni, Koenig, Locher, Dubuis, "CHVote Protocol Specification", IACR ePrint
2017/325; the same algorithms with explanations in Haenni, Locher, Koenig, Dubuis, "Pseudo-Code
Algorithms for Verifiable Re-Encryption Mix-Nets", FC 2017 Voting workshop, LNCS 10323), written
additively for ristretto255 and widened to ballots of k ciphertexts: the permutation commitment,
the challenge chain, t1, t2, t3, t̂ and s' are shared by all k components, while t4 and s4 are one
per component, as in Verificatum's proofs for ciphertexts of width k.

Fiat-Shamir (spec §6.4): one transcript under the tag `SHUFFLE_TAG` and the election context holds
the key, N, k, every input and output ciphertext and the permutation commitment; its challenge
seeds the N challenges u_j; then the commitment chain and every t value are appended and its
challenge is c. The statement is hashed in full, never only the commitments.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain as _chain

from clearcount.core.errors import DecodingError, ProofError
from clearcount.crypto.elgamal import Ciphertext, PublicKey
from clearcount.crypto.group import Point, Scalar, ScalarSource
from clearcount.crypto.proofs.costs import OperationCount
from clearcount.crypto.shuffle import Ballot, ShuffleWitness, ballot_width, shuffle_generators
from clearcount.crypto.transcript import Transcript

__all__ = [
    "CHALLENGES_DOMAIN",
    "SHUFFLE_TAG",
    "ShuffleProof",
    "check_shuffle_proof",
    "gen_shuffle_proof",
    "shuffle_costs",
]

SHUFFLE_TAG = "clearcount/v1/shuffle"
CHALLENGES_DOMAIN = b"clearcount/v1/shuffle/challenges"
_SIZE = 32
_HEADER = 6  # N as 4 bytes, k as 2 bytes, big-endian


@dataclass(frozen=True, slots=True)
class ShuffleProof:
    """π = (t, s, c, ĉ) of GenShuffleProof (spec §6.3); the CHVote symbol is in each comment."""

    commitments: tuple[Point, ...]  # c = (c_1, ..., c_N): commitment to the permutation
    chain: tuple[Point, ...]  # ĉ = (ĉ_1, ..., ĉ_N): commitment chain, ĉ_0 = h
    t1: Point
    t2: Point
    t3: Point
    t4: tuple[Ciphertext, ...]  # (t_{4,2}, t_{4,1}) per component: Σ ω'_i e'_i - Enc(0; ω_4)
    t_hat: tuple[Point, ...]  # t̂_1..t̂_N
    s1: Scalar
    s2: Scalar
    s3: Scalar
    s4: tuple[Scalar, ...]  # one per component
    s_hat: tuple[Scalar, ...]  # ŝ_1..ŝ_N
    s_prime: tuple[Scalar, ...]  # s'_1..s'_N

    def to_bytes(self) -> bytes:
        """N (4 bytes) || k (2 bytes) || points || scalars, each 32 bytes, in field order (§6.6)."""
        points = [*self.commitments, *self.chain, self.t1, self.t2, self.t3]
        points += [p for pair in self.t4 for p in (pair.pad, pair.data)]
        points += self.t_hat
        scalars = [self.s1, self.s2, self.s3, *self.s4, *self.s_hat, *self.s_prime]
        header = len(self.commitments).to_bytes(4, "big") + len(self.t4).to_bytes(2, "big")
        return b"".join([header, *(p.to_bytes() for p in points), *(s.to_bytes() for s in scalars)])

    @classmethod
    def from_bytes(cls, data: bytes) -> ShuffleProof:
        """Decode and check every element (canonical, non-identity points; reduced scalars)."""
        if not isinstance(data, bytes | bytearray) or len(data) < _HEADER:
            raise DecodingError("shuffle proof encoding: expected at least a 6-byte header")
        count, width = int.from_bytes(data[:4], "big"), int.from_bytes(data[4:6], "big")
        expected = _HEADER + _SIZE * ((3 * count + 3 + 2 * width) + (3 + width + 2 * count))
        if count < 1 or width < 1 or len(data) != expected:
            raise DecodingError(
                f"shuffle proof encoding: expected N >= 1, k >= 1 and {expected} bytes for "
                f"N={count}, k={width}, got {len(data)} bytes"
            )
        chunks = iter(bytes(data[i : i + _SIZE]) for i in range(_HEADER, len(data), _SIZE))

        def points(n: int) -> tuple[Point, ...]:
            return tuple(Point.from_bytes(next(chunks)) for _ in range(n))

        def scalars(n: int) -> tuple[Scalar, ...]:
            return tuple(Scalar.from_bytes(next(chunks)) for _ in range(n))

        commitments, chain, (t1, t2, t3) = points(count), points(count), points(3)
        t4_points = points(2 * width)
        t4 = tuple(Ciphertext(t4_points[2 * m], t4_points[2 * m + 1]) for m in range(width))
        t_hat = points(count)
        s1, s2, s3 = scalars(3)
        return cls(
            commitments, chain, t1, t2, t3, t4, t_hat, s1, s2, s3,
            scalars(width), scalars(count), scalars(count),
        )  # fmt: skip


def _sum(points: Iterable[Point]) -> Point:
    """Σ points, without a wasted addition of the identity at the start."""
    iterator = iter(points)
    total = next(iterator, None)
    if total is None:
        return Point.identity()
    for point in iterator:
        total = total + point
    return total


def _combination(points: Iterable[Point], scalars: Iterable[Scalar]) -> Point:
    """Σ s_i·P_i: one variable-base multiplication and one addition per term."""
    return _sum(p * s for p, s in zip(points, scalars, strict=True))


def _component(ballots: Sequence[Ballot], index: int) -> tuple[list[Point], list[Point]]:
    """(pads, datas) of component `index` of every ballot."""
    column = [ballot[index] for ballot in ballots]
    return [c.pad for c in column], [c.data for c in column]


def _statement(
    context: bytes,
    key: PublicKey,
    ballots: Sequence[Ballot],
    shuffled: Sequence[Ballot],
    commitments: Sequence[Point],
) -> Transcript:
    """The transcript's statement part y = (K, N, k, e, e', c) (spec §6.4, in this order)."""
    transcript = Transcript(SHUFFLE_TAG, context)
    transcript.append("public_key", key.point)
    transcript.append("count", len(ballots)).append("width", len(ballots[0]))
    for label, vectors in (("input", ballots), ("output", shuffled)):
        transcript.append_all(label, [p for b in vectors for c in b for p in (c.pad, c.data)])
    return transcript.append_all("permutation_commitment", commitments)


def _challenges(transcript: Transcript, count: int) -> list[Scalar]:
    """GetChallenges: u_j = H(CHALLENGES_DOMAIN, seed, j) with seed the statement's challenge."""
    seed = transcript.challenge().to_bytes()
    return [Scalar.hash(CHALLENGES_DOMAIN, seed, j.to_bytes(8, "big")) for j in range(count)]


def _challenge(
    transcript: Transcript,
    chain: Sequence[Point],
    t123: tuple[Point, Point, Point],
    t4: Sequence[Ciphertext],
    t_hat: Sequence[Point],
) -> Scalar:
    """GetChallenge(y, t): the statement, then ĉ, t1, t2, t3, t4, t̂ (spec §6.4)."""
    transcript.append_all("commitment_chain", chain)
    for label, point in zip(("t1", "t2", "t3"), t123, strict=True):
        transcript.append(label, point)
    transcript.append_all("t4", [p for pair in t4 for p in (pair.pad, pair.data)])
    return transcript.append_all("t_hat", t_hat).challenge()


def _check_output_shape(ballots: Sequence[Ballot], shuffled: Sequence[Ballot], width: int) -> None:
    if len(shuffled) != len(ballots):
        raise ProofError(
            f"shuffle: expected {len(ballots)} output ballots (one per input), got {len(shuffled)}"
        )
    for index, ballot in enumerate(shuffled):
        if len(ballot) != width:
            raise ProofError(
                f"shuffle output ballot {index}: expected {width} ciphertexts, got {len(ballot)}"
            )


def gen_shuffle_proof(
    context: bytes,
    key: PublicKey,
    ballots: Sequence[Ballot],
    shuffled: Sequence[Ballot],
    witness: ShuffleWitness,
    rng: ScalarSource = Scalar.random,
) -> ShuffleProof:
    """CHVote GenShuffleProof for ciphertext vectors (spec §6.3); costs in `shuffle_costs`."""
    count, width = len(ballots), ballot_width(ballots, "gen_shuffle_proof ballots")
    _check_output_shape(ballots, shuffled, width)
    psi = witness.permutation.images
    shape = (len(psi), len(witness.randomness), {len(nonces) for nonces in witness.randomness})
    if shape != (count, count, {width}):
        raise ValueError(
            f"gen_shuffle_proof witness: expected (images, nonce vectors, widths) = "
            f"({count}, {count}, {{{width}}}), got {shape}"
        )
    h, hs = shuffle_generators(context, count)
    base = Point.base_mul
    # GenPermutationCommitment: c_ψ(i) = r_ψ(i)·G + h_i.
    r = [rng() for _ in range(count)]
    commitments: list[Point] = [h] * count
    for i, j in enumerate(psi):
        commitments[j] = base(r[j]) + hs[i]
    transcript = _statement(context, key, ballots, shuffled, commitments)
    u = _challenges(transcript, count)
    u_prime = [u[j] for j in psi]
    # GenCommitmentChain: ĉ_i = r̂_i·G + u'_i·ĉ_{i-1}, ĉ_0 = h.
    r_hat = [rng() for _ in range(count)]
    chain: list[Point] = []
    previous = h
    for r_hat_i, u_prime_i in zip(r_hat, u_prime, strict=True):
        previous = base(r_hat_i) + previous * u_prime_i
        chain.append(previous)
    w1, w2, w3 = rng(), rng(), rng()
    w4 = [rng() for _ in range(width)]
    w_hat = [rng() for _ in range(count)]
    w_prime = [rng() for _ in range(count)]
    t1, t2 = base(w1), base(w2)
    t3 = base(w3) + _combination(hs, w_prime)
    t4 = []
    for component, w4_l in enumerate(w4):
        pads, datas = _component(shuffled, component)
        t4.append(
            Ciphertext(
                _combination(pads, w_prime) - base(w4_l),
                _combination(datas, w_prime) - key.point * w4_l,
            )
        )
    t_hat = [
        base(w_hat_i) + c_prev * w_prime_i
        for w_hat_i, c_prev, w_prime_i in zip(w_hat, [h, *chain[:-1]], w_prime, strict=True)
    ]
    c = _challenge(transcript, chain, (t1, t2, t3), t4, t_hat)
    # Responses: v_N = 1, v_{i-1} = u'_i·v_i; r̂ = Σ r̂_i·v_i; r̃ = Σ r_j·u_j; r'_l = Σ r'_{i,l}·u'_i.
    v = [Scalar.from_int(1)] * count
    for i in range(count - 1, 0, -1):
        v[i - 1] = u_prime[i] * v[i]
    zero = Scalar.from_int(0)
    r_bar = sum(r, zero)
    r_hat_sum = sum((a * b for a, b in zip(r_hat, v, strict=True)), zero)
    r_tilde = sum((a * b for a, b in zip(r, u, strict=True)), zero)
    s4 = tuple(
        w4_l
        - c * sum((n[rank] * u_i for n, u_i in zip(witness.randomness, u_prime, strict=True)), zero)
        for rank, w4_l in enumerate(w4)
    )
    return ShuffleProof(
        commitments=tuple(commitments),
        chain=tuple(chain),
        t1=t1,
        t2=t2,
        t3=t3,
        t4=tuple(t4),
        t_hat=tuple(t_hat),
        s1=w1 - c * r_bar,
        s2=w2 - c * r_hat_sum,
        s3=w3 - c * r_tilde,
        s4=s4,
        s_hat=tuple(w - c * x for w, x in zip(w_hat, r_hat, strict=True)),
        s_prime=tuple(w - c * x for w, x in zip(w_prime, u_prime, strict=True)),
    )


def _check_proof_shape(proof: ShuffleProof, count: int, width: int) -> None:
    for name in ("commitments", "chain", "t_hat", "s_hat", "s_prime"):
        got = len(getattr(proof, name))
        if got != count:
            raise ProofError(f"shuffle proof field {name}: expected {count} values, got {got}")
    for name in ("t4", "s4"):
        got = len(getattr(proof, name))
        if got != width:
            raise ProofError(f"shuffle proof field {name}: expected {width} values, got {got}")


def check_shuffle_proof(
    context: bytes,
    key: PublicKey,
    ballots: Sequence[Ballot],
    shuffled: Sequence[Ballot],
    proof: ShuffleProof,
) -> None:
    """CHVote CheckShuffleProof: None if `shuffled` is a re-encrypted permutation of `ballots`.

    Raises ProofError naming the first commitment (t1, t2, t3, t4[l] or t̂[i]) that does not
    match its recomputation, or the field whose length does not fit the statement (spec §6.5).
    """
    try:
        width = ballot_width(ballots, "shuffle input ballots")
    except ValueError as error:
        raise ProofError(str(error)) from None
    count = len(ballots)
    _check_output_shape(ballots, shuffled, width)
    _check_proof_shape(proof, count, width)
    h, hs = shuffle_generators(context, count)
    base = Point.base_mul
    transcript = _statement(context, key, ballots, shuffled, proof.commitments)
    u = _challenges(transcript, count)
    c = _challenge(transcript, proof.chain, (proof.t1, proof.t2, proof.t3), proof.t4, proof.t_hat)
    cu = [c * u_j for u_j in u]
    u_product = Scalar.from_int(1)
    for u_j in u:
        u_product = u_product * u_j
    recomputed: list[tuple[str, Point, Point]] = []
    c_bar = _sum(proof.commitments) - _sum(hs)
    recomputed.append(("t1", proof.t1, c_bar * c + base(proof.s1)))
    c_hat = proof.chain[-1] - h * u_product
    recomputed.append(("t2", proof.t2, c_hat * c + base(proof.s2)))
    t3 = _combination(_chain(proof.commitments, hs), _chain(cu, proof.s_prime)) + base(proof.s3)
    recomputed.append(("t3", proof.t3, t3))
    for component, (t4_l, s4_l) in enumerate(zip(proof.t4, proof.s4, strict=True)):
        pads, datas = _component(ballots, component)
        pads_out, datas_out = _component(shuffled, component)
        scalars = [*cu, *proof.s_prime]
        pad = _combination(pads + pads_out, scalars) - base(s4_l)
        data = _combination(datas + datas_out, scalars) - key.point * s4_l
        recomputed.append((f"t4[{component}].pad", t4_l.pad, pad))
        recomputed.append((f"t4[{component}].data", t4_l.data, data))
    previous = [h, *proof.chain[:-1]]
    for i in range(count):
        t_hat_i = proof.chain[i] * c + base(proof.s_hat[i]) + previous[i] * proof.s_prime[i]
        recomputed.append((f"t_hat[{i}]", proof.t_hat[i], t_hat_i))
    for name, given, expected in recomputed:
        if given != expected:
            raise ProofError(
                f"shuffle proof field {name}: expected the commitment recomputed from the "
                "responses, the challenge and the statement, got a different point (not a "
                "re-encrypted permutation of the input, or a proof for another statement)"
            )


def shuffle_costs(count: int, width: int) -> tuple[OperationCount, OperationCount]:
    """(prove, verify) scalar multiplications for N ballots of k ciphertexts (spec §6.7).

    Excludes `gen_shuffle` itself (k fixed-base + k variable-base per ballot).
    """
    prove = OperationCount(3 * count + 3 + width, (3 + 2 * width) * count + width)
    verify = OperationCount(count + 3 + width, (4 + 4 * width) * count + 3 + width)
    return prove, verify
