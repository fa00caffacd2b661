"""Scottish STV: the Scottish Local Government Elections Order 2007 (SSI 2007/42), Sch. 1, r.45-52.

Integer quota floor(valid / (seats + 1)) + 1 (r.46); a candidate with a quota at the end of a stage
is elected (r.47); one surplus per stage, largest first, all of the candidate's papers re-examined
and each group of papers of equal value v moved at floor(S * v / T) to five decimal places, the
remainder ignored (r.48(3)); ties by the most recent preceding stage at which the candidates were
unequal, else by lot (r.49, r.51); surpluses are never deferred; the lowest candidate is excluded
alone with all papers at their current values in one stage (r.50); the count ends when the
continuing candidates equal the vacancies (r.52). Interpretation: docs/counting/stv-scottish.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from clearcount.core.errors import CountingError
from clearcount.counting.ballots import Contest
from clearcount.counting.fast_paths import numpy_ranking_matrix
from clearcount.counting.gregory import GregoryRules, count_gregory, read_options
from clearcount.counting.result import Result
from clearcount.counting.runoff_count import without_cyclic_gc

if TYPE_CHECKING:
    from clearcount.counting.ranking_matrix import RankingMatrix

__all__ = ["METHOD", "RULES", "count", "count_reference", "count_with_matrix"]

METHOD = "stv-scottish"


def _quota(valid: int, seats: int, unit: int) -> int:
    """r.46: valid papers / (seats + 1), decimals ignored, plus one."""
    return (valid // (seats + 1) + 1) * unit


def _transfer_value(value: int, surplus: int, total: int, unit: int) -> int:
    """r.48(3): surplus x value when received / total votes, to 5 places, remainder ignored."""
    return value * surplus // total


RULES = GregoryRules(
    method=METHOD,
    places=5,
    quota=_quota,
    transfer_value=_transfer_value,
    defects="truncate",
    sure_losers=False,
    history_ties=True,
    zero_surplus=False,
    pending_receive=False,
    split_exhausted=False,
    tie_rule="SSI 2007/42 r.49, r.51",
    end_rule="SSI 2007/42 r.52",
)


def count(contest: Contest, options: Mapping[str, object] | None = None) -> Result:
    """Count under SSI 2007/42 rules 45-52.

    Options: `seed` (the published seed of any lot), `lot` ("draw": seeded lot, the default;
    "tie-order": the contest's predetermined order, else candidate order, as Droop does).

    Plain papers are counted on the contest's ranking matrix (`count_with_matrix`: array-based
    papers, the same engine); any defective paper sends the count to the reference papers
    (`count_reference`). The two give equal Results (tests/unit/counting/test_fast_scottish.py).
    """
    chosen = read_options(METHOD, options, "draw", None)
    matrix = numpy_ranking_matrix(contest)
    if matrix is None:
        return count_gregory(contest, RULES, chosen)
    return count_with_matrix(contest, matrix, options)


def count_reference(contest: Contest, options: Mapping[str, object] | None = None) -> Result:
    """The reference count: merged rankings in per-candidate piles by value (any papers)."""
    return count_gregory(contest, RULES, read_options(METHOD, options, "draw", None))


def count_with_matrix(
    contest: Contest, matrix: RankingMatrix, options: Mapping[str, object] | None = None
) -> Result:
    """The same count on `matrix`, which must hold exactly the contest's papers."""
    from clearcount.counting.matrix_gregory import load_papers  # NumPy: only on this path

    chosen = read_options(METHOD, options, "draw", None)
    n = len(contest.candidates)
    if matrix.candidates > n:
        raise CountingError(
            f"{METHOD}: contest {contest.title!r}: ranking matrix names candidate index "
            f"{matrix.candidates - 1}; expected below {n}"
        )
    with without_cyclic_gc():  # no cycles here; a collection would scan every Ballot
        return count_gregory(contest, RULES, chosen, load_papers(matrix, n, contest.withdrawn))
