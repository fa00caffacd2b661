"""The 2021 Labour trigger ballot rule: a two-section weighted electoral college.

Conference 2021 replaced the 2018 "one third of either class" rule with an electoral college in
which the party branches together hold 50% and the affiliates together hold the other 50%
(LabourList, July 2022, on Ilford South: "more than 50% of the combined party branches and
affiliates under the electoral college"; "Party branches ... collectively make up 50%"). Each
section's share is its weight times the bodies asking for a selection over the bodies in that
section that voted; the shares are summed, and a selection proceeds when the total is more than
50% (option `more_than_half`, default true: exactly 50% does not trigger). Ilford South, July
2022: 50 x 10/10 + 50 x 3/20 = 57.5%, triggered. Everything is exact (`Fraction`, percent).

A section in which no body voted has no share to compute: option `empty_section` says what then
happens ("other-section-decides", default: the section that voted carries the whole college;
"zero": the silent section's 50% asks for nothing, so the other section alone cannot pass 50%).
docs/counting/trigger-ballot.md gives the sources and why these defaults.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

__all__ = [
    "EMPTY_SECTION",
    "SECTION_LABELS",
    "College",
    "SectionShare",
    "college",
    "college_summary",
    "percent_text",
]

EMPTY_SECTION = ("other-section-decides", "zero")
SECTION_LABELS = {"branch": "branches", "affiliate": "affiliates"}
HUNDRED = Fraction(100)
THRESHOLD = Fraction(50)


@dataclass(frozen=True, slots=True)
class SectionShare:
    """One section of the college: its weight (percent) and what its voting bodies asked."""

    kind: str
    asked: int
    """Bodies asking for a selection ("no")."""
    supported: int
    """Bodies backing the MP ("yes")."""
    weight: Fraction
    """The section's percent of the college: 50, or 100 / 0 when the other section is silent."""

    @property
    def voted(self) -> int:
        return self.asked + self.supported

    @property
    def share(self) -> Fraction:
        """Percent of the college asking for a selection: weight x asked / voted."""
        return self.weight * self.asked / self.voted if self.voted else Fraction(0)

    @property
    def mp_share(self) -> Fraction:
        """Percent of the college backing the MP: weight x supported / voted."""
        return self.weight * self.supported / self.voted if self.voted else Fraction(0)

    def to_json(self) -> dict[str, object]:
        return {
            "asked": self.asked,
            "supported": self.supported,
            "voted": self.voted,
            "weight": self.weight,
            "share": self.share,
        }


@dataclass(frozen=True, slots=True)
class College:
    """The sections' shares, the total asking for a selection, and whether it triggers."""

    sections: tuple[SectionShare, ...]
    more_than_half: bool
    empty_section: str

    @property
    def total(self) -> Fraction:
        return sum((s.share for s in self.sections), Fraction(0))

    @property
    def mp_total(self) -> Fraction:
        return sum((s.mp_share for s in self.sections), Fraction(0))

    @property
    def triggered(self) -> bool:
        if self.more_than_half:
            return self.total > THRESHOLD
        return self.total >= THRESHOLD and any(s.voted for s in self.sections)

    def to_json(self) -> dict[str, object]:
        return {
            "sections": {s.kind: s.to_json() for s in self.sections},
            "total": self.total,
            "mp_total": self.mp_total,
            "threshold": THRESHOLD,
            "more_than_half": self.more_than_half,
            "empty_section": self.empty_section,
            "summary": college_summary(self),
        }


def college(
    counts: Mapping[str, Mapping[str, int]], *, more_than_half: bool, empty_section: str
) -> College:
    """The college from each section's yes/no body counts (`counts[kind]["yes"/"no"]`)."""
    kinds = tuple(SECTION_LABELS)
    silent = [k for k in kinds if counts[k]["yes"] + counts[k]["no"] == 0]
    sections = []
    for kind in kinds:
        weight = HUNDRED / len(kinds)
        if empty_section == "other-section-decides" and len(silent) == 1:
            weight = Fraction(0) if kind in silent else HUNDRED
        sections.append(SectionShare(kind, counts[kind]["no"], counts[kind]["yes"], weight))
    return College(tuple(sections), more_than_half, empty_section)


def percent_text(value: Fraction) -> str:
    """A percent for people: one decimal place, two if needed, else two rounded and "…"."""
    for places in (1, 2):
        scaled = value * 10**places
        if scaled.denominator == 1:
            whole, frac = divmod(scaled.numerator, 10**places)
            return f"{whole}.{frac:0{places}d}"
    whole, frac = divmod(int(value * 100 + Fraction(1, 2)), 100)
    return f"{whole}.{frac:02d}…"


def college_summary(result: College) -> str:
    """ "branches 50.0 + affiliates 7.5 = 57.5%: a selection proceeds"."""
    parts = [
        f"{SECTION_LABELS[s.kind]} " + (percent_text(s.share) if s.voted else "(no body voted)")
        for s in result.sections
    ]
    total = percent_text(result.total)
    if result.triggered:
        return f"{' + '.join(parts)} = {total}%: a selection proceeds"
    test = "not more than 50%" if result.more_than_half else "less than 50%"
    if not any(s.voted for s in result.sections):
        test = "no body voted"
    return f"{' + '.join(parts)} = {total}%, {test}: the MP is reselected"
