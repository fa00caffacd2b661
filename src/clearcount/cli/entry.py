"""The console entry point: one clear line for user errors, and `count` without the rest.

`clearcount count ...` builds a group holding only `count_command`, so a count pays for the
counting code alone; every other command line goes through `cli.main`'s full group.
"""

from __future__ import annotations

import sys

import click

from clearcount.core.errors import ClearcountError

__all__ = ["main", "run"]


def run(group: click.Group) -> None:
    """Run `group` on sys.argv: user errors are printed as one clear line, never a traceback."""
    try:
        code = group.main(standalone_mode=False)  # a command's click.exceptions.Exit(n) returns n
    except click.exceptions.Abort:
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except ClearcountError as exc:
        click.echo(f"clearcount: error: {exc}", err=True)
        sys.exit(2)
    if isinstance(code, int) and code:
        sys.exit(code)


def main() -> None:
    """`clearcount`: the count command on its own, anything else through the full group."""
    if sys.argv[1:2] == ["count"]:
        from .count_command import count_command

        group = click.Group("clearcount", context_settings={"help_option_names": ["-h", "--help"]})
        group.add_command(count_command)
        run(group)
        return
    from .main import cli

    run(cli)
