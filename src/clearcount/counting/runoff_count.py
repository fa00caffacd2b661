"""From a contest to a Result through the runoff engine: shared by `irv` and `rctab`.

Ballots are merged with `ballots.merge_rankings` (`compress` without building Ballot objects:
identical rankings count identically, counting.md §0); candidate indices are translated to the
count's own list when the front-end needs it, and a multi-pass count (RCTab `multiPassIrv`) runs
one single-seat pass per seat, each excluding the winners before it, with stages numbered on
across passes.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from fractions import Fraction
from operator import attrgetter, itemgetter

from clearcount.core.errors import CountingError
from clearcount.counting.ballots import Contest, check_weights, merge_rankings
from clearcount.counting.result import Result, Stage, TieBreak
from clearcount.counting.runoff_engine import Field, run_pass
from clearcount.counting.runoff_piles import PileSet, Ranking
from clearcount.counting.runoff_rules import RunoffRules
from clearcount.counting.ties import contest_seed

__all__ = ["count_runoff", "groups_for", "without_cyclic_gc"]


@contextmanager
def without_cyclic_gc() -> Iterator[None]:
    """Pause CPython's cyclic collector while a count allocates its (acyclic) per-ranking state.

    A million-paper count creates millions of tuples, lists and iterators; each automatic
    collection re-scans all of them, which measured at a third of the run time. Nothing in a
    count forms a cycle, and the previous setting is restored on exit.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def groups_for(contest: Contest, translate: Sequence[int] | None = None) -> list[Ranking]:
    """The contest's distinct rankings with weights, in the count's candidate indices."""
    if contest.ballots and min(map(attrgetter("weight"), contest.ballots)) < 0:
        check_weights(contest.ballots)
    merged = merge_rankings(contest.ballots)
    if translate is None:
        return list(merged.items())
    table = list(translate)
    return [
        (tuple(tuple(table[c] if c >= 0 else c for c in rank) for rank in ranks), weight)
        for ranks, weight in merged.items()
    ]


def count_runoff(
    method: str,
    contest: Contest,
    field: Field,
    groups: Sequence[Ranking],
    rules: RunoffRules,
    *,
    passes: int = 1,
    options: Mapping[str, object],
    piles: Callable[[], PileSet] | None = None,
    papers: int | None = None,
) -> Result:
    """Run the passes and assemble the Result (valid vote = all papers, blank ones included).

    With `piles` (a fresh pile set per pass, e.g. `matrix_runoff.MatrixPiles`) the passes move
    those instead of piles built from `groups`, and `papers` is the total weight.
    """
    seed_cache: list[str] = []

    def lot_seed() -> str:
        if not seed_cache:
            seed_cache.append(contest_seed(contest))
        return seed_cache[0]

    stages: list[Stage] = []
    elected: list[str] = []
    tie_breaks: list[TieBreak] = []
    spans: list[tuple[int, int]] = []
    lookup: Callable[[str], int] = field.names.index
    for number in range(1, passes + 1):
        excluded = field.excluded | {lookup(name) for name in elected}
        outcome = run_pass(
            replace(field, excluded=frozenset(excluded)),
            groups,
            rules,
            lot_seed=lot_seed,
            first_stage=len(stages) + 1,
            piles=None if piles is None else piles(),
        )
        if passes > 1 and len(outcome.elected) != 1:
            raise CountingError(
                f"{method}: pass {number} of a multi-pass count elected "
                f"{len(outcome.elected)} candidates; expected exactly one"
            )
        spans.append((len(stages) + 1, len(stages) + len(outcome.stages)))
        stages.extend(outcome.stages)
        elected.extend(outcome.elected)
        tie_breaks.extend(outcome.tie_breaks)
    seats = passes if passes > 1 else rules.seats
    return Result(
        method=method,
        seats=seats or len(elected),
        candidates=field.names,
        elected=tuple(elected),
        stages=tuple(stages),
        valid_votes=Fraction(sum(map(itemgetter(1), groups)) if papers is None else papers),
        quota=stages[-1].quota if stages else None,
        tie_breaks=tuple(tie_breaks),
        decimals=rules.decimals or None,
        outcome={"passes": tuple(spans)} if passes > 1 else {},
        options=dict(options),
    )
