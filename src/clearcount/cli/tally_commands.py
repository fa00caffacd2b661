"""`clearcount tally ...`: add up the encrypted ballots, then declare the result.

docs/steps/09-tally-and-decrypt.md and 10-declare.md. After close the ballot officer runs
`tally run` (the encrypted totals of the FPTP, approval and yes/no contests); the trustees
shuffle and decrypt (`clearcount trustee ...`); once enough trustees have decrypted, `tally
declare` counts under each contest's rules and puts the Result on the record. Services:
`service.elections.tally`, `service.elections.results`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import click

from clearcount.service.authorisation import Principal, Role

from .common import Database, db_options, principal_option, progress
from .context import open_services

if TYPE_CHECKING:
    from rich.table import Table

    from clearcount.service.elections.results import ContestDeclaration, Declaration

__all__ = ["print_declaration", "tally_group"]


def _stage_table(contest: ContestDeclaration) -> Table:
    from rich.table import Table

    count = contest.count
    candidates = [str(c) for c in count.get("candidates", [])]  # type: ignore[attr-defined]
    stages = count.get("stages", [])
    table = Table(title=f"{contest.title} ({contest.method})", title_justify="left")
    table.add_column("candidate")
    for stage in stages:  # type: ignore[attr-defined]
        table.add_column(f"stage {stage['stage']}\n{stage['action']}", justify="right")
    for name in candidates:
        row = [name]
        for stage in stages:  # type: ignore[attr-defined]
            tallies = stage.get("tallies") or {}
            row.append(str(tallies.get(name, "")) if isinstance(tallies, Mapping) else "")
        table.add_row(*row)
    return table


def _outcome_lines(outcome: object) -> list[str]:
    """A yes/no outcome's threshold tests, verdict and mandate, as lines."""
    if not isinstance(outcome, Mapping):
        return []
    lines = []
    tests = outcome.get("tests")
    if isinstance(tests, Sequence):
        for test in tests:
            if isinstance(test, Mapping):
                met = "met" if test.get("met") else "NOT met"
                lines.append(f"{test.get('rule', test.get('test', '?'))}: {met}")
    for skipped in outcome.get("not_applied") or ():
        lines.append(f"not applied: {skipped}")
    if "carried" in outcome:
        lines.append("CARRIED" if outcome["carried"] else "NOT CARRIED")
        if outcome["carried"] and outcome.get("mandate"):
            lines.append(f"mandate: {outcome['mandate']}")
    return lines


def print_declaration(declaration: Declaration, *, fmt: str = "table") -> None:
    """The declared result: each contest's totals or stages, who is elected, the turnout."""
    if fmt == "json":
        document = {
            "election_id": declaration.election_id,
            "title": declaration.title,
            "result_event": declaration.result_hash,
            "contests": [
                {
                    "id": c.id,
                    "title": c.title,
                    "method": c.method,
                    "seats": c.seats,
                    "totals": c.totals,
                    "papers": c.papers,
                    "elected": list(c.elected),
                    "count": c.count,
                }
                for c in declaration.contests
            ],
            "turnout": declaration.turnout.to_json(),
        }
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
        return
    from rich.console import Console

    console = Console(width=140)
    click.echo(f"== {declaration.title} ({declaration.election_id})")
    for c in declaration.contests:
        if c.totals is not None:
            totals = ", ".join(f"{name} {votes}" for name, votes in c.totals.items())
            click.echo(f"{c.title} ({c.method}): {totals}")
        else:
            console.print(_stage_table(c))
        lines = _outcome_lines(c.outcome)
        for line in lines:
            click.echo(f"  {line}")
        if c.method != "yes-no":
            click.echo(f"  elected: {', '.join(c.elected) or '(none)'}")
    t = declaration.turnout
    channels = ", ".join(f"{ch.channel} {ch.voters}" for ch in t.channels)
    click.echo(
        f"turnout: {t.voted} of {t.eligible} eligible members ({channels}); "
        f"result event {declaration.result_hash[:16]}…"
    )


@click.group("tally")
def tally_group() -> None:
    """Count the ballots after close: encrypted totals, then the declared result."""


@tally_group.command("run")
@click.argument("election")
@principal_option(Role.OFFICER)
@db_options
def tally_run(election: str, principal: Principal, db: Database) -> None:
    """Add up ELECTION's encrypted ballots (after close), without decrypting any of them."""
    with open_services(db) as s, progress("adding up the encrypted ballots", None):
        event = s.tally.tally(principal, election)
    if event is None:
        click.echo(f"{election!r} has only preferential contests: the trustees shuffle next")
    else:
        click.echo(
            f"encrypted tally of {election!r} on the record as event {event.seq}; "
            "the trustees decrypt next"
        )


@tally_group.command("declare")
@click.argument("election")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@principal_option(Role.OFFICER)
@db_options
def tally_declare(election: str, fmt: str, principal: Principal, db: Database) -> None:
    """Count ELECTION under each contest's rules and declare the result (on the record)."""
    with open_services(db) as s, progress("counting", None):
        declaration = s.results.declare(principal, election)
    print_declaration(declaration, fmt=fmt)


@tally_group.command("result")
@click.argument("election")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@db_options
def tally_result(election: str, fmt: str, db: Database) -> None:
    """Show ELECTION's declared result again."""
    with open_services(db) as s:
        declaration = s.results.declaration(election)
    print_declaration(declaration, fmt=fmt)
