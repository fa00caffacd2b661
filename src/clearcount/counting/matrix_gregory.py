"""Array-based papers for the Gregory engine: the vectorised path of `stv-scottish`.

The same engine (`gregory._Count`: stages, elections, surplus order, ties, r.52) drives these
papers as the reference `gregory_papers.Papers`; only where papers sit and how they move
differs. Each distinct plain ranking is a row of a `RankingMatrix`; per row the papers keep the
candidate holding it (`holder`, -1 once dropped), its position in the row and its current value
in units (int64; a value never exceeds one unit of the rule set, 10**places).

A transfer selects the source's rows (`np.flatnonzero(holder == source)`), walks only them to
their next preference for a candidate who may receive (`ranking_matrix.walk`), groups them by
current value (`np.unique`, the parcels of SSI 2007/42 r.48(1)) and counts, in exact int64
(`np.add.at`), the papers of each value group going to each candidate or exhausting. The few
per-group transfer values and the gains are then Python ints, exactly as `Papers.move` forms
them: the value group v moves at `new_value(v)`, each candidate gains papers x new value, the
exhausted papers count at the new value, and papers whose new value is 0 are dropped.

Withdrawn candidates are passed over from the first preference on: the reference strikes them
from every paper first, which is the same walk; a paper naming only withdrawn candidates (or
none) has no first preference and is invalid.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

import numpy as np

from clearcount.counting.gregory_papers import LoadedPapers
from clearcount.counting.ranking_matrix import RankingMatrix, walk

__all__ = ["MatrixPapers", "load_papers"]


class MatrixPapers:
    """Mutable working state of one count over a ranking matrix (see module doc)."""

    def __init__(self, matrix: RankingMatrix, candidates: int, withdrawn: Collection[int]) -> None:
        self._n = candidates
        self._cells = matrix.cells()
        self._weights = matrix.weights
        count = len(matrix.weights)
        first = np.ones(candidates + 1, dtype=np.bool_)
        first[list(withdrawn)] = False
        rows = np.arange(count, dtype=np.intp)
        self._holder, self._position = walk(
            self._cells, first, rows, np.zeros(count, dtype=np.intp)
        )
        self._value = np.zeros(count, dtype=np.int64)
        valid = self._holder >= 0
        self.valid = int(self._weights[valid].sum())
        self.invalid = matrix.total - self.valid

    def deal(self, unit: int) -> list[int]:
        """First preferences (SSI r.45): every valid paper to its first choice at value one."""
        live = self._holder >= 0
        self._value[live] = unit
        totals = np.zeros(self._n, dtype=np.int64)
        np.add.at(totals, self._holder[live], self._weights[live])
        return [t * unit for t in totals.tolist()]

    def papers(self, candidate: int) -> int:
        """How many papers the candidate holds (for reports)."""
        return int(self._weights[self._holder == candidate].sum())

    def move(
        self, source: int, receive: Sequence[bool], new_value: Callable[[int], int]
    ) -> tuple[list[int], int]:
        """Pass every paper of `source` to its next preference that may `receive` it; each value
        group v at `new_value(v)`. Returns the value gained per candidate and the value
        exhausted, as `gregory_papers.Papers.move` does."""
        n = self._n
        gains = [0] * n
        rows = np.flatnonzero(self._holder == source)
        if not rows.size:
            return gains, 0
        stop = np.array([*receive, True], dtype=np.bool_)
        found, position = walk(self._cells, stop, rows, self._position[rows] + 1)
        values, group = np.unique(self._value[rows], return_inverse=True)
        width = n + 1  # column n: exhausted
        target = np.where(found >= 0, found, n)
        counts = np.zeros(len(values) * width, dtype=np.int64)
        np.add.at(counts, group * width + target, self._weights[rows])
        moved = [new_value(v) for v in values.tolist()]
        exhausted = 0
        for value, papers in zip(moved, counts.reshape(len(values), width).tolist(), strict=True):
            exhausted += papers[n] * value
            if value:
                for candidate in range(n):
                    if papers[candidate]:
                        gains[candidate] += papers[candidate] * value
        new = np.asarray(moved, dtype=np.int64)[group]
        keep = (found >= 0) & (new > 0)
        self._holder[rows] = np.where(keep, found, -1)
        self._position[rows] = position
        self._value[rows] = new
        return gains, exhausted


def load_papers(matrix: RankingMatrix, candidates: int, withdrawn: Collection[int]) -> LoadedPapers:
    """The matrix as papers for `gregory.count_gregory`, with the valid and invalid weights."""
    papers = MatrixPapers(matrix, candidates, withdrawn)
    return LoadedPapers(papers, papers.valid, papers.invalid)
