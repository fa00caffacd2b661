"""The papers of a Gregory count, kept as distinct rankings in piles by current value.

Scottish STV, PRF WIGM and Minneapolis STV all move *papers* between candidates, each paper
carrying a value. Papers with the same marks always travel together, so the count works on
merged rankings (`ballots.merge_rankings`: one entry per distinct ranking, with a weight) and
keeps, for each candidate, its papers grouped by current value (the "parcels" of SSI 2007/42
r.48(1)). A transfer moves only the piles of the candidate being transferred; that is what keeps a
million-paper count within a few seconds in pure Python.

Values are integers in units of 10**-places; nothing here rounds (the rule set's transfer-value
function does, see `gregory.GregoryRules.transfer_value`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from clearcount.core.errors import CountingError
from clearcount.counting.ballots import OVERVOTE, Contest, merge_rankings

__all__ = ["DefectPolicy", "LoadedPapers", "PaperPiles", "Papers", "read_rankings"]

DefectPolicy = Literal["truncate", "close-up", "one-skip"]
"""What a skipped rank does; an equal ranking, overvote or repeated candidate always ends the
paper's usable preferences.

* "truncate": the paper is valid up to the first skipped rank (SSI 2007/42: preferences must run
  1, 2, 3, ...; see docs/counting/stv-scottish.md).
* "close-up": skipped ranks are ignored (Droop's BLT reading, used for PRF WIGM).
* "one-skip": one skipped rank is passed over, two in a row end the paper (Minneapolis 167.70(2)).
"""


def read_rankings(
    contest: Contest, policy: DefectPolicy
) -> tuple[list[tuple[int, ...]], list[int], int]:
    """The usable rankings and their weights, plus the weight of papers with no first preference.

    Withdrawn candidates are struck from every rank first (a paper marked only for withdrawn
    candidates has no first preference). Identical rankings are merged.
    """
    n = len(contest.candidates)
    withdrawn = contest.withdrawn
    single: dict[tuple[int, ...], int] = {(c,): c for c in range(n) if c not in withdrawn}
    rankings: list[tuple[int, ...]] = []
    weights: list[int] = []
    invalid = 0
    merge = False  # cutting papers short can make two distinct markings equal
    for ranks, weight in merge_rankings(contest.ballots).items():
        if weight < 0:
            raise CountingError(f"ballot {ranks!r}: weight must not be negative, got {weight}")
        try:
            ranking = tuple(map(single.__getitem__, ranks))
            if len(set(ranking)) != len(ranking):
                raise KeyError(ranking)
        except KeyError:
            ranking = _slow(ranks, n, withdrawn, policy)
            merge = True
        if not ranking:
            invalid += weight
        elif weight:
            rankings.append(ranking)
            weights.append(weight)
    if merge:
        merged: dict[tuple[int, ...], int] = {}
        for ranking, weight in zip(rankings, weights, strict=True):
            merged[ranking] = merged.get(ranking, 0) + weight
        rankings, weights = list(merged), list(merged.values())
    return rankings, weights, invalid


def _slow(
    ranks: tuple[tuple[int, ...], ...], n: int, withdrawn: frozenset[int], policy: DefectPolicy
) -> tuple[int, ...]:
    """The usable prefix of a paper with a skipped rank, a multiple mark or a repeated name."""
    ranking: list[int] = []
    skips = 0
    for rank in ranks:
        for c in rank:
            if c != OVERVOTE and not 0 <= c < n:
                raise CountingError(
                    f"ballot {ranks!r}: candidate index {c} is out of range 0..{n - 1}"
                )
        if not rank:
            skips += 1
            if policy == "truncate" or (policy == "one-skip" and skips > 1):
                break
            continue
        skips = 0
        marks = [c for c in rank if c not in withdrawn]
        if not marks:
            continue  # only withdrawn candidates at this rank: passed over, not a defect
        if len(marks) > 1 or marks[0] == OVERVOTE or marks[0] in ranking:
            break
        ranking.append(marks[0])
    return tuple(ranking)


class PaperPiles(Protocol):
    """What the Gregory engine asks of its papers: `Papers` here, or the array-based
    `matrix_gregory.MatrixPapers` (the vectorised path of `stv-scottish`)."""

    def deal(self, unit: int) -> list[int]: ...

    def move(
        self, source: int, receive: Sequence[bool], new_value: Callable[[int], int]
    ) -> tuple[list[int], int]: ...


@dataclass(frozen=True, slots=True)
class LoadedPapers:
    """Papers ready to count, with the weight of valid papers (with a first preference) and of
    invalid ones (none): what `read_rankings` + `Papers` give the engine by default."""

    papers: PaperPiles
    valid: int
    invalid: int


class Papers:
    """Mutable working state of one count: where each distinct ranking is and at what value."""

    __slots__ = ("piles", "position", "rankings", "weights")

    def __init__(self, rankings: Sequence[tuple[int, ...]], weights: Sequence[int], n: int) -> None:
        self.rankings = list(rankings)
        self.weights = list(weights)
        self.position = [0] * len(self.rankings)
        self.piles: list[dict[int, list[int]]] = [{} for _ in range(n)]

    def deal(self, unit: int) -> list[int]:
        """First preferences (SSI r.45): every paper to its first choice at value one."""
        totals = [0] * len(self.piles)
        groups: list[list[int]] = [[] for _ in self.piles]
        for b, ranking in enumerate(self.rankings):
            c = ranking[0]
            groups[c].append(b)
            totals[c] += self.weights[b]
        for c, group in enumerate(groups):
            if group:
                self.piles[c] = {unit: group}
        return [t * unit for t in totals]

    def papers(self, candidate: int) -> int:
        """How many papers the candidate holds (for reports)."""
        return sum(self.weights[b] for pile in self.piles[candidate].values() for b in pile)

    def move(
        self, source: int, receive: Sequence[bool], new_value: Callable[[int], int]
    ) -> tuple[list[int], int]:
        """Pass every paper of `source` to its next preference that may `receive` it.

        Each pile of value v moves at `new_value(v)`; a paper with no such preference is
        non-transferable (exhausted). Returns the value gained by each candidate and the value
        exhausted. Papers whose new value is zero carry nothing and are dropped.
        """
        rankings, weights, position, piles = self.rankings, self.weights, self.position, self.piles
        gains = [0] * len(piles)
        exhausted = 0
        for value, pile in piles[source].items():
            moved = new_value(value)
            counts: dict[int, int] = {}
            dest: dict[int, list[int]] = {}
            lost = 0
            for b in pile:
                ranking = rankings[b]
                p = position[b] + 1
                end = len(ranking)
                while p < end:
                    c = ranking[p]
                    if receive[c]:
                        break
                    p += 1
                else:
                    lost += weights[b]
                    continue
                position[b] = p
                group = dest.get(c)
                if group is None:
                    dest[c] = group = []
                    counts[c] = 0
                group.append(b)
                counts[c] += weights[b]
            exhausted += lost * moved
            if not moved:
                continue
            for c, group in dest.items():
                target = piles[c].get(moved)
                if target is None:
                    piles[c][moved] = group
                else:
                    target.extend(group)
                gains[c] += counts[c] * moved
        piles[source] = {}
        return gains, exhausted
