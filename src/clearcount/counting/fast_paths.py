"""NumPy is optional: without it every count runs on its reference engine (same Results).

The `clearcount-verifier` distribution depends on rbcl and the standard library only
(docs/verifier.md), so the counts a verifier runs must not need NumPy. The vectorised paths of
`irv` and `stv-scottish` are used when NumPy is installed; their Results equal the reference
engines' (tests/unit/counting/test_fast_*.py), so a verifier with or without it agrees.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from clearcount.counting.ballots import Contest

if TYPE_CHECKING:
    from clearcount.counting.ranking_matrix import RankingMatrix

__all__ = ["numpy_ranking_matrix"]


def numpy_ranking_matrix(contest: Contest) -> RankingMatrix | None:
    """`ranking_matrix.matrix_for(contest)`, or None when NumPy is not installed."""
    try:
        from clearcount.counting.ranking_matrix import matrix_for
    except ModuleNotFoundError as error:
        if (error.name or "").split(".")[0] != "numpy":
            raise
        return None
    return matrix_for(contest)
