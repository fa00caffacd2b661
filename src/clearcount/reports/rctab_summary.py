"""A count's Result in the shape of RCTab's `*_summary.json`, so RCTab users can diff the two.

RCTab reports each round's tally of the candidates still in the count, the threshold, the
inactive ballots by reason, and what happened at the end of the round (`tallyResults`: who was
elected or eliminated and where their votes went in the next round). Numbers are exact decimal
strings, as RCTab writes them and as the record does (never binary floats). docs/counting/formats.md
describes the mapping.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from clearcount.counting.numbers import decimal_text
from clearcount.counting.result import Result, Stage

__all__ = ["INACTIVE_REASONS", "rctab_summaries", "round_transfers"]

INACTIVE_REASONS = ("overvotes", "skippedRankings", "repeatedRankings", "exhaustedChoices")
"""RCTab's inactive-ballot reasons, in the order its summary lists them."""

JSON_FORMAT_VERSION = "1"


def _inactive_total(stage: Stage) -> Fraction:
    """Value no longer with any candidate: RCTab's inactive ballots, or the non-transferable and
    exhausted value where a rule set does not break it down by reason."""
    if stage.inactive:
        return sum(stage.inactive.values(), Fraction(0))
    return stage.non_transferable + stage.exhausted


def round_transfers(stage: Stage, following: Stage | None) -> dict[str, Fraction]:
    """Where votes went between `stage` and the next round: each candidate's gain, the growth of
    the inactive value as "exhausted", and value lost to rounding as "residual surplus" (RCTab's
    `transfers`; empty after the last round)."""
    if following is None:
        return {}
    moved: dict[str, Fraction] = {}
    for name, votes in following.tallies.items():
        gain = votes - stage.tallies.get(name, Fraction(0))
        if gain > 0:
            moved[name] = gain
    lost = _inactive_total(following) - _inactive_total(stage)
    if lost > 0:
        moved["exhausted"] = lost
    before = sum(stage.tallies.values(), Fraction(0)) + _inactive_total(stage)
    after = sum(following.tallies.values(), Fraction(0)) + _inactive_total(following)
    if before > after:
        moved["residual surplus"] = before - after
    return moved


def _tally_results(stage: Stage, following: Stage | None) -> list[dict[str, object]]:
    """RCTab's `tallyResults`: one entry per candidate elected or eliminated at this round; a
    round's transfers cannot be split between several candidates, so they go on the first entry."""
    transfers = {k: decimal_text(v) for k, v in round_transfers(stage, following).items()}
    actions = [("elected", n) for n in stage.elected] + [("eliminated", n) for n in stage.excluded]
    entries: list[dict[str, object]] = [{key: name, "transfers": {}} for key, name in actions]
    if entries:
        entries[0]["transfers"] = transfers
    return entries


def _round(stage: Stage, following: Stage | None, number: int) -> dict[str, object]:
    body: dict[str, object] = {
        "round": number,
        "tally": {name: decimal_text(votes) for name, votes in stage.tallies.items()},
        "tallyResults": _tally_results(stage, following),
    }
    if stage.quota is not None:
        body["threshold"] = decimal_text(stage.quota)
    if stage.inactive:
        inactive = {r: stage.inactive.get(r, Fraction(0)) for r in INACTIVE_REASONS}
        if "finalRoundSurplus" in stage.inactive:
            inactive["finalRoundSurplus"] = stage.inactive["finalRoundSurplus"]
        body["inactiveBallots"] = {r: decimal_text(v) for r, v in inactive.items()}
    return body


def _summary(
    result: Result, stages: Sequence[Stage], title: str, winners: int
) -> dict[str, object]:
    rounds = [
        _round(stage, stages[i + 1] if i + 1 < len(stages) else None, i + 1)
        for i, stage in enumerate(stages)
    ]
    final = stages[-1].quota if stages else result.quota
    summary: dict[str, object] = {
        "numCandidates": len(result.candidates),
        "numWinners": winners,
        "totalNumBallots": decimal_text(result.valid_votes),
        "undervotes": result.invalid_ballots,
    }
    if final is not None:
        summary["finalThreshold"] = decimal_text(final)
    return {
        "config": {"contest": title, "generatedBy": "clearcount"},
        "jsonFormatVersion": JSON_FORMAT_VERSION,
        "results": rounds,
        "summary": summary,
    }


def rctab_summaries(result: Result, title: str = "") -> list[dict[str, object]]:
    """One RCTab summary object per pass (RCTab's sequential multi-seat mode writes one report per
    seat; every other count has a single pass), rounds numbered from 1 within each."""
    spans = result.outcome.get("passes")
    if not isinstance(spans, tuple) or len(spans) < 2:
        return [_summary(result, result.stages, title, result.seats)]
    return [_summary(result, result.stages[first - 1 : last], title, 1) for first, last in spans]
