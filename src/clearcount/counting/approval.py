"""Approval voting: each approved candidate gets one vote; the top k = `seats` win (counting.md §1).

There is no overvote except the optional cap `max_approvals`: a paper approving more candidates
than the cap is invalid. A paper approving nobody is blank (it still counts as returned).
"""

from __future__ import annotations

from collections.abc import Mapping

from clearcount.counting.ballots import Contest
from clearcount.counting.options import check_keys, get_int
from clearcount.counting.plurality import COMMON_OPTIONS, MarkLimits, count_plurality
from clearcount.counting.result import Result

__all__ = ["METHOD", "count"]

METHOD = "approval"


def count(contest: Contest, options: Mapping[str, object] | None = None) -> Result:
    """Count an approval contest electing `contest.seats` candidates."""
    options = options or {}
    check_keys(METHOD, options, (*COMMON_OPTIONS, "max_approvals"))
    cap: int | None = None
    if options.get("max_approvals") is not None:
        cap = get_int(METHOD, options, "max_approvals", 0, minimum=1)
    return count_plurality(
        contest,
        options,
        method=METHOD,
        seats=contest.seats,
        limits=MarkLimits(most=cap),
        extra_options={"max_approvals": cap},
    )
