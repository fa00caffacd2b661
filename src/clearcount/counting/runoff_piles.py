"""Per-candidate piles of ballots: the runoff's hot path (a million papers in about a second).

Each distinct ranking (`ballots.merge_rankings`) is one group with a weight (papers) and a value
per paper in units of 10**-d. A group sits in the pile of the candidate it counts for; when that
candidate is eliminated (or elected with a surplus), only that pile is walked, each group moving
on along its pre-resolved choices (`runoff_ballots.resolve`). Nothing re-scans the whole box.

Surplus (counting.md §7, RCTab `recordCurrentRecipientAsWinner`): with fraction
f = trunc_d((votes - threshold) / votes), each paper held by the winner carries trunc_d(v * f)
on and leaves the rest with the winner; the winner's total is later reset to the threshold and
the rounding residue reported as residual surplus.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from fractions import Fraction
from itertools import chain, compress, repeat
from operator import and_, contains, eq, itemgetter, not_
from typing import Protocol

from clearcount.counting.ballots import OVERVOTE
from clearcount.counting.runoff_ballots import RAN_OUT, needs_rescan, rescan, resolve
from clearcount.counting.runoff_rules import END_REASONS, RunoffRules

__all__ = ["PileSet", "Piles", "Ranking"]

Ranking = tuple[tuple[tuple[int, ...], ...], int]
"""A distinct ranking (ranks of candidate indices) and the number of papers carrying it."""

_REASON_INDEX = {reason: i for i, reason in enumerate(END_REASONS)}


class PileSet(Protocol):
    """What the round loop asks of its piles: `Piles` here, or the array-based
    `matrix_runoff.MatrixPiles` (the vectorised path of `irv`)."""

    continuing: list[bool]
    tally: list[int]

    def place_all(self) -> None: ...

    def release(self, candidate: int) -> None: ...

    def set_aside(self, candidate: int) -> int: ...

    def apply_surplus(self, winner: int, threshold: Fraction) -> int: ...

    def inactive_by_reason(self) -> dict[str, int]: ...


class Piles:
    """Where every ballot group is, what it is worth, and what has become inactive."""

    def __init__(
        self, rules: RunoffRules, rankings: Sequence[Ranking], candidates: int, scale: int
    ) -> None:
        self.rules = rules
        self.scale = scale
        self.continuing = [True] * candidates
        self.tally = [0] * candidates
        self.piles: list[list[int]] = [[] for _ in range(candidates)]
        self.inactive = [0] * len(END_REASONS)
        self.weight = list(map(itemgetter(1), rankings))
        self.value = [scale] * len(rankings)
        self.worth = list(self.weight) if scale == 1 else [w * scale for w in self.weight]
        self.ranks = list(map(itemgetter(0), rankings))
        self.choices: list[Iterator[int] | None] = []
        self.ends: list[int] = []
        self._resolve_all(rules)

    def _resolve_all(self, rules: RunoffRules) -> None:
        """Pre-resolve every ranking. Plain ones (one mark per rank, no gaps, no overvote mark,
        no repeat that could matter) are their own choices; they are found with C-level map()s,
        since a million-paper count has hundreds of thousands of distinct rankings."""
        ranks = self.ranks
        flats: list[tuple[int, ...]] = list(map(tuple, map(chain.from_iterable, ranks)))
        plain = list(map(eq, map(len, flats), map(len, ranks)))
        plain = list(map(and_, plain, map(not_, map(contains, ranks, repeat(())))))
        plain = list(map(and_, plain, map(not_, map(contains, flats, repeat(OVERVOTE)))))
        if rules.exhaust_on_duplicate:
            plain = list(map(and_, plain, map(eq, map(len, map(set, flats)), map(len, flats))))
        self.choices = list(map(iter, flats))
        self.ends = [_REASON_INDEX[RAN_OUT]] * len(ranks)
        for g in compress(range(len(ranks)), map(not_, flats)):
            self.ends[g] = _REASON_INDEX["undervotes"]
        may_rescan = rules.overvote == "exhaust_if_multiple"
        for g in compress(range(len(ranks)), map(not_, plain)):
            if may_rescan and needs_rescan(rules, ranks[g]):
                self.choices[g] = None
                continue
            seq, reason = resolve(rules, ranks[g])
            self.choices[g] = iter(seq)
            self.ends[g] = _REASON_INDEX[reason]

    def place_all(self) -> None:
        """First round: every group goes to its first continuing choice."""
        self._advance(range(len(self.worth)))

    def release(self, candidate: int) -> None:
        """Move the pile of a candidate who stopped continuing; its tally goes with it."""
        pile = self.piles[candidate]
        self.piles[candidate] = []
        self.tally[candidate] = 0
        self._advance(pile)

    def set_aside(self, candidate: int) -> int:
        """Empty a winner's pile without moving it; return the value it would have carried."""
        pile = self.piles[candidate]
        self.piles[candidate] = []
        self.tally[candidate] = 0
        worth = self.worth
        return sum(worth[g] for g in pile)

    def _advance(self, groups: Sequence[int] | range) -> None:
        """Each group goes on to its next continuing choice (each keeps an iterator over its
        choices, so a move resumes where the last one stopped), or becomes inactive."""
        continuing = self.continuing
        choices, worth = self.choices, self.worth
        piles, tally, inactive, ends = self.piles, self.tally, self.inactive, self.ends
        for g in groups:
            remaining = choices[g]
            if remaining is None:
                self._advance_rescan(g)
                continue
            for target in remaining:
                if continuing[target]:
                    piles[target].append(g)
                    tally[target] += worth[g]
                    break
            else:
                inactive[ends[g]] += worth[g]

    def _advance_rescan(self, g: int) -> None:
        continuing = self.continuing
        target, reason = rescan(self.rules, self.ranks[g], lambda c: continuing[c])
        if target is None:
            self.inactive[_REASON_INDEX[reason]] += self.worth[g]
        else:
            self.piles[target].append(g)
            self.tally[target] += self.worth[g]

    def apply_surplus(self, winner: int, threshold: Fraction) -> int:
        """Cut each paper of `winner` to its transferable part; return the value kept (units)."""
        votes = self.tally[winner]
        extra = votes - threshold * self.scale
        fraction = int(extra * self.scale // votes) if extra > 0 else 0
        kept = 0
        scale, value, weight, worth = self.scale, self.value, self.weight, self.worth
        for g in self.piles[winner]:
            moving = value[g] * fraction // scale
            kept += weight[g] * (value[g] - moving)
            value[g] = moving
            worth[g] = weight[g] * moving
        return kept

    def inactive_by_reason(self) -> dict[str, int]:
        return dict(zip(END_REASONS, self.inactive, strict=True))
