"""The stage table a returning officer reads: one column per stage, one row per candidate.

This is the layout of Scottish and ERS result sheets: the candidates' votes after each stage, with
the transfer that produced it, then non-transferable and exhausted totals, and who was elected or
excluded at that stage.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from fractions import Fraction

from rich.console import Group
from rich.table import Table
from rich.text import Text

from clearcount.counting.numbers import decimal_text
from clearcount.counting.result import Result

__all__ = ["stage_rows", "stage_table", "stages_csv"]


def _fmt(value: Fraction | None, places: int | None) -> str:
    return "" if value is None else decimal_text(value, places)


def stage_rows(result: Result) -> list[list[str]]:
    """The table as rows of text: a header, one row per candidate, then the totals rows."""
    places = result.decimals
    header = ["Candidate", *(f"{s.number}: {s.action}" for s in result.stages)]
    rows = [header]
    fate: dict[str, str] = {}
    for stage in result.stages:
        for name in stage.elected:
            fate.setdefault(name, f"elected at stage {stage.number}")
        for name in stage.excluded:
            fate.setdefault(name, f"excluded at stage {stage.number}")
    for name in result.candidates:
        row = [name]
        for stage in result.stages:
            value = stage.tallies.get(name)
            change = stage.transfers.get(name)
            cell = _fmt(value, places)
            if change and stage.number > 1:
                sign = "+" if change > 0 else ""
                cell = f"{sign}{_fmt(change, places)}" + (f" = {cell}" if cell else "")
            row.append(cell)
        rows.append(row)
    rows.append(["Non-transferable", *(_fmt(s.non_transferable, places) for s in result.stages)])
    if any(s.exhausted for s in result.stages):
        rows.append(["Exhausted", *(_fmt(s.exhausted, places) for s in result.stages)])
    rows.append(["Quota / threshold", *(_fmt(s.quota, places) for s in result.stages)])
    rows.append(["Elected", *(", ".join(s.elected) for s in result.stages)])
    rows.append(["Excluded", *(", ".join(s.excluded) for s in result.stages)])
    return rows


def stage_table(result: Result, title: str = "") -> Group:
    """A rich renderable: the stage table, then the result and every tie-break with its reason."""
    rows = stage_rows(result)
    table = Table(title=title or f"{result.method} count, {result.seats} seat(s)")
    for i, heading in enumerate(rows[0]):
        table.add_column(heading, justify="left" if i == 0 else "right", overflow="fold")
    for row in rows[1:]:
        table.add_row(*row)
    lines = [
        Text(
            f"Valid vote: {decimal_text(result.valid_votes, result.decimals)}"
            + (f"   Quota: {decimal_text(result.quota, result.decimals)}" if result.quota else "")
            + (f"   Invalid ballots: {result.invalid_ballots}" if result.invalid_ballots else "")
        ),
        Text("Elected, in order: " + (", ".join(result.elected) or "nobody"), style="bold"),
    ]
    for key, value in result.outcome.items():
        if isinstance(value, Mapping) and isinstance(value.get("summary"), str):
            value = value["summary"]  # a trigger ballot's college: its one-line reading
        lines.append(Text(f"{key}: {value}"))
    for tie in result.tie_breaks:
        seed = f" (seed {tie.seed})" if tie.seed else ""
        lines.append(
            Text(
                f"Tie at stage {tie.stage} ({tie.purpose}) between {', '.join(tie.tied)}: "
                f"{', '.join(tie.chosen)} by {tie.method}{seed}: {tie.reason}"
            )
        )
    return Group(table, *lines)


def stages_csv(result: Result) -> str:
    """The same table as CSV (for spreadsheets and result sheets)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows(stage_rows(result))
    return out.getvalue()
