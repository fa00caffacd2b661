"""Approval voting (counting.md §1): one vote per approved candidate, an optional cap."""

from __future__ import annotations

import pytest

from clearcount.core.errors import ConfigError
from clearcount.counting import approval
from clearcount.counting.ballots import Ballot, Contest

NAMES = ("Orla Benn", "Pip Castellan", "Quinn Adair", "Rhea Tolland")


def test_each_approval_counts_one_and_the_top_k_win() -> None:
    ballots = (Ballot.of(0, 1, 2, weight=2), Ballot.of(3, 1), Ballot.of(0), Ballot(()))
    result = approval.count(Contest(NAMES, ballots, seats=2))
    assert result.elected == ("Orla Benn", "Pip Castellan")  # 3 each: ballot-paper order
    assert dict(result.stages[0].tallies) == {
        "Orla Benn": 3,
        "Pip Castellan": 3,
        "Quinn Adair": 2,
        "Rhea Tolland": 1,
    }
    assert result.valid_votes == 9
    assert (result.outcome["valid_papers"], result.outcome["blank_papers"]) == (4, 1)
    assert result.outcome["most_marks"] is None


def test_more_approvals_than_the_cap_make_a_paper_invalid() -> None:
    ballots = (Ballot.of(0, 1, 2, weight=3), Ballot.of(0, 3), Ballot.of(0), Ballot.of(2))
    result = approval.count(Contest(NAMES, ballots), {"max_approvals": 2})
    assert result.outcome["invalid_reasons"] == {"overvote": 3}
    assert result.elected == ("Orla Benn",)
    assert result.stages[0].tallies["Orla Benn"] == 2
    assert result.options["max_approvals"] == 2


@pytest.mark.parametrize("cap", [0, -1, "two", 1.5, True])
def test_the_cap_must_be_a_positive_whole_number(cap: object) -> None:
    with pytest.raises(ConfigError, match="max_approvals"):
        approval.count(Contest(NAMES, (Ballot.of(0),)), {"max_approvals": cap})
