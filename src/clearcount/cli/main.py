"""The `clearcount` command."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .count_command import count_command
from .entry import run

__all__ = ["main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="clearcount")
def cli() -> None:
    """clearcount: verifiable ballots for members' organisations."""


cli.add_command(count_command)


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
from .ceremony_commands import officer_ceremony_group, trustee_ceremony_group  # noqa: E402
from .election_commands import election_group  # noqa: E402
from .publish_commands import publish_command  # noqa: E402
from .role_commands import (  # noqa: E402
    alias_init,
    register_card_command,
    role_alias_group,
    role_group,
)
from .roll_commands import org_group, roll_group  # noqa: E402
from .serve_command import serve_command  # noqa: E402
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
    serve_command,
    role_alias_group("teller", "The tellers: your keys, to sign the paper batches you enter."),
    role_alias_group("authority", "The credential authority: your keys, to sign credentials."),
    role_alias_group("affiliate", "An affiliate's officer: your keys, to sign its votes."),
):
    cli.add_command(_command)
trustee_group.add_command(alias_init("trustee"))
trustee_group.add_command(trustee_ceremony_group)
election_group.add_command(register_card_command)
election_group.add_command(officer_ceremony_group)
credentials_group.add_command(cancel_list_command)


def main() -> None:
    """Entry point: user errors are printed as one clear line, never a traceback."""
    run(cli)
