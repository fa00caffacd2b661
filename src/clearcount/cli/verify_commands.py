"""`clearcount verify`, `verify-diff`, `verify-trigger` and `roll-proof`: the verifier's commands
(spec §12).

`verify` exits 0 only when every check holds; 1 when a check fails (or an essential check could
not run); 2 for a usage error. The table or JSON goes to stdout, the progress bar to stderr.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from clearcount.core.errors import RecordError
from clearcount.core.json_text import load_json

if TYPE_CHECKING:
    from rich.table import Table

    from clearcount.verifier import Report

__all__ = [
    "roll_proof_command",
    "verify_command",
    "verify_diff_command",
    "verify_trigger_command",
]


def _table(report: Report) -> Table:
    from rich.table import Table

    from clearcount.verifier import Status

    style = {Status.PASSED: "green", Status.FAILED: "bold red", Status.SKIPPED: "yellow"}
    table = Table(title=f"Election record: {report.events} events", show_lines=False)
    for column in ("check", "spec", "status", "details"):
        table.add_column(column, overflow="fold")
    for outcome in report.outcomes:
        lines = [outcome.detail] if outcome.detail else []
        lines += [f"{f.where()}: {f.message}" for f in outcome.findings[:20]]
        if len(outcome.findings) > 20:
            lines.append(f"… {len(outcome.findings) - 20} more (use --format json)")
        status = f"[{style[outcome.status]}]{outcome.status.value}[/]"
        table.add_row(outcome.spec.id, outcome.spec.section, status, "\n".join(lines))
    return table


@click.command("verify")
@click.argument("record", type=click.Path(path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Processes for the per-ballot proofs (default: one per core).",
)
@click.option(
    "--incomplete",
    is_flag=True,
    help="Accept a record of an election still in progress (no Result yet).",
)
@click.option(
    "--scheduler",
    default=None,
    metavar="tcp://HOST:PORT",
    help="Run the per-ballot, shuffle and decryption checks on this Dask cluster (needs "
    "clearcount[cluster]; the result is only as honest as its workers).",
)
def verify_command(
    record: Path, fmt: str, workers: int | None, incomplete: bool, scheduler: str | None
) -> None:
    """Re-check everything in RECORD (folder, .zip or record.jsonl) from the record alone."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from clearcount.verifier import verify_record

    err = Console(stderr=True)
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as bar:
        task = bar.add_task("checking ballots", total=None)
        report = verify_record(
            record,
            workers=workers,
            complete=not incomplete,
            progress=lambda n: bar.advance(task, n),
            scheduler=scheduler,
        )
    if fmt == "json":
        click.echo(report.to_json())
    else:
        Console(width=160).print(_table(report))
        verdict = "VERIFIED" if report.ok else "NOT VERIFIED"
        click.echo(f"{verdict}: {len(report.failed())} checks failed; head {report.head}")
    sys.exit(0 if report.ok else 1)


@click.command("verify-diff")
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
def verify_diff_command(old: Path, new: Path) -> None:
    """Check that NEW extends OLD: OLD's events, byte for byte, are NEW's first events."""
    from clearcount.verifier.diff import verify_extension

    try:
        extension = verify_extension(old, new)
    except RecordError as error:
        click.echo(f"NOT AN EXTENSION: {error}")
        sys.exit(1)
    click.echo(
        f"EXTENDS: {new} keeps all {extension.old_events} events of {old} "
        f"(head {extension.old_head[:16]}…) and adds "
        f"{extension.new_events - extension.old_events}"
    )


@click.command("verify-trigger")
@click.argument("declaration", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("records", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Processes for the per-ballot proofs (default: one per core).",
)
def verify_trigger_command(
    declaration: Path, records: tuple[Path, ...], workers: int | None
) -> None:
    """Check a trigger ballot's DECLARATION against its one election's RECORD.

    The trigger ballot is one election with a yes/no contest per branch (declaration format
    clearcount-trigger-declaration/3, spec §12.9). Give exactly that election's record: it is
    verified in full; then the record's head and each branch's contest tallies are compared
    with the declaration, and the result is recounted from the branches' tallies and the
    affiliates' signed votes. Another number of records fails V-TRIG-BRANCH-1. Exit status 0
    only when every check holds.
    """
    from clearcount.verifier.trigger import verify_trigger

    report = verify_trigger(declaration, list(records), workers=workers)
    for path, record_report in report.records:
        verdict = "VERIFIED" if record_report.ok else "NOT VERIFIED"
        click.echo(
            f"election record {path}: {verdict} ({len(record_report.failed())} checks failed; "
            f"head {record_report.head})"
        )
    for outcome in report.outcomes:
        detail = f": {outcome.detail}" if outcome.detail else ""
        click.echo(f"{outcome.status.value:>7} {outcome.spec.id} {outcome.spec.title}{detail}")
        for finding in outcome.findings[:20]:
            click.echo(f"        {finding.message}")
    verdict = "VERIFIED" if report.ok else "NOT VERIFIED"
    click.echo(
        f"trigger declaration {verdict}: {len(report.failed())} checks failed; "
        f"sha256 {report.declaration_hash}"
    )
    sys.exit(0 if report.ok else 1)


@click.command("roll-proof")
@click.argument("record", type=click.Path(path_type=Path))
@click.option("--salt", required=True, help="Your 32-byte roll salt, in hex.")
@click.option("--member", "member_id", required=True, help="Your member id on the roll.")
@click.option(
    "--proof",
    "proof_path",
    required=True,
    type=click.Path(path_type=Path),
    help="The inclusion proof file (JSON) the service gave you.",
)
def roll_proof_command(record: Path, salt: str, member_id: str, proof_path: Path) -> None:
    """Check that you are on RECORD's committed roll, and whether as eligible or ineligible."""
    from clearcount.verifier.roll_proof import check_membership, roll_root

    try:
        document = load_json(proof_path.read_bytes())
    except (OSError, ValueError) as error:
        raise RecordError(f"{proof_path}: cannot read the proof: {error}") from None
    try:
        status = check_membership(roll_root(record), salt, member_id, document)
    except RecordError as error:
        click.echo(f"NOT ON THE ROLL: {error}")
        sys.exit(1)
    click.echo(f"ON THE ROLL: member {member_id!r} is {status.upper()} in {record}")
