"""The `clearcount` command."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import click
from rich.console import Console

from clearcount.core.errors import ClearcountError
from clearcount.counting.registry import METHODS, count
from clearcount.counting.result import Result

from .loading import load_contest, load_rules, read_text

__all__ = ["main"]

METHOD_NAMES = sorted([*METHODS, "trigger-ballot"])


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="clearcount")
def cli() -> None:
    """clearcount: verifiable ballots for members' organisations."""


def _print(result: Result, fmt: str, title: str = "") -> None:
    from clearcount.reports.result_document import result_document, to_json
    from clearcount.reports.stage_table import stage_table, stages_csv

    if fmt == "json":
        click.echo(to_json(result_document(result), result.decimals))
    elif fmt == "csv":
        click.echo(stages_csv(result), nl=False)
    else:
        Console(width=max(120, 30 + 24 * len(result.stages))).print(stage_table(result, title))


@cli.command("count")
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
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
    help="table: stage table; json: one JSON object; csv: stages.",
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
        _print(count_bodies(bodies, {**file_options, **rules}), fmt)
        return
    contest = load_contest(ballots, rules)
    if seats is not None:
        contest = dataclasses.replace(contest, seats=seats)
    _print(count(method, contest, rules), fmt, contest.title)


@cli.command("demo")
@click.option(
    "--dir",
    "directory",
    type=click.Path(path_type=Path),
    default=Path("clearcount-demo"),
    show_default=True,
    help="Where to leave the demo's database, published records, key files and mail.",
)
def demo_command(directory: Path) -> None:
    """Run three fictional elections end to end and verify each published record.

    A trigger ballot of Ashby Vale CLP (each branch's members vote, each affiliate's officer
    gives its vote; the declaration is verified against the branch records), the open
    selection that follows (preferential; online, hustings meeting and postal), and the
    Northfold Transport Workers' Union's industrial action ballot. Everything is left in DIR.
    """
    import time

    from .demo import run_demo

    started = time.perf_counter()
    outcomes = run_demo(directory)
    seconds = time.perf_counter() - started
    for outcome in outcomes:
        verdict = "VERIFIED" if outcome.verified else "NOT VERIFIED"
        click.echo(f"{verdict}: {outcome.record} ({outcome.title})")
    click.echo(f"demo done in {seconds:.0f} s; database {directory / 'clearcount.db'}")
    if not all(o.verified for o in outcomes):
        sys.exit(1)


from .verify_commands import (  # noqa: E402
    roll_proof_command,
    verify_command,
    verify_diff_command,
    verify_trigger_command,
)

cli.add_command(verify_command)
cli.add_command(verify_diff_command)
cli.add_command(roll_proof_command)
cli.add_command(verify_trigger_command)

from .credentials_commands import credentials_group  # noqa: E402

cli.add_command(credentials_group)

from .appeal_commands import appeal_group  # noqa: E402
from .election_commands import election_group  # noqa: E402
from .publish_commands import publish_command  # noqa: E402
from .role_commands import (  # noqa: E402
    alias_init,
    register_card_command,
    role_alias_group,
    role_group,
)
from .roll_commands import org_group, roll_group  # noqa: E402
from .tally_commands import tally_group  # noqa: E402
from .trigger_commands import trigger_group  # noqa: E402
from .trustee_commands import trustee_group  # noqa: E402
from .vote_commands import cancel_list_command, vote_group  # noqa: E402

for _command in (
    org_group,
    roll_group,
    election_group,
    trustee_group,
    vote_group,
    tally_group,
    publish_command,
    appeal_group,
    trigger_group,
    role_group,
    role_alias_group("teller", "The tellers: your keys, to sign the paper batches you enter."),
    role_alias_group("authority", "The credential authority: your keys, to sign credentials."),
    role_alias_group("affiliate", "An affiliate's officer: your keys, to sign its votes."),
):
    cli.add_command(_command)
trustee_group.add_command(alias_init("trustee"))
election_group.add_command(register_card_command)
credentials_group.add_command(cancel_list_command)


def main() -> None:
    """Entry point: user errors are printed as one clear line, never a traceback."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except ClearcountError as exc:
        click.echo(f"clearcount: error: {exc}", err=True)
        sys.exit(2)
