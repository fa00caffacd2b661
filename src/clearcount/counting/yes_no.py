"""Yes/No ballots with support and turnout thresholds (counting.md §2).

Support = Yes / (Yes + No); blank and spoilt papers are left out of support but count as
returned for turnout = papers returned (valid + blank + spoilt) / entitled. Every test is an
integer cross-multiplication, never a float, and the outcome states each test with its
threshold, the Yes votes (or papers) it needed, and whether it was met: the facts a TULRCA
s.231 notice must give. The tests come from a named profile (`yes_no_profiles`).
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from clearcount.core.errors import ConfigError, CountingError
from clearcount.counting.ballots import Contest
from clearcount.counting.numbers import decimal_text, floor_units
from clearcount.counting.options import get_int, get_str
from clearcount.counting.plurality import MarkLimits, sort_papers
from clearcount.counting.result import Result, Stage
from clearcount.counting.yes_no_profiles import Profile, Threshold, resolve_profile

__all__ = ["METHOD", "count", "evaluate"]

METHOD = "yes-no"


def _needed(threshold: Threshold, base: int) -> int:
    """The least count that meets the threshold over `base` (e.g. 26 Yes of 50 votes cast)."""
    p, q = threshold.fraction.numerator, threshold.fraction.denominator
    if threshold.strict:
        return p * base // q + 1
    return -(-p * base // q)


def evaluate(threshold: Threshold, counted: int, base: int) -> dict[str, object]:
    """One test's finding: counted * q >= p * base (or >), failed outright when base is 0."""
    p, q = threshold.fraction.numerator, threshold.fraction.denominator
    if base == 0:
        met = False
    elif threshold.strict:
        met = counted * q > p * base
    else:
        met = counted * q >= p * base
    finding: dict[str, object] = {
        "test": threshold.test,
        "rule": threshold.rule,
        "threshold": threshold.fraction,
        "strict": threshold.strict,
        "denominator": threshold.denominator,
        "counted": counted,
        "of": base,
        "needed": _needed(threshold, base),
        "met": met,
        "section": threshold.section,
    }
    if base == 0:
        finding["note"] = f"no {threshold.denominator.replace('_', ' ')} to measure against"
    return finding


def _percent(value: Fraction | None) -> str | None:
    """A percentage for notices, truncated to 2 places (the exact figure is reported too)."""
    if value is None:
        return None
    return decimal_text(Fraction(floor_units(value * 100, 2), 100), 2) + "%"


def _labels(contest: Contest, options: Mapping[str, object]) -> tuple[str, str]:
    yes = get_str(METHOD, options, "yes_label", "Yes") or "Yes"
    no = get_str(METHOD, options, "no_label", "No") or "No"
    if yes == no or set(contest.candidates) != {yes, no} or len(contest.candidates) != 2:
        raise CountingError(
            f"{METHOD}: contest {contest.title!r} must have exactly the two options {yes!r} and "
            f"{no!r} (options yes_label/no_label), got {list(contest.candidates)!r}"
        )
    if contest.withdrawn:
        raise CountingError(f"{METHOD}: contest {contest.title!r} cannot have withdrawn options")
    return yes, no


def _entitled(profile: Profile, options: Mapping[str, object], returned: int) -> int | None:
    if options.get("entitled") is None:
        if profile.needs_entitled:
            raise ConfigError(
                f"{METHOD}: profile {profile.name!r} needs option 'entitled' (the number of "
                f"members entitled to vote) for its turnout or electorate test; none was given"
            )
        return None
    entitled = get_int(METHOD, options, "entitled", 0, minimum=1)
    if returned > entitled:
        raise CountingError(
            f"{METHOD}: {returned} papers were returned but option 'entitled' is {entitled}; "
            f"expected at most as many papers as members entitled to vote"
        )
    return entitled


def count(contest: Contest, options: Mapping[str, object] | None = None) -> Result:
    """Count a yes/no question and apply the profile's thresholds."""
    options = options or {}
    profile = resolve_profile(METHOD, options)
    yes_label, no_label = _labels(contest, options)
    sorting = sort_papers(contest, MarkLimits(most=1), ignore_withdrawn=False)
    yes = sorting.votes.get(contest.index(yes_label), 0)
    no = sorting.votes.get(contest.index(no_label), 0)
    votes_cast = yes + no
    returned = sorting.papers
    entitled = _entitled(profile, options, returned)
    findings = []
    for threshold in profile.thresholds:
        counted = returned if threshold.test == "turnout" else yes
        base = votes_cast if threshold.denominator == "votes_cast" else entitled
        if base is None:  # unreachable: _entitled requires it for such profiles
            raise ConfigError(f"{METHOD}: option 'entitled' is required")
        findings.append(evaluate(threshold, counted, base))
    failed = [str(f["test"]) for f in findings if not f["met"]]
    carried = not failed
    turnout = Fraction(returned, entitled) if entitled else None
    support = Fraction(yes, votes_cast) if votes_cast else None
    outcome: dict[str, object] = {
        "profile": profile.name,
        "opened": profile.opened.isoformat() if profile.opened else None,
        "entitled": entitled,
        "cast": returned,
        "yes": yes,
        "no": no,
        "blank": sorting.blank,
        "spoilt": sorting.invalid_total,
        "spoilt_reasons": dict(sorting.invalid),
        "votes_cast": votes_cast,
        "turnout": turnout,
        "turnout_percent": _percent(turnout),
        "support": support,
        "support_percent": _percent(support),
        "tests": findings,
        "not_applied": list(profile.not_applied),
        "failed": failed,
        "carried": carried,
        "mandate_months": profile.mandate_months,
        "mandate": profile.mandate_note,
        "sections": list(profile.sections),
    }
    stage = Stage(
        number=1,
        action="votes",
        tallies={yes_label: Fraction(yes), no_label: Fraction(no)},
        elected=(yes_label,) if carried else (),
        notes=(f"failed: {', '.join(failed)}",) if failed else (),
    )
    effective = {key: options[key] for key in sorted(options)}
    effective.setdefault("profile", profile.name)
    return Result(
        method=METHOD,
        seats=1,
        candidates=contest.candidates,
        elected=(yes_label,) if carried else (),
        stages=(stage,),
        valid_votes=Fraction(votes_cast),
        invalid_ballots=sorting.invalid_total,
        outcome=outcome,
        options=effective,
    )
