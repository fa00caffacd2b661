"""Shared by the fast-path tests: a rule set's matrix count against its reference count."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Protocol

from clearcount.counting.ballots import Contest
from clearcount.counting.ranking_matrix import RankingMatrix
from clearcount.counting.result import Result

__all__ = ["MatrixRule", "assert_same", "fast", "outcome"]

Options = Mapping[str, object] | None


class MatrixRule(Protocol):
    def count(self, contest: Contest, options: Options = None) -> Result: ...

    def count_reference(self, contest: Contest, options: Options = None) -> Result: ...

    def count_with_matrix(
        self, contest: Contest, matrix: RankingMatrix, options: Options = None
    ) -> Result: ...


def outcome(run: Callable[[], Result]) -> Result | tuple[type[BaseException], str]:
    try:
        return run()
    except Exception as error:  # compared, not swallowed
        return type(error), str(error)


def fast(rule: MatrixRule, contest: Contest, options: Options = None) -> Result:
    matrix = RankingMatrix.from_ballots(contest.ballots, len(contest.candidates))
    assert matrix is not None
    return rule.count_with_matrix(contest, matrix, options)


def assert_same(rule: MatrixRule, contest: Contest, options: Options = None) -> Result | None:
    """Equal Results (or the same error) from the matrix path, the reference and the dispatcher."""
    reference = outcome(lambda: rule.count_reference(contest, options))
    assert outcome(lambda: fast(rule, contest, options)) == reference
    assert outcome(lambda: rule.count(contest, options)) == reference
    return reference if isinstance(reference, Result) else None
