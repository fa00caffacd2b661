"""A synthetic, party-correlated ranked-choice election, deterministic from a seed.

Why this shape: a benchmark on uniformly random rankings flatters every counter (short ballots,
no structure, few transfers that matter). Real STV elections have party blocs, voters who rank a
handful of candidates and a minority who rank everyone, so the model here is:

* candidates belong to parties on a left-right line; party sizes follow party strength;
* each voter belongs to a party (or is an independent) and ranks by a Plackett-Luce draw whose
  weights favour their own party strongly, the neighbouring parties a little, so voters rank
  their own candidates first and then drift to the nearest parties;
* ranking depth follows `DEPTH_WEIGHTS`: most voters rank 1 to 6, about 7% rank all 20.

Only `random.Random(seed)` and `math.log` are used, so the same seed gives the same ballots on any
CPython >= 3.11; `fingerprint` hashes the rankings so two runs can be compared.
"""

from __future__ import annotations

import hashlib
import math
import random
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from clearcount.counting.ballots import Ballot, Contest

__all__ = [
    "DEPTH_WEIGHTS",
    "ElectionSpec",
    "candidate_names",
    "fingerprint",
    "make_contest",
    "parties_of",
    "rankings",
    "write_blt",
]

DEPTH_WEIGHTS: dict[int, int] = {
    1: 14, 2: 14, 3: 16, 4: 14, 5: 11, 6: 9, 7: 4, 8: 3, 9: 2, 10: 2,
    11: 1, 12: 1, 13: 1, 14: 1, 15: 1, 16: 1, 17: 1, 18: 1, 19: 1, 20: 7,
}  # fmt: skip
"""Relative frequency of each ranking depth for 20 candidates (per cent, sums to 105 with the
tail; only the ratios matter). Depths above the candidate count are folded into "rank all"."""

_GIVEN = ("Ash", "Bryn", "Cato", "Dara", "Ellis", "Fen", "Gale", "Hollis", "Ives", "Jory")
_FAMILY = ("Quillon", "Marrow", "Tansley", "Voke", "Ormsby", "Pellow", "Ruddock", "Sayle")
_PARTIES = ("Teal", "Amber", "Slate", "Violet", "Ochre", "Cobalt", "Russet", "Sage")


@dataclass(frozen=True, slots=True)
class ElectionSpec:
    """What to generate. Defaults are the issue-2 benchmark: 1M papers, 20 candidates, 5 seats."""

    ballots: int = 1_000_000
    candidates: int = 20
    parties: int = 5
    seats: int = 5
    seed: int = 2026
    own_party: float = 60.0
    """Plackett-Luce weight multiplier for the voter's own party."""
    independents: float = 0.08
    """Share of voters with no party (flat affinities)."""

    def __post_init__(self) -> None:
        if not 2 <= self.parties <= len(_PARTIES):
            raise ValueError(
                f"ElectionSpec.parties: expected 2..{len(_PARTIES)}, got {self.parties}"
            )
        if self.candidates < self.parties:
            raise ValueError(
                f"ElectionSpec.candidates: expected at least parties={self.parties}, "
                f"got {self.candidates}"
            )
        if not 1 <= self.seats < self.candidates:
            raise ValueError(
                f"ElectionSpec.seats: expected 1..{self.candidates - 1}, got {self.seats}"
            )
        if self.ballots < 1:
            raise ValueError(f"ElectionSpec.ballots: expected at least 1, got {self.ballots}")


def _party_strengths(spec: ElectionSpec) -> list[float]:
    """Decreasing party shares, e.g. 5 parties -> 31%, 25%, 19%, 14%, 11% (before the draw)."""
    raw = [1.0 / (i + 1.6) for i in range(spec.parties)]
    total = sum(raw)
    return [r / total for r in raw]


def parties_of(spec: ElectionSpec) -> tuple[int, ...]:
    """Party index of each candidate: larger parties field more candidates (at least one each)."""
    strengths = _party_strengths(spec)
    sizes = [1] * spec.parties
    for _ in range(spec.candidates - spec.parties):
        # give the next place to the party most under-represented relative to its strength
        best = max(range(spec.parties), key=lambda p: strengths[p] / sizes[p])
        sizes[best] += 1
    return tuple(p for p, size in enumerate(sizes) for _ in range(size))


def candidate_names(spec: ElectionSpec) -> tuple[str, ...]:
    """Fictional, distinct names labelled with their party, e.g. 'Ash Quillon (Teal)'."""
    names = []
    for i, party in enumerate(parties_of(spec)):
        given = _GIVEN[i % len(_GIVEN)]
        family = _FAMILY[(i * 3 + i // len(_GIVEN)) % len(_FAMILY)]
        suffix = "" if i < len(_GIVEN) * len(_FAMILY) else f" {i}"
        names.append(f"{given} {family}{suffix} ({_PARTIES[party]})")
    return tuple(names)


def _voter_weights(spec: ElectionSpec, rng: random.Random) -> list[list[float]]:
    """Inverse Plackett-Luce weights per voter group (one per party, then independents)."""
    parties = parties_of(spec)
    # candidate appeal inside a party: the list leader is stronger, then a random spread
    appeal = [rng.uniform(0.6, 1.6) for _ in parties]
    for p in range(spec.parties):
        appeal[parties.index(p)] *= 1.8
    groups: list[list[float]] = []
    for voter_party in range(spec.parties):
        row = []
        for c, party in enumerate(parties):
            distance = abs(voter_party - party)
            affinity = spec.own_party if distance == 0 else 4.0 / distance
            row.append(1.0 / (appeal[c] * affinity))
        groups.append(row)
    groups.append([1.0 / a for a in appeal])
    return groups


def _depths(spec: ElectionSpec) -> tuple[list[int], list[int]]:
    folded: Counter[int] = Counter()
    for depth, weight in DEPTH_WEIGHTS.items():
        folded[min(depth, spec.candidates)] += weight
    depths = sorted(folded)
    cumulative, running = [], 0
    for depth in depths:
        running += folded[depth]
        cumulative.append(running)
    return depths, cumulative


def rankings(spec: ElectionSpec) -> Iterator[tuple[int, ...]]:
    """One plain ranking (0-based candidate indices, best first) per paper, in voter order."""
    rng = random.Random(spec.seed)
    groups = _voter_weights(spec, rng)
    group_cum: list[float] = []
    running = 0.0
    for share in _party_strengths(spec):
        running += share * (1.0 - spec.independents)
        group_cum.append(running)
    group_cum.append(1.0)
    depths, depth_cum = _depths(spec)
    depth_total = depth_cum[-1]
    candidates = range(spec.candidates)
    rnd, log = rng.random, math.log
    for _ in range(spec.ballots):
        inverse = groups[min(bisect_right(group_cum, rnd()), len(groups) - 1)]
        depth = depths[bisect_right(depth_cum, rnd() * depth_total)]
        # exponential race: the candidate with the smallest -log(U)/w comes first (Plackett-Luce)
        keys = [-log(1.0 - rnd()) * inverse[c] for c in candidates]
        yield tuple(sorted(candidates, key=keys.__getitem__)[:depth])


def make_contest(
    candidates: Sequence[str], seats: int, ranked: Iterable[Sequence[int]], *, title: str = ""
) -> Contest:
    """The papers as a clearcount `Contest`, one weight-1 `Ballot` per paper (not compressed)."""
    single = [(c,) for c in range(len(candidates))]
    pick = single.__getitem__
    ballots = tuple(Ballot(tuple(map(pick, r))) for r in ranked)
    return Contest(candidates=tuple(candidates), ballots=ballots, seats=seats, title=title)


def fingerprint(ranked: Iterable[Sequence[int]]) -> str:
    """SHA-256 over the rankings in order, to show two runs counted the same papers."""
    digest = hashlib.sha256()
    for r in ranked:
        digest.update(bytes(r))
        digest.update(b"\xff")
    return digest.hexdigest()


def write_blt(
    path: Path,
    candidates: Sequence[str],
    seats: int,
    ranked: Iterable[Sequence[int]],
    *,
    compressed: bool,
    title: str = "Synthetic election",
) -> int:
    """Write the papers as BLT (counting.md §9); returns the number of ballot lines.

    `compressed` merges identical rankings into weighted lines (OpaVote "packed" files) in
    first-appearance order; otherwise every paper is its own weight-1 line.
    """
    lines: Iterable[tuple[int, Sequence[int]]]
    if compressed:
        lines = ((w, r) for r, w in Counter(tuple(r) for r in ranked).items())
    else:
        lines = ((1, r) for r in ranked)
    count = 0
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write(f"{len(candidates)} {seats}\n")
        for weight, r in lines:
            out.write(f"{weight} {' '.join(str(c + 1) for c in r)} 0\n")
            count += 1
        out.write("0\n")
        for name in candidates:
            out.write(f'"{name}"\n')
        out.write(f'"{title}"\n')
    return count
