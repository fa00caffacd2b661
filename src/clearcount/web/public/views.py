"""What the results page shows of a declared count, built from the reports layer.

Each contest's result is read back from the Result event exactly as the record has it
(`reports.result_reading`), then laid out by the reports layer: the stage table
(`reports.stage_table.stage_rows`), the transfers chart (`reports.sankey`) for counts with
more than one stage, and the yes/no tests with whether each was met. The web only renders.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from clearcount.counting.numbers import decimal_text
from clearcount.counting.result import Result
from clearcount.reports.result_reading import result_from_body
from clearcount.reports.sankey import Sankey, has_transfers, sankey
from clearcount.reports.stage_table import stage_rows
from clearcount.service.elections.results import ContestDeclaration

__all__ = ["ContestView", "YesNoTest", "contest_view", "local_time"]

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
class ContestView:
    declaration: ContestDeclaration
    result: Result
    rows: Sequence[Sequence[str]]
    chart: Sankey | None
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
    result = result_from_body(declaration.count, f"contest {declaration.id}")
    outcome = result.outcome
    carried = outcome.get("carried")
    return ContestView(
        declaration,
        result,
        stage_rows(result),
        sankey(result) if has_transfers(result) else None,
        _tests(outcome),
        carried if isinstance(carried, bool) else None,
        outcome,
    )
