"""Array-based piles for the runoff engine: the vectorised path of `irv` (docs/counting/irv.md).

The same round loop (`runoff_engine`) drives these piles as the reference `runoff_piles.Piles`:
only where papers sit and how they move differs. Each distinct plain ranking is a row of a
`RankingMatrix`; per row the piles keep the candidate it counts for (`holder`, -1 once
inactive) and its position in the row. Moving a candidate's pile selects that candidate's rows
(`np.flatnonzero(holder == c)`) and walks only them to their next continuing preference
(`ranking_matrix.walk`); tallies are exact int64 sums (`np.add.at`, no floats).

Plain rankings make the reference's pre-resolution trivial: every ranking is its own list of
choices, a blank paper is an undervote and any other paper that runs out is exhausted
(`runoff_ballots.resolve`). Papers keep value one (single-seat counts move no surplus), so
`apply_surplus` is not offered: `irv` dispatches here only for one seat.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import numpy.typing as npt

from clearcount.counting.ranking_matrix import RankingMatrix, walk
from clearcount.counting.runoff_ballots import RAN_OUT
from clearcount.counting.runoff_rules import END_REASONS

__all__ = ["MatrixPiles"]

_UNDERVOTES = END_REASONS.index("undervotes")
_RAN_OUT = END_REASONS.index(RAN_OUT)


class MatrixPiles:
    """Where every distinct ranking is, for one pass of a single-seat count."""

    def __init__(self, matrix: RankingMatrix, candidates: int) -> None:
        self.continuing = [True] * candidates
        self.tally = [0] * candidates
        self.inactive = [0] * len(END_REASONS)
        self._cells = matrix.cells()
        self._weights = matrix.weights
        count = len(matrix.weights)
        self._blank = matrix.rows[:, 0] < 0 if matrix.rows.shape[1] else np.ones(count, bool)
        self._holder = np.full(count, -1, dtype=np.intp)
        self._position = np.zeros(count, dtype=np.intp)

    def place_all(self) -> None:
        """First round: every row goes to its first continuing choice."""
        rows = np.arange(len(self._weights), dtype=np.intp)
        self._advance(rows, np.zeros(len(rows), dtype=np.intp))

    def release(self, candidate: int) -> None:
        """Move the pile of a candidate who stopped continuing; its tally goes with it."""
        rows = np.flatnonzero(self._holder == candidate)
        self.tally[candidate] = 0
        self._advance(rows, self._position[rows] + 1)

    def set_aside(self, candidate: int) -> int:
        """Empty a winner's pile without moving it; return the value it held."""
        rows = np.flatnonzero(self._holder == candidate)
        self._holder[rows] = -1
        self.tally[candidate] = 0
        return int(self._weights[rows].sum())

    def apply_surplus(self, winner: int, threshold: Fraction) -> int:
        raise NotImplementedError(
            "MatrixPiles counts papers at value one: surpluses (multi-seat rctab) use Piles"
        )

    def inactive_by_reason(self) -> dict[str, int]:
        return dict(zip(END_REASONS, self.inactive, strict=True))

    def _advance(self, rows: npt.NDArray[np.intp], start: npt.NDArray[np.intp]) -> None:
        """Each row goes on to its next continuing choice at or after `start`, or stops."""
        if not rows.size:
            return
        stop = np.array([*self.continuing, True], dtype=np.bool_)
        found, position = walk(self._cells, stop, rows, start)
        self._holder[rows] = found
        self._position[rows] = position
        weights = self._weights[rows]
        live = found >= 0
        gained = np.zeros(len(self.tally), dtype=np.int64)
        np.add.at(gained, found[live], weights[live])
        tally = self.tally
        for candidate, value in enumerate(gained.tolist()):
            if value:
                tally[candidate] += value
        if not bool(live.all()):
            dead = ~live
            lost = weights[dead]
            blank = int(lost[self._blank[rows[dead]]].sum())
            self.inactive[_UNDERVOTES] += blank
            self.inactive[_RAN_OUT] += int(lost.sum()) - blank
