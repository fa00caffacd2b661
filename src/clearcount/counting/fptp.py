"""First past the post: one mark per paper, the most votes wins (counting.md §1).

A paper with more than one mark is invalid for this contest (an overvote); one with none is
blank. UK statute settles an equality of votes by lot: the default `tie_break` is a seeded lot.
"""

from __future__ import annotations

from collections.abc import Mapping

from clearcount.core.errors import ConfigError
from clearcount.counting.ballots import Contest
from clearcount.counting.plurality import MarkLimits, count_plurality
from clearcount.counting.result import Result

__all__ = ["METHOD", "count"]

METHOD = "fptp"


def count(contest: Contest, options: Mapping[str, object] | None = None) -> Result:
    """Count a single-seat contest; `contest.seats` must be 1 (use `block` for more)."""
    if contest.seats != 1:
        raise ConfigError(
            f"{METHOD}: contest {contest.title!r} has {contest.seats} seats; expected 1 "
            f"(use the 'block' method for several seats)"
        )
    return count_plurality(
        contest,
        options or {},
        method=METHOD,
        seats=1,
        limits=MarkLimits(most=1),
        extra_options={},
    )
