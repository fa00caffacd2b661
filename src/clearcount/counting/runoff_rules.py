"""The settings of the one runoff engine that `irv` and `rctab` both drive.

Two option front-ends, one machinery (counting.md §3, §7): `irv.py` maps clearcount's snake_case
options here, `rctab_config.py` maps an RCTab contest config. Every field is a decision the
engine makes, never a provider detail, so a Result's `options` can be re-read as one of these.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

__all__ = [
    "END_REASONS",
    "INACTIVE_REASONS",
    "OvervoteRule",
    "RunoffRules",
    "TieMode",
    "WinnerMode",
]

WinnerMode = Literal["single", "multi_many", "multi_one", "bottoms_up", "bottoms_up_pct"]
"""RCTab winnerElectionMode: singleWinnerMajority, multiWinnerAllowMultipleWinnersPerRound,
multiWinnerAllowOnlyOneWinnerPerRound, bottomsUp, bottomsUpUsingPercentageThreshold.
(multiPassIrv is a front-end loop of `single` passes.)"""

OvervoteRule = Literal["exhaust", "skip", "exhaust_if_multiple"]
"""exhaustImmediately, alwaysSkipToNextRank, exhaustIfMultipleContinuing (counting.md §7)."""

TieMode = Literal[
    "candidate_order",
    "random",
    "permutation",
    "history_then_random",
    "history_then_ask",
    "ask",
    "history_then_lot",
    "lot",
]
"""RCTab's six tiebreakModes, then clearcount's own: previous rounds then a seeded lot
(`ties.draw_order`), or the lot alone."""

INACTIVE_REASONS = ("overvotes", "skippedRankings", "repeatedRankings", "exhaustedChoices")
"""RCTab's breakdown of inactive ballots, as its round reports name them."""

END_REASONS = (*INACTIVE_REASONS, "undervotes")
"""Also `undervotes`: papers with no mark at all, never counted for anyone."""


@dataclass(frozen=True, slots=True)
class RunoffRules:
    """Everything the engine decides by; defaults are a plain single-seat RCTab count."""

    seats: int = 1
    """Seats to fill; 0 only with `bottoms_up_pct` (RCTab numberOfWinners)."""
    mode: WinnerMode = "single"
    decimals: int = 0
    """Votes are counted in units of 10**-decimals, truncating (decimalPlacesForVoteArithmetic)."""
    overvote: OvervoteRule = "exhaust"
    max_skipped: int | None = None
    """Consecutive skipped ranks allowed before a ballot exhausts; None = unlimited."""
    max_rankings: int | None = None
    """Ranks a ballot may use; only classifies why a short ballot became inactive."""
    exhaust_on_duplicate: bool = False
    batch: bool = False
    continue_until_two: bool = False
    first_round_threshold: bool = False
    minimum_threshold: Fraction = Fraction(0)
    non_integer_threshold: bool = False
    hare: bool = False
    bottoms_up_fraction: Fraction | None = None
    """Share of the active vote each winner needs under `bottoms_up_pct` (15% -> 3/20)."""
    cutoff: bool = False
    """With `bottoms_up_pct`, eliminate everyone under the threshold at once (cutoffElimination)."""
    stop_after_round: int | None = None
    tie_mode: TieMode = "history_then_lot"
    seed: str | None = None
    """The published seed: a Java long for RCTab's random modes, any text for a clearcount lot."""
    final_round_surplus: bool = True
    """Multi-seat: after the last seat is filled, show one more round in which the winners'
    surpluses are set aside as "finalRoundSurplus" (RCTab 2.0 reports)."""

    @property
    def scale(self) -> int:
        return int(10**self.decimals)

    @property
    def uses_surpluses(self) -> bool:
        """Multi-seat counts move surpluses, bottoms-up ones never do (Tabulator.tabulate)."""
        return self.seats > 1 and self.mode in ("multi_many", "multi_one")
