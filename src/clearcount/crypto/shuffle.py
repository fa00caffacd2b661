"""A re-encryption shuffle of ciphertext vectors: CHVote's GenPermutation and GenShuffle (§6.2).

A preferential ballot is a vector of k ciphertexts (one per rank); a mix moves whole vectors, so
the permutation is drawn once per ballot and every component is re-encrypted with its own fresh
randomness. The proof that the mixer did exactly this is in `shuffle_proof` (docs/spec §6.3).
Source: R. Haenni, R. E. Koenig, P. Locher, E. Dubuis, "CHVote Protocol Specification",
IACR ePrint 2017/325, algorithms GenPermutation and GenShuffle (Knuth's shuffle and
re-encryption, their Sect. "Verifiable Mix-Net").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from clearcount.crypto.elgamal import Ciphertext, PublicKey, reencrypt
from clearcount.crypto.group import Point, Scalar, ScalarSource, independent_generators
from clearcount.crypto.group import length_prefixed as _lp

__all__ = [
    "GENERATORS_DOMAIN",
    "Ballot",
    "Permutation",
    "ShuffleWitness",
    "ballot_width",
    "gen_permutation",
    "gen_shuffle",
    "shuffle_generators",
]

Ballot = tuple[Ciphertext, ...]
"""One preferential ballot: k ciphertexts, component l encrypting the candidate ranked l + 1."""

GENERATORS_DOMAIN = b"clearcount/v1/shuffle/generators"


@dataclass(frozen=True, slots=True)
class Permutation:
    """ψ as (ψ(0), ..., ψ(N-1)): output ballot i is a re-encryption of input ballot ψ(i)."""

    images: tuple[int, ...]

    def __post_init__(self) -> None:
        if sorted(self.images) != list(range(len(self.images))):
            raise ValueError(
                f"Permutation images: expected each of 0..{len(self.images) - 1} exactly once, "
                f"got {self.images[:20]!r}"
            )

    def __len__(self) -> int:
        return len(self.images)

    def inverse(self) -> Permutation:
        inverse = [0] * len(self.images)
        for output, source in enumerate(self.images):
            inverse[source] = output
        return Permutation(tuple(inverse))

    def __repr__(self) -> str:
        return f"Permutation(<{len(self.images)} hidden>)"


@dataclass(frozen=True, slots=True)
class ShuffleWitness:
    """The mixer's secret: ψ and r'_{i,l}; kept until the proof is made, then discarded."""

    permutation: Permutation
    randomness: tuple[tuple[Scalar, ...], ...]
    """r'_{i,l}: output i, component l is input ψ(i), component l plus (r'_{i,l}G, r'_{i,l}K)."""

    def __repr__(self) -> str:
        return f"ShuffleWitness(<{len(self.randomness)} ballots hidden>)"


def gen_permutation(size: int, rng: ScalarSource = Scalar.random) -> Permutation:
    """CHVote GenPermutation: Knuth's shuffle; index k_i uniform in [i, N-1] (spec §6.2).

    Each index is a fresh scalar reduced modulo N - i: the bias is below N / L < 2^-200.
    """
    if size < 0:
        raise ValueError(f"gen_permutation size: expected >= 0, got {size}")
    pool = list(range(size))
    images = []
    for i in range(size):
        k = i + rng().to_int() % (size - i)
        images.append(pool[k])
        pool[k] = pool[i]
    return Permutation(tuple(images))


def ballot_width(ballots: Sequence[Ballot], what: str) -> int:
    """k, the common number of ciphertexts per ballot; ValueError if ragged or empty."""
    if not ballots:
        raise ValueError(f"{what}: expected at least one ballot, got none")
    width = len(ballots[0])
    if width < 1:
        raise ValueError(f"{what}: expected ballots of at least one ciphertext, got an empty one")
    for index, ballot in enumerate(ballots):
        if len(ballot) != width:
            raise ValueError(
                f"{what}[{index}]: expected {width} ciphertexts like ballot 0, got {len(ballot)}"
            )
    return width


def gen_shuffle(
    key: PublicKey,
    ballots: Sequence[Ballot],
    rng: ScalarSource = Scalar.random,
    *,
    permutation: Permutation | None = None,
) -> tuple[tuple[Ballot, ...], ShuffleWitness]:
    """CHVote GenShuffle for vectors: e'_i,l = e_ψ(i),l + (r'_{i,l}G, r'_{i,l}K) (spec §6.2).

    Cost per ballot: k fixed-base and k variable-base multiplications, 2k additions.
    `permutation` is for tests; by default a fresh one is drawn from `rng`.
    """
    width = ballot_width(ballots, "gen_shuffle ballots")
    psi = gen_permutation(len(ballots), rng) if permutation is None else permutation
    if len(psi) != len(ballots):
        raise ValueError(f"gen_shuffle permutation: expected {len(ballots)} images, got {len(psi)}")
    shuffled: list[Ballot] = []
    randomness: list[tuple[Scalar, ...]] = []
    for source in psi.images:
        nonces = tuple(rng() for _ in range(width))
        shuffled.append(
            tuple(reencrypt(key, c, r) for c, r in zip(ballots[source], nonces, strict=True))
        )
        randomness.append(nonces)
    return tuple(shuffled), ShuffleWitness(psi, tuple(randomness))


def shuffle_generators(context: bytes, count: int) -> tuple[Point, tuple[Point, ...]]:
    """(h, (h_1, ..., h_N)): the chain base and the commitment bases (spec §6.1).

    Hash-to-group outputs, so nobody knows a discrete log between them or to G: the Swiss Post
    2019 flaw was generators whose relations the prover could know. Bound to the election.
    """
    generators = independent_generators(_lp(GENERATORS_DOMAIN, context), count + 1)
    return generators[0], generators[1:]
