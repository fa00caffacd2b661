"""What the results page shows of a declared count, built from the reports layer.

Each contest's result is read back from the Result event exactly as the record has it
(`reports.result_reading`), then laid out by the reports layer: the stage table
(`reports.stage_table.stage_rows`), the transfers chart (`reports.sankey`) for counts with
more than one stage, and the yes/no tests with whether each was met. The web only renders.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from clearcount.counting.numbers import decimal_text
from clearcount.counting.result import Result
from clearcount.reports.result_reading import result_from_body
from clearcount.reports.sankey import Sankey, has_transfers, sankey
from clearcount.reports.stage_table import stage_rows
from clearcount.service.elections.public_board import PublicBoardService
from clearcount.service.elections.results import ContestDeclaration
from clearcount.service.trigger.ports import TriggerDeclarationEntry
from clearcount.verifier.trigger import TriggerReport, read_declaration, verify_trigger_document
from clearcount.web.i18n import N_, local_time

__all__ = ["ContestView", "TriggerView", "YesNoTest", "contest_view", "local_time", "trigger_view"]

ROW_LABELS = (
    N_("Candidate"),
    N_("Non-transferable"),
    N_("Exhausted"),
    N_("Quota / threshold"),
    N_("Elected"),
    N_("Excluded"),
)
"""The stage table's fixed labels (`reports.stage_table`), translated on the page."""


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


@dataclass(frozen=True, slots=True)
class TriggerView:
    """A declared trigger ballot as the page shows it: the document read by the verifier's own
    reader (so the page follows the declaration's format), the verifier's report on it against
    the published election records, and the count's stage table."""

    entry: TriggerDeclarationEntry
    read: Any
    """`verifier.trigger.read_declaration`'s reading: document, bodies, branches, votes."""
    report: TriggerReport
    rows: Sequence[Sequence[str]]
    named: int
    elections: tuple[str, ...]


def election_ids(document: object) -> tuple[str, ...]:
    """Every election the declaration names (its branches', or its own), in order, once."""
    found: list[str] = []
    if isinstance(document, Mapping):
        for key, value in document.items():
            if key == "election_id" and isinstance(value, str):
                found.append(value)
            else:
                found.extend(election_ids(value))
    elif isinstance(document, list):
        for item in document:
            found.extend(election_ids(item))
    return tuple(dict.fromkeys(found))


_TRIGGER_REPORTS: dict[tuple[str, ...], TriggerReport] = {}
_TRIGGER_LOCK = threading.Lock()


def trigger_view(entry: TriggerDeclarationEntry, public: PublicBoardService) -> TriggerView:
    """Read and verify a declaration (cached by its hash and its records' hashes)."""
    data = entry.document.encode("utf-8")
    read = read_declaration(data)
    elections = election_ids(read.document)
    records = {}
    for eid in elections:
        checked = public.verification(eid)
        records[str(checked.record.file)] = (checked.report, checked.record.file.read_bytes())
    key = (entry.hash, *(report.head or "" for report, _ in records.values()))
    with _TRIGGER_LOCK:
        report = _TRIGGER_REPORTS.get(key)
    if report is None:
        report = verify_trigger_document(data, records)
        with _TRIGGER_LOCK:
            _TRIGGER_REPORTS[key] = report
    body = read.document.get("count")
    count = result_from_body(body if isinstance(body, Mapping) else {})
    return TriggerView(entry, read, report, stage_rows(count), len(count.candidates), elections)
