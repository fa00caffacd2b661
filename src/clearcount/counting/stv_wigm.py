"""PR Foundation WIGM reference rule (weighted inclusive Gregory), as in Droop's `wigm-prf`.

Quota: valid / (seats + 1) truncated to 4 places, plus 0.0001 (A.1); every product and quotient
truncated to 4 places (D.4); elected with at least a quota (B.1); an optional batch defeat of sure
losers (B.2, option `defeat_sure_losers`, Droop's `wigm-prf-batch`); the largest surplus, even
zero, transferred with new weight trunc(trunc(w x S) / T) (B.3); else the lowest defeated (B.4);
ties by a predetermined random order (D.1). See docs/counting/stv-wigm.md.
"""

from __future__ import annotations

from collections.abc import Mapping

from clearcount.counting.ballots import Contest
from clearcount.counting.gregory import GregoryRules, count_gregory, read_options
from clearcount.counting.result import Result

__all__ = ["METHOD", "RULES", "count"]

METHOD = "stv-wigm"


def _quota(valid: int, seats: int, unit: int) -> int:
    """A.1 with D.4: valid / (seats + 1) truncated to 4 places, plus 0.0001."""
    return valid * unit // (seats + 1) + 1


def _transfer_value(value: int, surplus: int, total: int, unit: int) -> int:
    """B.3 with D.4: the weight times the surplus, then divided by the total, each truncated."""
    return value * surplus // unit * unit // total


RULES = GregoryRules(
    method=METHOD,
    places=4,
    quota=_quota,
    transfer_value=_transfer_value,
    defects="close-up",
    sure_losers=False,
    history_ties=False,
    zero_surplus=True,
    pending_receive=False,
    split_exhausted=True,
    tie_rule="PRF WIGM D.1",
    end_rule="PRF WIGM D.3",
)


def count(contest: Contest, options: Mapping[str, object] | None = None) -> Result:
    """Count under the PRF WIGM reference rule.

    Options: `defeat_sure_losers` (B.2, default false), `lot` ("auto": the contest's tie order,
    else a seeded draw; "tie-order": the contest's order, else candidate order; "draw"), `seed`.
    """
    return count_gregory(contest, RULES, read_options(METHOD, options, "auto", False))
