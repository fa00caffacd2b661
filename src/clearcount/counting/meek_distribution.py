"""Meek vote distribution in fixed-point units: keep factors, the quota and their rounding.

Two arithmetics are supported, as in Droop (counting.md §6):

* fixed (``guard == 0``): the PR Foundation reference rule. Values are integers in units of
  10**-precision; a candidate keeps ``w*kf`` rounded *up* (PRF-Meek B.2.a), the quota is the vote
  truncated and plus one unit (B.2.b), keep factors are updated with both steps rounded up (B.2.f).
* guarded (``guard > 0``): Droop's ``meek.py`` with guarded arithmetic. Values carry ``precision +
  guard`` places, every product and quotient is truncated, and two values closer than half a unit
  of precision (10**guard / 2 units) compare equal, so the count behaves as exact arithmetic would.

The distribution walks *groups* of ballots: rankings reduced to the candidates that can still take
a share (hopeful or elected) and cut after the first rank of hopeful candidates, where the walk
always stops. Ballots with the same reduced ranking receive identical shares, so they are merged,
and an iteration costs one pass over a few groups rather than over every paper.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

__all__ = [
    "Arithmetic",
    "Groups",
    "Ranking",
    "distribute",
    "group_rankings",
    "group_weights",
    "regroup",
]

Ranking = tuple[tuple[int, ...], ...]
"""A ballot as ranks of candidate indices; a rank with several candidates is an equal ranking."""


@dataclass(frozen=True, slots=True)
class Arithmetic:
    """Fixed-point arithmetic of one Meek variant: integers in units of 10**-(precision+guard)."""

    precision: int
    guard: int = 0

    @property
    def guarded(self) -> bool:
        return self.guard > 0

    @property
    def one(self) -> int:
        return int(10 ** (self.precision + self.guard))

    @property
    def tolerance(self) -> int:
        """Smallest difference that counts as unequal: half a unit of precision when guarded."""
        return max(int(10**self.guard) // 2, 1) if self.guarded else 1

    def ge(self, a: int, b: int) -> bool:
        return b - a < self.tolerance

    def le(self, a: int, b: int) -> bool:
        return a - b < self.tolerance

    def lt(self, a: int, b: int) -> bool:
        return not self.ge(a, b)

    def keep(self, weight: int, kf: int) -> tuple[int, int]:
        """(value kept by a candidate with keep factor `kf`, weight passed on)."""
        one = self.one
        if self.guarded:  # Droop meek.py: both products truncated (OpenSTV's rounding)
            return weight * kf // one, weight * (one - kf) // one
        kept = -(-weight * kf // one)  # PRF B.2.a: rounded up
        return kept, weight - kept

    def quota(self, votes: int, seats: int) -> int:
        """PRF B.2.b: truncated, plus one unit; guarded (exact) Droop: the plain quotient."""
        if self.guarded:
            return votes // (seats + 1)
        return votes // (seats + 1) + 1

    def next_keep_factor(self, kf: int, quota: int, vote: int) -> int:
        """PRF B.2.f: kf*q/v, each step rounded up at the working precision (guarded: truncated)."""
        one = self.one
        if self.guarded:
            return (kf * quota // one) * one // vote
        product = -(-kf * quota // one)
        return -(-product * one // vote)

    def passes_on(self, weight: int) -> bool:
        """Whether a ballot still has weight to pass on (Droop: ``weight > 0``, guarded compare)."""
        return not self.le(weight, 0)


Groups = dict[Ranking, list[tuple[Ranking, int]]]
"""Reduced ranking -> the (ranking, weight) pairs that reduce to it."""


def group_rankings(
    rankings: Iterable[tuple[Ranking, int]], active: Sequence[bool], hopeful: Sequence[bool]
) -> Groups:
    """Group rankings by their reduction to the active (hopeful or elected) candidates.

    A reduced ranking ends at its first rank made only of hopeful candidates: they keep all the
    weight that reaches them, so nothing after it can receive a share. Rankings with nothing
    left are dropped (their weight is excess).
    """
    groups: Groups = {}
    for ranking, weight in rankings:
        reduced: list[tuple[int, ...]] = []
        for rank in ranking:
            kept = tuple(c for c in rank if active[c]) if len(rank) > 1 else rank
            if not kept or not active[kept[0]]:
                continue
            reduced.append(kept)
            if all(hopeful[c] for c in kept):
                break
        if reduced:
            groups.setdefault(tuple(reduced), []).append((ranking, weight))
    return groups


def regroup(
    groups: Groups, changed: Collection[int], active: Sequence[bool], hopeful: Sequence[bool]
) -> Groups:
    """`groups` after the candidates in `changed` left the hopeful state.

    Only groups whose reduced ranking names a changed candidate can change: a candidate absent
    from it is either inactive already or ranked after a rank of hopefuls that still stops the
    walk. So a round costs work in proportion to the papers it touches, not to all of them.
    """
    kept: Groups = {}
    redo: list[tuple[Ranking, int]] = []
    for key, members in groups.items():
        if any(c in changed for rank in key for c in rank):
            redo.extend(members)
        else:
            kept[key] = members
    for key, members in group_rankings(redo, active, hopeful).items():
        kept.setdefault(key, []).extend(members)
    return kept


def group_weights(groups: Groups) -> list[tuple[Ranking, int]]:
    """Each reduced ranking with the total weight of its papers."""
    return [(key, sum(weight for _, weight in members)) for key, members in groups.items()]


def distribute(
    groups: Sequence[tuple[Ranking, int]], keep_factors: Mapping[int, int], arithmetic: Arithmetic
) -> dict[int, int]:
    """PRF B.2.a over merged groups: the vote (in units) each active candidate receives.

    An equal ranking splits the weight reaching it equally (truncated) among its candidates and
    each part continues down the ballot separately, as Droop does for `a=b` rankings.
    """
    votes = dict.fromkeys(keep_factors, 0)
    one = arithmetic.one
    for ranking, multiplier in groups:
        if all(len(rank) == 1 for rank in ranking):
            weight = one
            for (candidate,) in ranking:
                kept, weight = arithmetic.keep(weight, keep_factors[candidate])
                votes[candidate] += kept * multiplier
                if not arithmetic.passes_on(weight):
                    break
        else:
            _split(ranking, 0, one, multiplier, keep_factors, arithmetic, votes)
    return votes


def _split(
    ranking: Ranking,
    index: int,
    weight: int,
    multiplier: int,
    keep_factors: Mapping[int, int],
    arithmetic: Arithmetic,
    votes: dict[int, int],
) -> None:
    if index >= len(ranking) or not arithmetic.passes_on(weight):
        return
    rank = ranking[index]
    share = weight // len(rank)
    for candidate in rank:
        kept, rest = arithmetic.keep(share, keep_factors[candidate])
        votes[candidate] += kept * multiplier
        _split(ranking, index + 1, rest, multiplier, keep_factors, arithmetic, votes)
