"""`clearcount count`: a ballot file counted by a named rule set, in its own light module.

`cli.entry` runs this command without importing the rest of the command line (storage,
services, cryptography: about a second of start-up here), so counting a large file costs its
reading and its count, not the imports of commands it never uses.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import click

from clearcount.counting.registry import METHODS, count
from clearcount.counting.result import Result

from .loading import load_contest, load_rules, read_text

__all__ = ["METHOD_NAMES", "count_command", "print_result"]

METHOD_NAMES = sorted([*METHODS, "trigger-ballot"])


def print_result(result: Result, fmt: str, title: str = "") -> None:
    """`result` as a stage table, a JSON object (exact decimal strings, as the record's Result
    event writes them: spec §11.9.1), RCTab's summary JSON (one object per pass) or the stages
    as CSV."""
    if fmt == "json":
        from clearcount.record.result_body import result_body

        click.echo(json.dumps(result_body(result), indent=2, ensure_ascii=False))
    elif fmt == "rctab-json":
        from clearcount.reports.rctab_summary import rctab_summaries

        summaries = rctab_summaries(result, title)
        body = summaries[0] if len(summaries) == 1 else summaries
        click.echo(json.dumps(body, indent=2, ensure_ascii=False))
    elif fmt == "csv":
        from clearcount.reports.stage_table import stages_csv

        click.echo(stages_csv(result), nl=False)
    else:
        from rich.console import Console

        from clearcount.reports.stage_table import stage_table

        Console(width=max(120, 30 + 24 * len(result.stages))).print(stage_table(result, title))


@click.command("count")
@click.argument("ballots", type=click.Path(path_type=Path))
@click.option(
    "--method",
    "-m",
    required=True,
    type=click.Choice(METHOD_NAMES),
    help="The rule set to count with.",
)
@click.option(
    "--seats",
    "-s",
    type=click.IntRange(min=1),
    help="Number of seats (overrides the file's own number).",
)
@click.option(
    "--rules",
    "rules_path",
    type=click.Path(path_type=Path),
    help="JSON file of options for the rule set (for rctab: an RCTab contest config).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "rctab-json", "csv"]),
    default="table",
    show_default=True,
    help="table: stage table; json: one JSON object, every number exact (decimal strings, "
    "as in the record); rctab-json: RCTab's summary JSON (an array of them for a sequential "
    "multi-seat count); csv: stages.",
)
def count_command(
    ballots: Path, method: str, seats: int | None, rules_path: Path | None, fmt: str
) -> None:
    """Count BALLOTS (.blt, .csv, .json, optionally .gz) with a named rule set."""
    rules = load_rules(rules_path)
    if method == "trigger-ballot":
        from clearcount.counting.readers.bodies_json import parse_bodies_json
        from clearcount.counting.trigger_ballot import count_bodies

        bodies, file_options = parse_bodies_json(read_text(ballots), str(ballots))
        print_result(count_bodies(bodies, {**file_options, **rules}), fmt)
        return
    contest = load_contest(ballots, rules)
    if seats is not None:
        contest = dataclasses.replace(contest, seats=seats)
    print_result(count(method, contest, rules), fmt, contest.title)
