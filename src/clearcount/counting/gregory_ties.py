"""Tie-breaks for the Gregory family: earlier stages first where the rule says so, then a lot.

* Scottish STV (SSI 2007/42 r.49(2), r.51(2)): the most recent preceding stage at which the tied
  candidates had unequal votes decides; if they were equal at every stage, a lot (r.49(3),
  r.51(2)(b)).
* PRF WIGM (D.1) and Minneapolis (167.70(1)(d),(e)): straight to a predetermined random order.

The lot is either a seeded draw (`ties.draw_order`, the seed written into the result) or a
predetermined order: the contest's own (`Contest.tie_order`, BLT `[tie ...]`) or, failing that,
the order the candidates are listed in (Droop's default, used to reproduce its counts).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Literal

from clearcount.counting import ties
from clearcount.counting.ballots import Contest
from clearcount.counting.result import TieBreak

__all__ = ["LOTS", "Lot", "TieBreaker"]

Lot = Literal["draw", "tie-order", "auto"]
LOTS: tuple[Lot, ...] = ("draw", "tie-order", "auto")
"""`draw`: seeded draw; `tie-order`: the contest's tie order, else candidate order;
`auto`: the contest's tie order when it has one, else a seeded draw."""


class TieBreaker:
    """Settles ties for one count and remembers the seed it used, if any."""

    __slots__ = ("_contest", "_lot", "_rule", "_seed", "seed_used")

    def __init__(self, contest: Contest, lot: Lot, seed: str | None, rule: str) -> None:
        self._contest = contest
        self._lot = lot
        self._seed = seed
        self._rule = rule
        self.seed_used: str | None = None

    def choose(
        self,
        tied: Sequence[int],
        *,
        stage: int,
        purpose: str,
        keep: Literal["lowest", "highest"],
        history: Sequence[Mapping[str, Fraction]] | None,
    ) -> tuple[int, TieBreak]:
        """The candidate the decision applies to (excluded, or whose surplus goes first).

        `history` is the tally at the end of each stage so far; None skips the history search.
        """
        names = self._contest.candidates
        tied_names = tuple(names[c] for c in tied)
        remaining: tuple[str, ...] = tied_names
        used: tuple[int, ...] = ()
        if history is not None:
            remaining, used = ties.narrow_by_history(
                tied_names, history, search="most recent", keep=keep
            )
        word = "fewest" if keep == "lowest" else "most"
        if len(remaining) == 1:
            last = used[-1]
            reason = (
                f"{remaining[0]} had the {word} votes of {', '.join(tied_names)} at the end of "
                f"stage {last}, the most recent preceding stage at which they were unequal "
                f"({self._rule})"
            )
            record = TieBreak(
                stage, purpose, tied_names, remaining, "history (most recent stage)", reason
            )
            return names.index(remaining[0]), record
        chosen, method, seed, how = self._lot_choice(remaining, stage, purpose)
        prefix = ""
        if history is not None:
            prefix = "equal at every stage; " if not used else f"narrowed at stage(s) {used}; "
        reason = f"{prefix}{how} ({self._rule})"
        record = TieBreak(stage, purpose, tied_names, (chosen,), method, reason, seed)
        return names.index(chosen), record

    def _lot_choice(
        self, remaining: Sequence[str], stage: int, purpose: str
    ) -> tuple[str, str, str | None, str]:
        contest = self._contest
        if self._lot == "tie-order" or (self._lot == "auto" and contest.tie_order is not None):
            order = contest.tie_order or tuple(range(len(contest.candidates)))
            rank = {contest.candidates[c]: i for i, c in enumerate(order)}
            listed = sorted(remaining, key=lambda name: rank.get(name, len(rank)))
            source = "the contest's tie order" if contest.tie_order else "candidate order"
            return listed[0], "tie order", None, f"{listed[0]} comes first in {source}"
        if self.seed_used is None:
            self.seed_used = self._seed if self._seed is not None else ties.contest_seed(contest)
        drawn = ties.draw_order(remaining, self.seed_used, stage, purpose)
        return drawn[0], "seeded draw", self.seed_used, f"{drawn[0]} drawn first by seeded lot"
