"""What every officer's command shares: the database, who acts, progress bars, user errors.

Every command that reads or writes the ballot service's database takes `--db URL` (or
CLEARCOUNT_DATABASE_URL, CLEARCOUNT_DATABASE, `--config FILE`, a clearcount.toml found here or in
a parent folder; default: the SQLite file ./clearcount.db, which only `org create` may make:
docs/service/configuration.md) and, when it changes anything,
`--as NAME` (or CLEARCOUNT_ACTOR): the name written in the audit log. A user error is one line
on stderr and exit status 2 (`UserError`, or any `ClearcountError` through `main`); progress bars
go to stderr and only on a terminal, so output can be piped.
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from clearcount.core.errors import ClearcountError, InputFormatError
from clearcount.core.json_text import load_json
from clearcount.service.authorisation import Principal, Role

if TYPE_CHECKING:
    from clearcount.protocol.roles import RoleSecret

__all__ = [
    "INPUT_FILE",
    "Database",
    "UserError",
    "db_options",
    "key_file_name",
    "optional_date",
    "parse_date",
    "parse_instant",
    "principal_option",
    "progress",
    "read_bytes",
    "read_json",
    "role_passphrase",
    "write_json",
]

F = TypeVar("F", bound=Callable[..., Any])

INPUT_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
"""A file the command reads (a key file, a share file, a papers file): a missing one is refused
before anything is asked or opened, naming the option and the path ("File 'x' does not
exist"), never mistaken for a wrong passphrase or another role's file."""


class UserError(click.ClickException):
    """A mistake in what the user asked for: shown as one line, exit status 2."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(f"clearcount: error: {self.format_message()}", err=True)


@dataclass(frozen=True, slots=True)
class Database:
    """Where the ballot service's database is: `--db`, `--config`, `--db-schema`."""

    url: str | None
    config_file: Path | None
    schema: str | None


def db_options(function: F) -> F:
    """`--db URL`, `--config FILE` and the hidden `--db-schema NAME` (PostgreSQL tests),
    passed to the command as one argument `db: Database`."""

    @functools.wraps(function)
    def wrapper(*args: Any, db_url: str | None, config_file: Path | None,
                db_schema: str | None, **kwargs: Any) -> Any:  # fmt: skip
        return function(*args, db=Database(db_url, config_file, db_schema), **kwargs)

    command: Any = click.option(
        "--db-schema",
        "db_schema",
        envvar="CLEARCOUNT_DB_SCHEMA",
        default=None,
        hidden=True,
        help="PostgreSQL schema to use (search_path).",
    )(wrapper)
    command = click.option(
        "--config",
        "config_file",
        envvar="CLEARCOUNT_CONFIG",
        default=None,
        type=click.Path(path_type=Path),
        metavar="FILE",
        help="A clearcount.toml with the database and SMTP settings (or set CLEARCOUNT_CONFIG; "
        "default: clearcount.toml here or in a parent folder, else "
        "$XDG_CONFIG_HOME/clearcount/config.toml).",
    )(command)
    result: F = click.option(
        "--db",
        "db_url",
        envvar="CLEARCOUNT_DATABASE_URL",
        default=None,
        metavar="URL",
        help="The ballot database: sqlite:///FILE, a file, or postgresql://USER@HOST/DB "
        "(or set CLEARCOUNT_DATABASE_URL or CLEARCOUNT_DATABASE; default: the settings "
        "file's, else ./clearcount.db).",
    )(command)
    return result


def principal_option(role: Role) -> Callable[[F], F]:
    """`--as NAME`: who is acting, as the audit log will name them; with the command's `role`
    it makes the `Principal` the service authorises (service.authorisation)."""

    def to_principal(_ctx: click.Context, _param: click.Parameter, value: str) -> Principal:
        try:
            return Principal(value, role)
        except ClearcountError as error:
            raise click.BadParameter(str(error)) from None

    def decorate(function: F) -> F:
        return click.option(
            "--as",
            "principal",
            envvar="CLEARCOUNT_ACTOR",
            required=True,
            metavar="NAME",
            callback=to_principal,
            help=f'Your name, acting as {role.value}, for the audit log, e.g. "Jo Hale '
            '(returning officer)" (or set CLEARCOUNT_ACTOR).',
        )(function)

    return decorate


@contextmanager
def progress(description: str, total: int | None) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr (only on a terminal); yields `advance(n)`."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

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
        task = bar.add_task(description, total=total)

        def advance(n: int = 1) -> None:
            bar.advance(task, n)

        yield advance


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise InputFormatError(str(path), None, f"cannot read file: {error.strerror}") from None


def read_json(path: Path) -> Any:
    try:
        return load_json(read_bytes(path))
    except ValueError as error:
        raise InputFormatError(str(path), None, f"invalid JSON: {error}") from None


def write_json(path: Path, value: object, *, private: bool = False) -> None:
    """Write `value` as indented JSON; `private` files are created 0600."""
    data = (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if private:
            path.touch(mode=0o600, exist_ok=True)
            path.chmod(0o600)
        path.write_bytes(data)
    except OSError as error:
        raise UserError(f"cannot write {path}: {error.strerror}") from None


def parse_date(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UserError(f"{option}: expected a date YYYY-MM-DD, got {value!r}") from None


def optional_date(value: str | None, option: str) -> date | None:
    return None if value is None else parse_date(value, option)


def parse_instant(value: str, option: str) -> datetime:
    """An ISO date-time; without an offset it is London time ("2031-05-01T09:00" is 09:00
    BST), and a London time the clocks skip or repeat is refused (service.london_time)."""
    from clearcount.service.london_time import parse_london

    try:
        return parse_london(value, option)
    except ClearcountError:
        raise UserError(
            f"{option}: expected a date and time like 2031-05-01T09:00 (London time) or "
            f"2031-05-01T08:00Z, that the clocks do not skip or repeat; got {value!r}"
        ) from None


def passphrase_variable(name: str) -> str:
    """The environment variable that may hold NAME's key-file passphrase (for scripts and
    tests): CLEARCOUNT_PASSPHRASE_ and the name in capitals, other characters as _."""
    return "CLEARCOUNT_PASSPHRASE_" + re.sub(r"[^A-Z0-9]+", "_", name.upper()).strip("_")


def key_file_name(path: Path) -> str:
    """The name in a key file's public header (to ask for the right passphrase); the path
    itself when the file has none (opening it then fails with a clear message)."""
    try:
        return str(load_json(path.read_bytes()).get("name") or path)
    except (OSError, ValueError, AttributeError):
        return str(path)


def role_passphrase(role: str, name: str, *, confirm: bool) -> str:
    """A trustee's or teller's passphrase: from its variable, or typed by them at a prompt."""
    value = os.environ.get(passphrase_variable(name))
    if value:
        return value
    text: str = click.prompt(
        f"Passphrase of {role} {name} (they type it; at least 12 characters)",
        hide_input=True,
        confirmation_prompt=confirm,
        err=True,
    )
    return text


def open_role_key(path: Path, role: str) -> RoleSecret:
    """A role's long-term key file (`clearcount role init`), opened with its owner's passphrase
    in the owner's own CLI step: the secret never leaves this process."""
    from clearcount.service.roles.keys import load_long_term_key

    passphrase = role_passphrase(role, key_file_name(path), confirm=False)
    return load_long_term_key(path, passphrase, role=role)
