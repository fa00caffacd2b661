"""Minneapolis multi-seat STV: Code of Ordinances ch. 167, 167.20 and 167.70 (as Droop's `mpls`).

Threshold floor(votes / (seats + 1)) + 1 (167.20); at each round, after surpluses are calculated
but before any is transferred, every candidate for whom election is mathematically impossible is
defeated in one batch (167.70(1)(c)); else the largest surplus is transferred: surplus fraction
S / T to 4 places, remainder ignored, times each ballot's current value, again to 4 places (167.20
"surplus fraction", "transfer value"); else the lowest is defeated (e); ties by lot, here a
predetermined order or seeded draw; a candidate at the threshold still receives transfers until
declared elected with its surplus transfer (d). Undeclared write-ins go first. A single skipped
ranking is passed over; two, an overvote or a repeated ranking end the ballot (167.70(2)).
See docs/counting/stv-minneapolis.md.
"""

from __future__ import annotations

from collections.abc import Mapping

from clearcount.counting.ballots import Contest
from clearcount.counting.gregory import GregoryRules, count_gregory, read_options
from clearcount.counting.result import Result

__all__ = ["METHOD", "RULES", "count"]

METHOD = "stv-minneapolis"


def _quota(valid: int, seats: int, unit: int) -> int:
    """167.20 threshold: votes / (seats + 1) + 1, fractions disregarded."""
    return (valid // (seats + 1) + 1) * unit


def _transfer_value(value: int, surplus: int, total: int, unit: int) -> int:
    """167.20: the surplus fraction S / T to 4 places, times the current value, to 4 places."""
    fraction = surplus * unit // total
    return fraction * value // unit


RULES = GregoryRules(
    method=METHOD,
    places=4,
    quota=_quota,
    transfer_value=_transfer_value,
    defects="one-skip",
    sure_losers=True,
    history_ties=False,
    zero_surplus=True,
    pending_receive=True,
    split_exhausted=True,
    tie_rule="Minneapolis 167.70(1)(d),(e)",
    end_rule="Minneapolis 167.70(1)(f)",
)


def count(contest: Contest, options: Mapping[str, object] | None = None) -> Result:
    """Count under the Minneapolis multi-seat STV ordinance.

    Options: `lot` ("auto": the contest's tie order, else a seeded draw; "tie-order": the
    contest's order, else candidate order, as Droop; "draw"), `seed`.
    """
    return count_gregory(contest, RULES, read_options(METHOD, options, "auto", None))
