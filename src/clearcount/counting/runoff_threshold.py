"""The winning threshold and the batch-elimination test of the runoff engine.

Threshold (counting.md §3, §7; RCTab `setWinningThreshold`): Droop, floor(V/(S+1)) + 1, or with
`non_integer_threshold` trunc_d(V/(S+1)) + 10**-d; Hare, ceil(V/S) (to d places when
non-integer); under bottoms-up-by-percentage, V times the share. Never below the minimum vote
threshold. Batch elimination (RCTab `runBatchElimination`): in ascending order, while the sum of
everyone below is less than the next tally, all of them can be eliminated together.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from clearcount.counting.runoff_rules import RunoffRules

__all__ = ["batch_losers", "winning_threshold"]


def winning_threshold(rules: RunoffRules, active_units: int, scale: int) -> Fraction:
    """The threshold in votes for `active_units` (units of 1/scale) of active ballots."""
    active = Fraction(active_units, scale)
    if rules.mode == "bottoms_up_pct":
        threshold = active * (rules.bottoms_up_fraction or Fraction(0))
    else:
        divisor = rules.seats if rules.hare else rules.seats + 1
        places = 10 ** (rules.decimals if rules.non_integer_threshold else 0)
        scaled = active * places / divisor
        if rules.hare:
            threshold = Fraction(-(-scaled.numerator // scaled.denominator), places)
        else:
            threshold = Fraction(scaled.numerator // scaled.denominator + 1, places)
    if rules.minimum_threshold > threshold:
        threshold = rules.minimum_threshold
    return threshold


def batch_losers(
    tally: Mapping[int, int], already_out: int, standing: int, *, keep_two: bool
) -> list[int]:
    """Candidates who cannot overtake anyone even with all the votes below them.

    With `keep_two` (continueUntilTwoCandidatesRemain) the last group is put back when the batch
    would leave a single candidate. `already_out` counts candidates eliminated before this round.
    """
    by_votes: dict[int, list[int]] = {}
    for candidate, votes in tally.items():
        by_votes.setdefault(votes, []).append(candidate)
    running = 0
    seen: list[int] = []
    batch: list[int] = []
    before: list[int] = []
    for votes in sorted(by_votes):
        grown = list(batch)
        if running < votes:
            grown.extend(c for c in seen if c not in batch)
        group = sorted(by_votes[votes])
        running += votes * len(group)
        seen.extend(group)
        if len(grown) > len(batch):
            before, batch = batch, grown
    if keep_two and len(batch) + already_out == standing - 1:
        batch = before
    return batch
