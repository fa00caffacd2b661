"""Block vote: each paper may mark up to `seats` candidates; the top `seats` win (counting.md §1).

A paper marking more candidates than there are seats is an overvote (invalid). A paper marking
fewer is valid by default (a voter may "plump"); option `allow_fewer: false` makes it invalid
("too few marks") where the rules require every vote to be used.
"""

from __future__ import annotations

from collections.abc import Mapping

from clearcount.counting.ballots import Contest
from clearcount.counting.options import check_keys, get_bool
from clearcount.counting.plurality import COMMON_OPTIONS, MarkLimits, count_plurality
from clearcount.counting.result import Result

__all__ = ["METHOD", "count"]

METHOD = "block"


def count(contest: Contest, options: Mapping[str, object] | None = None) -> Result:
    """Count an n-seat block vote, n = `contest.seats`."""
    options = options or {}
    check_keys(METHOD, options, (*COMMON_OPTIONS, "allow_fewer"))
    allow_fewer = get_bool(METHOD, options, "allow_fewer", True)
    seats = contest.seats
    return count_plurality(
        contest,
        options,
        method=METHOD,
        seats=seats,
        limits=MarkLimits(most=seats, least=1 if allow_fewer else seats),
        extra_options={"allow_fewer": allow_fewer},
    )
