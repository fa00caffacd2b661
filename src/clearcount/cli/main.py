"""The `clearcount` command: each subcommand's module is imported only when it runs.

`COMMANDS` names every top-level command, the function that loads it and the one-line summary
that `clearcount --help` prints, so `--help` imports no command module at all and `clearcount
roll ...` imports the roll commands alone (no database, PDF, numerics or AEAD library until a
command needs one: issue 11, every command starts in well under 0.3 s). A test keeps each
summary equal to its command's own help.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import click

from .entry import run

__all__ = ["COMMANDS", "LazyCommand", "LazyGroup", "cli", "main"]


@dataclass(frozen=True, slots=True)
class LazyCommand:
    """A top-level command: how to load it, and its `--help` summary."""

    load: Callable[[], click.Command]
    summary: str


def _from(target: str, *extras: Callable[[], click.Command]) -> Callable[[], click.Command]:
    """A loader of `module:attribute` under clearcount.cli, with `extras` mounted into it."""

    def load() -> click.Command:
        module, _, attribute = target.partition(":")
        command: click.Command = getattr(
            importlib.import_module(f"clearcount.cli.{module}"), attribute
        )
        for extra in extras:
            if not isinstance(command, click.Group):
                raise TypeError(f"{target}: expected a group to mount commands into")
            command.add_command(extra())
        return command

    return load


def _alias_init(role: str) -> Callable[[], click.Command]:
    def load() -> click.Command:
        from .role_commands import alias_init

        return alias_init(role)

    return load


def _role_alias(role: str, summary: str) -> LazyCommand:
    def load() -> click.Command:
        from .role_commands import role_alias_group

        return role_alias_group(role, summary)

    return LazyCommand(load, summary)


def _demo() -> click.Command:
    return demo_command


_TELLER = "The tellers: your keys, to sign the paper batches you enter."
_AUTHORITY = "The credential authority: your keys, to sign credentials."
_AFFILIATE = "An affiliate's officer: your keys, to sign its votes."

COMMANDS: dict[str, LazyCommand] = {
    "affiliate": _role_alias("affiliate", _AFFILIATE),
    "appeal": LazyCommand(
        _from("appeal_commands:appeal_group"),
        "Complaints against an election, and the appeal panel's evidence and decision.",
    ),
    "authority": _role_alias("authority", _AUTHORITY),
    "check-booth": LazyCommand(
        _from("check_booth_command:check_booth_command"),
        "Compare the booth a server serves at URL with the one the election's record pins.",
    ),
    "count": LazyCommand(
        _from("count_command:count_command"),
        "Count BALLOTS (.blt, .csv, .json, optionally .gz) with a named rule set.",
    ),
    "credentials": LazyCommand(
        _from(
            "credentials_commands:credentials_group",
            _from("vote_commands:cancel_list_command"),
            _from("role_api_commands:credentials_publish_command"),
        ),
        "The credential authority (independent scrutineer): make and deliver voting credentials.",
    ),
    "demo": LazyCommand(
        _demo,
        "Run three fictional elections end to end and verify each published record.",
    ),
    "election": LazyCommand(
        _from(
            "election_commands:election_group",
            _from("role_commands:register_card_command"),
            _from("ceremony_commands:officer_ceremony_group"),
            _from("turnout_commands:election_turnout"),
            _from("turnout_commands:election_not_voted"),
            _from("turnout_commands:election_remind"),
            _from("turnout_commands:election_edit"),
        ),
        "Define a ballot, open it for voting, follow it, close it.",
    ),
    "official": LazyCommand(
        _from("official_commands:official_group"),
        "Officials' accounts for the web console (password and authenticator app).",
    ),
    "org": LazyCommand(
        _from("roll_commands:org_group"),
        "Set up the organisation (a party or a union) and its units before importing members.",
    ),
    "papers": LazyCommand(
        _from("papers_commands:papers_group"),
        "Postal voting papers: issue, replace, the tellers' entries, reconcile, count.",
    ),
    "publish": LazyCommand(
        _from("publish_commands:publish_command"),
        "Publish ELECTION's record (no personal data) and verify the published copy.",
    ),
    "role": LazyCommand(
        _from("role_commands:role_group"),
        "Each role's own keys: made on its own machine, only the public card handed over.",
    ),
    "report": LazyCommand(
        _from("report_command:report_command"),
        "Make a statutory notice, report or declaration from a verified election RECORD.",
    ),
    "roll": LazyCommand(
        _from("roll_commands:roll_group"),
        "The membership roll: import it, set who may vote in a ballot, and freeze it.",
    ),
    "roll-proof": LazyCommand(
        _from("verify_commands:roll_proof_command"),
        "Check that you are on RECORD's committed roll, and whether as eligible or ineligible.",
    ),
    "serve": LazyCommand(
        _from("serve_command:serve_command"),
        "Serve the voters' booth, the public pages and the officials' console over HTTP.",
    ),
    "tally": LazyCommand(
        _from("tally_commands:tally_group"),
        "Count the ballots after close: encrypted totals, then the declared result.",
    ),
    "teller": _role_alias("teller", _TELLER),
    "trigger": LazyCommand(
        _from("trigger_commands:trigger_group"),
        "A trigger ballot: do the CLP's branches and affiliates want an open selection?",
    ),
    "trustee": LazyCommand(
        _from(
            "trustee_commands:trustee_group",
            _alias_init("trustee"),
            _from("ceremony_commands:trustee_ceremony_group"),
        ),
        "The trustees: make the election key together, then decrypt only the result.",
    ),
    "verify": LazyCommand(
        _from("verify_commands:verify_command"),
        "Re-check everything in RECORD (folder, .zip or record.jsonl) from the record alone.",
    ),
    "verify-diff": LazyCommand(
        _from("verify_commands:verify_diff_command"),
        "Check that NEW extends OLD: OLD's events, byte for byte, are NEW's first events.",
    ),
    "verify-trigger": LazyCommand(
        _from("verify_commands:verify_trigger_command"),
        "Check a trigger ballot's DECLARATION against its one election's RECORD.",
    ),
    "vote": LazyCommand(
        _from("vote_commands:vote_group"),
        "Voting: online with a credential, challenging a ballot, paper ballots, tracking codes.",
    ),
}
"""Every top-level command: `clearcount --help` prints these summaries without importing any."""


class LazyGroup(click.Group):
    """A group whose commands (from `COMMANDS`) are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(COMMANDS) | set(self.commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            self.commands[cmd_name] = COMMANDS[cmd_name].load()
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            loaded = self.commands.get(name)
            shown = loaded or click.Command(name, help=COMMANDS[name].summary)
            rows.append((name, shown.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="clearcount")
def cli() -> None:
    """clearcount: verifiable ballots for members' organisations."""


@click.command("demo")
@click.option(
    "--dir",
    "directory",
    type=click.Path(path_type=Path),
    default=Path("clearcount-demo"),
    show_default=True,
    help="Where to leave the demo's database, published records, key files and mail.",
)
@click.option(
    "--serve",
    is_flag=True,
    help="Then serve the demo's elections on this machine (booth, board, results) until Ctrl-C.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="With --serve: the address.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
def demo_command(directory: Path, serve: bool, host: str, port: int) -> None:
    """Run three fictional elections end to end and verify each published record.

    A trigger ballot of Ashby Vale CLP (one election, each branch's members voting in their
    own branch's contest; each affiliate's officer gives its vote; the declaration is verified
    against the election's record), the open
    selection that follows (preferential; online, hustings meeting and postal), and the
    Northfold Transport Workers' Union's industrial action ballot. Everything is left in DIR.
    With --serve, the elections are then served on HOST:PORT and their pages' URLs printed.
    """
    import time

    from .demo import demo_documents, run_demo

    base = f"http://{host}:{port}"
    started = time.perf_counter()
    outcomes = run_demo(directory, vote_url=base if serve else None)
    for outcome in outcomes:
        verdict = "VERIFIED" if outcome.verified else "NOT VERIFIED"
        click.echo(f"{verdict}: {outcome.record} ({outcome.title})")
    if all(o.verified for o in outcomes):
        click.echo(f"documents made from the verified records ({directory / 'documents'}):")
        for path in demo_documents(directory, outcomes):
            click.echo(f"  {path}")
    seconds = time.perf_counter() - started
    click.echo(f"demo done in {seconds:.0f} s; database {directory / 'clearcount.db'}")
    if not all(o.verified for o in outcomes):
        sys.exit(1)
    if serve:
        from .demo import serve_demo

        serve_demo(directory, outcomes, host, port)


def main() -> None:
    """Entry point: user errors are printed as one clear line, never a traceback."""
    run(cli)
