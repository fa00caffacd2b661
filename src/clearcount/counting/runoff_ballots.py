"""Where each ballot goes next in a runoff, and why it stops (RCTab `computeTalliesForRound`).

A ballot counts for its highest-ranked continuing candidate. On the way it can become inactive:
a gap of more than `max_skipped` ranks (skippedRankings), a repeated candidate when
`exhaust_on_duplicate` (repeatedRankings), an overvote under the overvote rule (overvotes), or
running out of ranks (exhaustedChoices); a paper with no marks at all is an undervote
(counting.md §7).

Continuing candidates only ever stop continuing, so the first failing check along a ranking is
fixed in advance: `resolve` turns a ranking into a plain tuple of candidates and the reason it
ends, once per distinct ballot. Only an overvote under `exhaust_if_multiple` depends on who is
still continuing; such ballots are re-read from the top each time (`rescan`), as RCTab does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from clearcount.core.errors import ConfigError, CountingError
from clearcount.counting.ballots import OVERVOTE
from clearcount.counting.runoff_rules import RunoffRules

__all__ = ["RAN_OUT", "Resolved", "needs_rescan", "rescan", "resolve"]

Resolved = tuple[tuple[int, ...], str]
"""The candidates a ballot can count for, in order, and its reason for ending after them."""


RAN_OUT = "exhaustedChoices"
"""Why a ballot that used its last marked rank is inactive: RCTab 2.0 reports these as exhausted
choices however many ranks were left unused (its older "undervote" class for them is gone)."""


def _marked(ranks: Sequence[tuple[int, ...]]) -> list[tuple[int, tuple[int, ...]]]:
    return [(number, rank) for number, rank in enumerate(ranks, start=1) if rank]


def _overvote(
    rules: RunoffRules, rank: tuple[int, ...], continuing: Callable[[int], bool] | None
) -> str | None:
    """RCTab `getOvervoteDecision`: None, "exhaust" or "skip"."""
    if OVERVOTE in rank:
        if len(rank) != 1:
            raise CountingError(f"rank {rank!r}: an explicit overvote mark must stand alone")
        if rules.overvote == "exhaust_if_multiple":
            raise ConfigError(
                "overvote rule exhaust_if_multiple (exhaustIfMultipleContinuing) cannot be used "
                "with explicit overvote marks: expected exhaust or skip"
            )
        return "exhaust" if rules.overvote == "exhaust" else "skip"
    if len(rank) <= 1:
        return None
    if rules.overvote == "exhaust":
        return "exhaust"
    if rules.overvote == "skip":
        return "skip"
    if continuing is None:
        raise ValueError("exhaust_if_multiple needs the continuing candidates")
    alive = sum(1 for candidate in rank if continuing(candidate))
    return "exhaust" if alive >= 2 else None


def needs_rescan(rules: RunoffRules, ranks: Sequence[tuple[int, ...]]) -> bool:
    """True when the ballot's path depends on who is continuing, not only on its marks."""
    return rules.overvote == "exhaust_if_multiple" and any(len(rank) > 1 for rank in ranks)


def _walk(
    rules: RunoffRules,
    ranks: Sequence[tuple[int, ...]],
    continuing: Callable[[int], bool] | None,
) -> tuple[list[int], str, int | None]:
    """RCTab's walk down one ranking. With `continuing`, stop at the first continuing candidate
    (returned third); without, collect every candidate it could count for."""
    marked = _marked(ranks)
    if not marked:
        return [], "undervotes", None
    last_number = marked[-1][0]
    choices: list[int] = []
    seen: set[int] = set()
    previous = 0
    limit = None if rules.max_skipped is None else rules.max_skipped + 1
    for number, rank in marked:
        if limit is not None and number - previous > limit:
            return choices, "skippedRankings", None
        previous = number
        if rules.exhaust_on_duplicate:
            for candidate in rank:
                if candidate in seen:
                    return choices, "repeatedRankings", None
                seen.add(candidate)
        decision = _overvote(rules, rank, continuing)
        if decision == "exhaust":
            return choices, "overvotes", None
        if decision == "skip":
            if number == last_number:
                return choices, "exhaustedChoices", None
            continue
        for candidate in rank:
            if continuing is not None and continuing(candidate):
                return choices, "", candidate
            choices.append(candidate)
        if number == last_number:
            return choices, RAN_OUT, None
    raise AssertionError("unreachable: the last marked rank always returns")


def resolve(rules: RunoffRules, ranks: Sequence[tuple[int, ...]]) -> Resolved:
    """The plain path of a ballot whose overvotes do not depend on the count (see module doc)."""
    choices, reason, _ = _walk(rules, ranks, None)
    return tuple(choices), reason


def rescan(
    rules: RunoffRules, ranks: Sequence[tuple[int, ...]], continuing: Callable[[int], bool]
) -> tuple[int | None, str]:
    """The candidate the ballot counts for now, or None and the reason it is inactive."""
    _, reason, candidate = _walk(rules, ranks, continuing)
    return candidate, reason
