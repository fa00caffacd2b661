"""Yes/No ballots with thresholds (counting.md §2) and the UK industrial-action profile
(domain.md §2.1): each test by integer cross-multiplication, each finding reported."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clearcount.core.errors import ConfigError, CountingError
from clearcount.counting import yes_no
from clearcount.counting.ballots import OVERVOTE, Ballot, Contest
from clearcount.counting.yes_no import evaluate
from clearcount.counting.yes_no_profiles import Threshold, resolve_profile

IA = {"profile": "uk-industrial-action", "entitled": 100}


def papers(yes: int, no: int, blank: int = 0, spoilt: int = 0) -> Contest:
    ballots = [Ballot.of(0, weight=yes), Ballot.of(1, weight=no)]
    ballots += [Ballot((), weight=blank), Ballot.of(0, 1, weight=spoilt)]
    return Contest(("Yes", "No"), tuple(b for b in ballots if b.weight))


def findings_by_test(result_outcome: object) -> dict[str, dict[str, object]]:
    assert isinstance(result_outcome, dict)
    return {str(t["test"]): t for t in result_outcome["tests"]}


def test_the_worked_example_50_must_vote_and_26_must_vote_yes() -> None:
    result = yes_no.count(papers(26, 24), {**IA, "opened": "2025-06-02"})
    assert result.elected == ("Yes",)
    tests = findings_by_test(result.outcome)
    assert tests["turnout"]["needed"] == 50
    assert tests["turnout"]["met"] is True
    assert tests["support"]["needed"] == 26
    assert tests["support"]["met"] is True
    assert result.outcome["turnout"] == Fraction(1, 2)
    assert result.outcome["mandate_months"] == 6


def test_in_important_public_services_40_must_vote_yes() -> None:
    options = {**IA, "opened": "2025-06-02", "important_public_services": True}
    short = yes_no.count(papers(39, 11), options)
    assert short.elected == ()
    assert short.outcome["failed"] == ["entitled_support"]
    assert findings_by_test(short.outcome)["entitled_support"]["needed"] == 40
    assert yes_no.count(papers(40, 10), options).elected == ("Yes",)


def test_one_vote_short_of_the_turnout_fails_only_turnout() -> None:
    result = yes_no.count(papers(40, 9), {**IA, "opened": "2025-06-02"})
    assert result.outcome["failed"] == ["turnout"]
    assert result.outcome["carried"] is False
    assert result.stages[0].notes == ("failed: turnout",)


def test_blank_and_spoilt_papers_count_for_turnout_but_not_support() -> None:
    result = yes_no.count(papers(23, 22, blank=3, spoilt=2), {**IA, "opened": "2025-06-02"})
    outcome = result.outcome
    assert (outcome["cast"], outcome["votes_cast"], outcome["blank"], outcome["spoilt"]) == (
        50,
        45,
        3,
        2,
    )
    assert outcome["support"] == Fraction(23, 45)
    assert result.elected == ("Yes",)
    assert result.invalid_ballots == 2
    assert result.valid_votes == 45


def test_an_equal_yes_and_no_is_not_a_majority() -> None:
    result = yes_no.count(papers(25, 25), {"profile": "simple-majority"})
    assert result.outcome["failed"] == ["support"]


def test_from_18_february_2026_the_40_percent_rule_is_gone_and_mandates_last_12_months() -> None:
    options = {**IA, "important_public_services": True}
    before = yes_no.count(papers(39, 11), {**options, "opened": "2026-02-17"})
    on_the_day = yes_no.count(papers(39, 11), {**options, "opened": "2026-02-18"})
    assert before.elected == ()
    assert before.outcome["mandate_months"] == 6
    assert on_the_day.elected == ("Yes",)
    assert on_the_day.outcome["mandate_months"] == 12
    assert "repealed" in str(on_the_day.outcome["not_applied"])


def test_the_turnout_rule_goes_only_once_e_balloting_commences() -> None:
    options = {**IA, "e_balloting_commenced": "2026-08-03"}
    before = yes_no.count(papers(20, 10), {**options, "opened": "2026-08-02"})
    after = yes_no.count(papers(20, 10), {**options, "opened": "2026-08-03"})
    assert before.outcome["failed"] == ["turnout"]
    assert after.elected == ("Yes",)
    assert list(findings_by_test(after.outcome)) == ["support"]
    never = yes_no.count(papers(20, 10), {**IA, "opened": "2030-01-01"})
    assert never.outcome["failed"] == ["turnout"]  # default: not yet commenced


def test_custom_thresholds_with_strictness_and_denominators() -> None:
    options = {
        "profile": "custom",
        "entitled": 90,
        "support": "2/3",
        "support_strict": False,
        "turnout": "1/3",
        "turnout_strict": True,
    }
    result = yes_no.count(papers(20, 10), options)  # 20 of 30 is exactly 2/3; 30 of 90 is 1/3
    assert result.outcome["failed"] == ["turnout"]
    entitled_support = yes_no.count(
        papers(30, 1), {"profile": "custom", "entitled": 90, "support_denominator": "entitled"}
    )
    assert entitled_support.outcome["failed"] == ["support"]  # 30 of 90 is not more than 1/2


def test_labels_are_configurable_and_must_match_the_two_options() -> None:
    contest = Contest(("Strike", "No strike"), (Ballot.of(0, weight=3),))
    result = yes_no.count(contest, {"yes_label": "Strike", "no_label": "No strike"})
    assert result.elected == ("Strike",)
    with pytest.raises(CountingError, match="exactly the two options"):
        yes_no.count(contest)


@pytest.mark.parametrize(
    ("options", "error", "match"),
    [
        ({"profile": "uk-industrial-action", "opened": "2025-01-01"}, ConfigError, "entitled"),
        ({**IA}, ConfigError, "opened"),
        ({**IA, "opened": "1 May 2025"}, ConfigError, "ISO date"),
        ({**IA, "opened": "2016-06-01"}, ConfigError, "2017-03-01"),
        ({**IA, "opened": "2026-03-01", "turnout": "1/2"}, ConfigError, "unknown option"),
        (
            {**IA, "opened": "2026-03-01", "e_balloting_commenced": "2025-01-01"},
            ConfigError,
            "Royal",
        ),
        ({"profile": "custom", "support": "3/2"}, ConfigError, "between 0 and 1"),
        ({"profile": "custom", "support": 0.5}, ConfigError, "decimal string"),
        ({"profile": "custom", "support": None}, ConfigError, "no test"),
        ({"profile": "strike"}, ConfigError, "profile"),
        ({**IA, "opened": "2025-01-01", "entitled": 10}, CountingError, "at most"),
    ],
)
def test_bad_options_name_the_key(
    options: dict[str, object], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        yes_no.count(papers(11, 2), options)


def test_spoilt_papers_include_overvotes_and_unknown_marks() -> None:
    contest = Contest(("Yes", "No"), (Ballot(((OVERVOTE,),)), Ballot.of(5), Ballot.of(0)))
    result = yes_no.count(contest)
    assert result.outcome["spoilt"] == 2
    assert result.outcome["spoilt_reasons"] == {"unknown candidate": 1, "overvote": 1}


def test_a_test_over_nothing_fails() -> None:
    finding = evaluate(resolve_profile("yes-no", {}).thresholds[0], 0, 0)
    assert finding["met"] is False
    assert "note" in finding


thresholds = st.builds(
    Threshold,
    test=st.just("support"),
    fraction=st.fractions(min_value=0, max_value=1, max_denominator=20),
    strict=st.booleans(),
    denominator=st.just("votes_cast"),
    rule=st.just("r"),
)


@given(thresholds, st.integers(1, 10_000), st.data())
def test_cross_multiplication_agrees_with_exact_fractions_and_needed_is_the_least(
    threshold: Threshold, base: int, data: st.DataObject
) -> None:
    counted = data.draw(st.integers(0, base))
    finding = evaluate(threshold, counted, base)
    share = Fraction(counted, base)
    exact = share > threshold.fraction if threshold.strict else share >= threshold.fraction
    assert finding["met"] is exact
    needed = finding["needed"]
    assert isinstance(needed, int)
    assert evaluate(threshold, needed, base)["met"] is True
    assert needed == 0 or evaluate(threshold, needed - 1, base)["met"] is False
