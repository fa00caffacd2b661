"""What the results page shows of a declared count, built from the reports layer.

Each contest's result is read back from the Result event exactly as the record has it
(`reports.ballot_facts.result_from_body`), then laid out by the reports layer: the stage table
(`reports.stage_table.stage_rows`), the transfers chart (`reports.sankey`, the same geometry the
printed declaration draws) for counts with more than one stage, and the yes/no tests with
whether each was met. The web only renders.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from clearcount.counting.numbers import decimal_text
from clearcount.counting.result import Result
from clearcount.reports.ballot_facts import result_from_body
from clearcount.reports.sankey import OUT, Band, SankeyLayout, band_path, sankey_layout
from clearcount.reports.stage_table import stage_rows
from clearcount.service.elections.results import ContestDeclaration

__all__ = ["Chart", "ContestView", "YesNoTest", "contest_view", "local_time"]

LONDON = ZoneInfo("Europe/London")


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "translate later"
    """Marks a string for the catalogue; it is translated where it is shown."""
    return message


ROW_LABELS = (
    N_("Candidate"),
    N_("Non-transferable"),
    N_("Exhausted"),
    N_("Quota / threshold"),
    N_("Elected"),
    N_("Excluded"),
)
"""The stage table's fixed labels (`reports.stage_table`), translated on the page."""


def local_time(text: str, lang: str) -> str:
    """An ISO instant as a date and time in Europe/London, with the zone's name in words
    ("British Summer Time", "Amser Haf Prydain")."""
    at = datetime.fromisoformat(text)
    locale = "en_GB" if lang == "en" else lang
    return format_datetime(at, "d MMMM y, HH:mm zzzz", tzinfo=LONDON, locale=locale)


@dataclass(frozen=True, slots=True)
class YesNoTest:
    """One statutory or rule-book test of a yes/no ballot and whether it was met."""

    rule: str
    section: str
    counted: int
    of: int
    needed: int
    met: bool


@dataclass(frozen=True, slots=True)
class Chart:
    """The transfers chart's geometry with each band's outline, and its figures as the count's
    sheet writes them (the page draws the SVG and the table after it)."""

    layout: SankeyLayout
    paths: tuple[tuple[Band, str], ...]
    decimals: int | None
    out: str = OUT
    """The bar of votes no longer in play (non-transferable and exhausted)."""

    @property
    def transfers(self) -> tuple[Band, ...]:
        return tuple(band for band, _ in self.paths if band.source != band.target)

    def votes(self, value: Fraction) -> str:
        return decimal_text(value, self.decimals)


def chart(result: Result) -> Chart | None:
    """The chart of a count with more than one stage, else None."""
    if len(result.stages) < 2:
        return None
    layout = sankey_layout(result)
    paths = tuple((band, band_path(band)) for band in layout.bands)
    return Chart(layout, paths, result.decimals)


@dataclass(frozen=True, slots=True)
class ContestView:
    declaration: ContestDeclaration
    result: Result
    rows: Sequence[Sequence[str]]
    chart: Chart | None
    tests: Sequence[YesNoTest]
    carried: bool | None
    outcome: Mapping[str, object]

    @property
    def valid_votes(self) -> str:
        return decimal_text(self.result.valid_votes, self.result.decimals)


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _tests(outcome: Mapping[str, object]) -> list[YesNoTest]:
    found = outcome.get("tests")
    if not isinstance(found, list):
        return []
    return [
        YesNoTest(
            str(t.get("rule", "")),
            str(t.get("section", "")),
            _int(t.get("counted")),
            _int(t.get("of")),
            _int(t.get("needed")),
            t.get("met") is True,
        )
        for t in found
        if isinstance(t, Mapping)
    ]


def contest_view(declaration: ContestDeclaration) -> ContestView:
    """The page's view of one declared contest."""
    result = result_from_body(declaration.count)
    outcome = result.outcome
    carried = outcome.get("carried")
    return ContestView(
        declaration,
        result,
        stage_rows(result),
        chart(result),
        _tests(outcome),
        carried if isinstance(carried, bool) else None,
        outcome,
    )
