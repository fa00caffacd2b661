"""Rule set `irv`: the alternative vote as UK parties and unions run it (counting.md §3).

A candidate with more than half of the continuing votes wins; otherwise the lowest is
eliminated and their papers go to the next continuing preference (Labour's "eliminating
ballot", the Liberal Democrats' STV for one seat). Defaults are UK practice: a paper with two
marks at one preference stops there (`overvote: exhaust`), skipped preferences are passed over
(`max_skipped_ranks: unlimited`), ties go to the candidate lower at the most recent earlier
round, then to a seeded lot whose seed is published. The options are RCTab's rules under
clearcount names, counted by the same engine as `rctab` (docs/counting/irv.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import TYPE_CHECKING

from clearcount.core.errors import ConfigError, CountingError
from clearcount.counting.ballots import Contest
from clearcount.counting.fast_paths import numpy_ranking_matrix
from clearcount.counting.options import check_keys, get_bool, get_choice, get_fraction, get_int
from clearcount.counting.result import Result
from clearcount.counting.runoff_count import count_runoff, groups_for, without_cyclic_gc
from clearcount.counting.runoff_engine import Field
from clearcount.counting.runoff_rules import OvervoteRule, RunoffRules, TieMode

if TYPE_CHECKING:
    from clearcount.counting.ranking_matrix import RankingMatrix

__all__ = ["METHOD", "count", "count_reference", "count_with_matrix", "rules_from_options"]

METHOD = "irv"

_OVERVOTE: tuple[OvervoteRule, ...] = ("exhaust", "skip", "exhaust_if_multiple")
_TIES: tuple[TieMode, ...] = (
    "history_then_lot",
    "lot",
    "candidate_order",
    "random",
    "permutation",
    "history_then_random",
    "history_then_ask",
    "ask",
)
_KEYS = (
    "overvote",
    "max_skipped_ranks",
    "exhaust_on_duplicate",
    "batch_elimination",
    "continue_until_two",
    "first_round_threshold",
    "minimum_vote_threshold",
    "stop_after_round",
    "tie_break",
    "seed",
)


def _max_skipped(options: Mapping[str, object]) -> int | None:
    if options.get("max_skipped_ranks", "unlimited") == "unlimited":
        return None
    return get_int(METHOD, options, "max_skipped_ranks", 0, minimum=0)


def rules_from_options(options: Mapping[str, object]) -> RunoffRules:
    """Validate `irv` options (unknown keys are a ConfigError) and map them to engine rules."""
    check_keys(METHOD, options, _KEYS)
    seed = options.get("seed")
    if seed is not None and not isinstance(seed, (str, int)):
        raise ConfigError(f"{METHOD}: option 'seed' must be text or an integer, got {seed!r}")
    tie_mode = get_choice(METHOD, options, "tie_break", "history_then_lot", _TIES)
    if tie_mode in ("random", "permutation", "history_then_random") and seed is None:
        raise ConfigError(f"{METHOD}: tie_break {tie_mode} needs a 'seed' (a Java long)")
    stop = options.get("stop_after_round")
    return RunoffRules(
        overvote=get_choice(METHOD, options, "overvote", "exhaust", _OVERVOTE),
        max_skipped=_max_skipped(options),
        exhaust_on_duplicate=get_bool(METHOD, options, "exhaust_on_duplicate", False),
        batch=get_bool(METHOD, options, "batch_elimination", False),
        continue_until_two=get_bool(METHOD, options, "continue_until_two", False),
        first_round_threshold=get_bool(METHOD, options, "first_round_threshold", False),
        minimum_threshold=get_fraction(METHOD, options, "minimum_vote_threshold", Fraction(0)),
        stop_after_round=None
        if stop is None
        else get_int(METHOD, options, "stop_after_round", 0, minimum=1),
        tie_mode=tie_mode,
        seed=None if seed is None else str(seed),
    )


def count(contest: Contest, options: Mapping[str, object] | None = None) -> Result:
    """Count a single-seat contest by the alternative vote.

    With the default options (a `seed` aside) and plain papers, the count runs on the contest's
    ranking matrix (`ranking_matrix.matrix_for`, array-based piles: `count_with_matrix`); any
    other option or any defective paper goes to the reference piles (`count_reference`). The
    two give equal Results (tests/unit/counting/test_fast_irv.py).
    """
    options = options or {}
    rules = rules_from_options(options)
    _check_seats(contest)
    if rules == RunoffRules(seed=rules.seed):
        matrix = numpy_ranking_matrix(contest)
        if matrix is not None:
            return count_with_matrix(contest, matrix, options)
    return count_reference(contest, options)


def count_reference(contest: Contest, options: Mapping[str, object] | None = None) -> Result:
    """The reference count: merged rankings, pre-resolved, in per-candidate piles (any options,
    any papers). The specification the vectorised path is tested against."""
    options = options or {}
    rules = rules_from_options(options)
    _check_seats(contest)
    field = _field(contest)
    with without_cyclic_gc():
        groups = groups_for(contest)
        return count_runoff(METHOD, contest, field, groups, rules, options=options)


def count_with_matrix(
    contest: Contest, matrix: RankingMatrix, options: Mapping[str, object] | None = None
) -> Result:
    """The same count on `matrix`, which must hold exactly the contest's papers (all plain:
    the options about overvotes, skipped ranks and repeated names then change nothing)."""
    from clearcount.counting.matrix_runoff import MatrixPiles  # NumPy: only on this path

    options = options or {}
    rules = rules_from_options(options)
    _check_seats(contest)
    n = len(contest.candidates)
    if matrix.candidates > n:
        raise CountingError(
            f"{METHOD}: contest {contest.title!r}: ranking matrix names candidate index "
            f"{matrix.candidates - 1}; expected below {n}"
        )
    with without_cyclic_gc():  # no cycles here either; a collection would scan every Ballot
        return count_runoff(
            METHOD,
            contest,
            _field(contest),
            [],
            rules,
            options=options,
            piles=lambda: MatrixPiles(matrix, n),
            papers=matrix.total,
        )


def _check_seats(contest: Contest) -> None:
    if contest.seats != 1:
        raise ConfigError(
            f"{METHOD}: contest {contest.title!r} has {contest.seats} seats; the alternative vote "
            "fills one (use an STV method or rctab's multiPassIrv for more)"
        )


def _field(contest: Contest) -> Field:
    order = contest.tie_order or tuple(range(len(contest.candidates)))
    return Field(
        names=contest.candidates,
        undeclared=contest.undeclared,
        excluded=contest.withdrawn,
        order=tuple(contest.candidates[i] for i in order if i not in contest.undeclared),
    )
