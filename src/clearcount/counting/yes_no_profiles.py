"""Threshold profiles for yes/no ballots, UK industrial action law among them (counting.md §2).

A profile is a list of threshold tests plus the statute it relies on. The industrial-action
profile picks its tests by the ballot's opening date, because the law changed on fixed dates:

* TULRCA 1992 s.226(2)(a)(iii): a majority of those voting answered Yes (always).
* s.226(2)(a)(iia), inserted by the Trade Union Act 2016 s.2: at least 50% of those entitled
  voted; repealed by the Employment Rights Act 2025 only when e-balloting commences, a date
  not yet fixed, so it is the option `e_balloting_commenced`, never a constant.
* s.226(2A)-(2F), inserted by TUA 2016 s.3: in important public services at least 40% of those
  entitled voted Yes; repealed for ballots opening on or after 18 Feb 2026 (ERA 2025).
* s.234: the mandate lasts 6 months (9 by agreement) for ballots opened before 18 Feb 2026 and
  12 months from then.
* s.226A: the notice of ballot reaches the employer at least 7 days before the opening day and
  a sample voting paper at least 3 days before; from 18 Feb 2026 the notice need only give the
  categories, the workplaces and the total number. s.234A: notice of action 14 days (7 by
  agreement) before 18 Feb 2026, 10 days from then (`Notices`, read by the statutory documents).

See docs/counting/yes-no.md for the sources and the points marked [verify].
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Literal

from clearcount.core.errors import ConfigError
from clearcount.counting.options import check_keys, get_bool, get_choice, get_fraction, get_str

__all__ = [
    "ERA_2025_REFORM",
    "PROFILES",
    "TUA_2016_COMMENCEMENT",
    "Notices",
    "Profile",
    "Threshold",
    "resolve_profile",
]

TUA_2016_COMMENCEMENT = date(2017, 3, 1)
"""TUA 2016 ss.2-3 apply to ballots opening on or after this date (SI 2017/139) [verify]."""
ERA_2025_REFORM = date(2026, 2, 18)
"""ERA 2025 first union measures: ballots opening on or after this date (domain.md §2)."""
ERA_2025_ASSENT = date(2025, 12, 18)
"""Royal Assent of the ERA 2025: e-balloting cannot have commenced before it."""

Test = Literal["support", "turnout", "entitled_support"]
Denominator = Literal["votes_cast", "entitled"]


@dataclass(frozen=True, slots=True)
class Threshold:
    """One test: `counted` (Yes votes, or papers returned for turnout) against a fraction of a base.

    Met when counted / base >= fraction (or > when `strict`), compared by cross-multiplication.
    """

    test: Test
    fraction: Fraction
    strict: bool
    denominator: Denominator
    rule: str
    section: str | None = None


@dataclass(frozen=True, slots=True)
class Notices:
    """The notice periods and contents in force for a ballot opened on `Profile.opened`."""

    ballot_notice_days: int
    """s.226A: the notice of ballot reaches the employer this many days before the opening day."""
    sample_paper_days: int
    """s.226A: the sample voting paper reaches the employer this many days before."""
    ballot_notice_contents: str
    action_notice_days: int
    """s.234A: notice of industrial action, days before it starts."""
    action_notice_note: str
    scrutineer_report_days: int = 28
    """s.231B: the scrutineer's report is due within 4 weeks of the ballot."""


@dataclass(frozen=True, slots=True)
class Profile:
    """The tests that apply to one ballot, with what was left out and why."""

    name: str
    thresholds: tuple[Threshold, ...]
    not_applied: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    mandate_months: int | None = None
    mandate_note: str | None = None
    opened: date | None = None
    notices: Notices | None = None

    @property
    def needs_entitled(self) -> bool:
        """True when a test measures against the electorate, so `entitled` is required."""
        return any(t.test == "turnout" or t.denominator == "entitled" for t in self.thresholds)


PROFILES = ("simple-majority", "custom", "uk-industrial-action")
COMMON_KEYS = ("profile", "entitled", "yes_label", "no_label")
_PROFILE_KEYS: Mapping[str, tuple[str, ...]] = {
    "simple-majority": (),
    "custom": (
        "support",
        "support_strict",
        "support_denominator",
        "turnout",
        "turnout_strict",
        "entitled_support",
        "entitled_support_strict",
    ),
    "uk-industrial-action": ("opened", "important_public_services", "e_balloting_commenced"),
}

_MAJORITY = Threshold(
    test="support",
    fraction=Fraction(1, 2),
    strict=True,
    denominator="votes_cast",
    rule="more than half of the votes cast (Yes + No) are Yes",
)


def _date(method: str, options: Mapping[str, object], key: str) -> date | None:
    text = get_str(method, options, key, None)
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ConfigError(
            f"{method}: option {key!r} must be an ISO date (YYYY-MM-DD), got {text!r}"
        ) from None


def _fraction_or_none(method: str, options: Mapping[str, object], key: str) -> Fraction | None:
    if options.get(key) is None:
        return None
    value = get_fraction(method, options, key, Fraction(0))
    if not 0 <= value <= 1:
        raise ConfigError(f"{method}: option {key!r} must be between 0 and 1, got {value}")
    return value


def _custom(method: str, options: Mapping[str, object]) -> Profile:
    """Thresholds exactly as the options give them; `support` defaults to a simple majority."""
    tests: list[Threshold] = []
    support = (
        Fraction(1, 2)
        if "support" not in options
        else _fraction_or_none(method, options, "support")
    )
    if support is not None:
        denominator: Denominator = get_choice(
            method, options, "support_denominator", "votes_cast", ("votes_cast", "entitled")
        )
        strict = get_bool(method, options, "support_strict", True)
        base = "votes cast (Yes + No)" if denominator == "votes_cast" else "those entitled"
        word = "more than" if strict else "at least"
        tests.append(
            Threshold("support", support, strict, denominator, f"Yes is {word} {support} of {base}")
        )
    turnout = _fraction_or_none(method, options, "turnout")
    if turnout is not None:
        strict = get_bool(method, options, "turnout_strict", False)
        word = "more than" if strict else "at least"
        rule = f"papers returned are {word} {turnout} of those entitled"
        tests.append(Threshold("turnout", turnout, strict, "entitled", rule))
    entitled_support = _fraction_or_none(method, options, "entitled_support")
    if entitled_support is not None:
        strict = get_bool(method, options, "entitled_support_strict", False)
        word = "more than" if strict else "at least"
        rule = f"Yes is {word} {entitled_support} of those entitled"
        tests.append(Threshold("entitled_support", entitled_support, strict, "entitled", rule))
    if not tests:
        raise ConfigError(
            f"{method}: profile 'custom' has no test (support, turnout and entitled_support are "
            f"all null); expected at least one"
        )
    return Profile(name="custom", thresholds=tuple(tests))


def _industrial_action(method: str, options: Mapping[str, object]) -> Profile:
    """TULRCA 1992 s.226(2) as amended, chosen by the ballot's opening date (module docstring)."""
    opened = _date(method, options, "opened")
    if opened is None:
        raise ConfigError(
            f"{method}: profile 'uk-industrial-action' needs option 'opened' (the ballot's "
            f"opening date, YYYY-MM-DD): the thresholds depend on it"
        )
    if opened < TUA_2016_COMMENCEMENT:
        raise ConfigError(
            f"{method}: profile 'uk-industrial-action' covers ballots opened on or after "
            f"{TUA_2016_COMMENCEMENT} (Trade Union Act 2016 in force), got opened {opened}; "
            f"use profile 'custom' for earlier ballots"
        )
    commenced = _date(method, options, "e_balloting_commenced")
    if commenced is not None and commenced < ERA_2025_ASSENT:
        raise ConfigError(
            f"{method}: option 'e_balloting_commenced' cannot be before the Employment Rights "
            f"Act 2025 received Royal Assent ({ERA_2025_ASSENT}), got {commenced}"
        )
    public_services = get_bool(method, options, "important_public_services", False)
    reformed = opened >= ERA_2025_REFORM
    majority = Threshold(
        test="support",
        fraction=Fraction(1, 2),
        strict=True,
        denominator="votes_cast",
        rule="the majority voting answered Yes (Yes > No)",
        section="TULRCA 1992 s.226(2)(a)(iii)",
    )
    tests = [majority]
    skipped: list[str] = []
    sections = ["TULRCA 1992 s.226(2)(a)(iii)"]
    turnout_section = "TULRCA 1992 s.226(2)(a)(iia) (inserted by TUA 2016 s.2)"
    if commenced is not None and opened >= commenced:
        skipped.append(
            f"turnout: the 50% turnout rule ({turnout_section}) is repealed by the Employment "
            f"Rights Act 2025 for ballots opening once e-balloting commenced ({commenced})"
        )
        sections.append("Employment Rights Act 2025 (repeal of the turnout threshold)")
    else:
        rule = "at least 50% of those entitled to vote did so"
        tests.append(Threshold("turnout", Fraction(1, 2), False, "entitled", rule, turnout_section))
        sections.append(turnout_section)
    ips_section = "TULRCA 1992 s.226(2A)-(2F) (inserted by TUA 2016 s.3; SI 2017/132-136)"
    if public_services and not reformed:
        rule = "at least 40% of those entitled to vote answered Yes (important public services)"
        tests.append(
            Threshold("entitled_support", Fraction(2, 5), False, "entitled", rule, ips_section)
        )
        sections.append(ips_section)
    elif public_services:
        skipped.append(
            f"entitled_support: the 40% important-public-services rule ({ips_section}) is "
            f"repealed for ballots opening on or after {ERA_2025_REFORM} (ERA 2025)"
        )
        sections.append("Employment Rights Act 2025 (repeal of the 40% support threshold)")
    if reformed:
        months, note = (
            12,
            "12 months from the date of the ballot, no extension (s.234 as amended by ERA 2025)",
        )
    else:
        months, note = (
            6,
            "6 months from the date of the ballot, or 9 by agreement (s.234, TUA 2016 s.9)",
        )
    sections.append("TULRCA 1992 s.234 (period of effectiveness)")
    sections.append("TULRCA 1992 s.231 (information to members)")
    return Profile(
        notices=_notices(reformed),
        name="uk-industrial-action",
        thresholds=tuple(tests),
        not_applied=tuple(skipped),
        sections=tuple(sections),
        mandate_months=months,
        mandate_note=note,
        opened=opened,
    )


def _notices(reformed: bool) -> Notices:
    """s.226A and s.234A as in force for the ballot (before or from ERA_2025_REFORM)."""
    if reformed:
        return Notices(
            7,
            3,
            "the categories of employee, the workplaces and the total number of employees "
            "concerned (s.226A as amended by ERA 2025)",
            10,
            "10 days (s.234A as amended by ERA 2025)",
        )
    return Notices(
        7,
        3,
        "lists of the categories of employee and of the workplaces, with the number of "
        "employees in each category and at each workplace, and the total number "
        "(s.226A before ERA 2025)",
        14,
        "14 days, or 7 by agreement with the employer (s.234A as amended by the Trade Union "
        "Act 2016)",
    )


def resolve_profile(method: str, options: Mapping[str, object]) -> Profile:
    """The profile named by option `profile` (default "simple-majority"), its keys checked."""
    name = get_choice(method, options, "profile", "simple-majority", PROFILES)
    check_keys(method, options, (*COMMON_KEYS, *_PROFILE_KEYS[name]))
    if name == "simple-majority":
        return Profile(name=name, thresholds=(_MAJORITY,))
    if name == "custom":
        return _custom(method, options)
    return _industrial_action(method, options)
