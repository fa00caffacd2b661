"""The console entry point: one clear line for user errors, never a traceback.

`cli.main`'s group imports a command's module only when that command runs, so `clearcount
count ...` pays for the counting code alone and `--help` for click alone.
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
    """`clearcount`: the lazily loaded group of `cli.main`."""
    from .main import cli

    run(cli)
