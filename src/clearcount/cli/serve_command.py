"""`clearcount serve`: the web server (booth, public pages, console) on the CLI's database.

The same database and settings discovery as every other command (`--db`, `--config`, the
environment); `--dir DIR` is a shortcut for a folder that holds `clearcount.db` and perhaps
`clearcount.toml` (what `clearcount demo` leaves). The web layer is imported only here, inside
the command, so `clearcount --help` and the other commands never load Starlette or uvicorn.
"""

from __future__ import annotations

import dataclasses
import os
import re
import socket
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import click

from clearcount.service.ports import Mailer

from .common import Database, UserError, db_options
from .context import config_of, open_services, require_existing

if TYPE_CHECKING:
    from clearcount.web.app import WebOptions

    from .serve_supervisor import Heartbeat

WORKER_HEALTHCHECK_SECONDS = 60
"""How long a `--workers` process may go without a heartbeat (from its event loop, or since it
was forked) before the supervisor kills it as hung and starts another (serve_supervisor)."""

__all__ = [
    "WORKER_HEALTHCHECK_SECONDS",
    "parse_limits",
    "serve",
    "serve_command",
    "serve_forked",
]

LIMIT_NAMES = ("login", "code", "cast")
_LIMIT = re.compile(r"^(login|code|cast)=(\d+)/(\d+(?:\.\d+)?)$")


def database_in(directory: Path | None, db: Database) -> Database:
    """`db` with DIR's clearcount.db and clearcount.toml where no option or variable names one."""
    if directory is None:
        return db
    if not directory.is_dir():
        raise UserError(f"--dir {directory}: expected a folder, got none there")
    url = db.url or f"sqlite:///{directory / 'clearcount.db'}"
    toml = directory / "clearcount.toml"
    config_file = db.config_file or (toml if toml.is_file() else None)
    return dataclasses.replace(db, url=url, config_file=config_file)


def parse_limits(given: tuple[str, ...]) -> dict[str, tuple[int, float]]:
    """`NAME=COUNT/SECONDS` settings (login, code, cast) -> {name: (count, seconds)}."""
    limits: dict[str, tuple[int, float]] = {}
    for item in given:
        found = _LIMIT.match(item.strip())
        if found is None or int(found.group(2)) < 1 or float(found.group(3)) <= 0:
            raise UserError(
                f"--rate-limit {item!r}: expected NAME=COUNT/SECONDS with NAME one of "
                f"{', '.join(LIMIT_NAMES)}, COUNT >= 1 and SECONDS > 0, e.g. cast=20/600"
            )
        limits[found.group(1)] = (int(found.group(2)), float(found.group(3)))
    return limits


def _announce(has_mailer: bool, banner: str, host: str, port: int, workers: int) -> None:
    if not has_mailer:
        click.echo(
            "warning: no SMTP server configured ([smtp] or CLEARCOUNT_SMTP_HOST): "
            "voters cannot be sent sign-in codes",
            err=True,
        )
    if banner:
        click.echo(banner)
    processes = f", {workers} worker processes" if workers > 1 else ""
    click.echo(f"serving on http://{host}:{port}/{processes} (Ctrl-C stops)")


def serve(db: Database, host: str, port: int, *, behind_tls: bool = False,
          mailer: Mailer | None = None, banner: str = "", workers: int = 1,
          limits: Mapping[str, tuple[int, float]] | None = None) -> None:  # fmt: skip
    """Run the site on HOST:PORT until interrupted (Ctrl-C), in `workers` processes; `limits`
    replace the settings' rate limits for every address (`--rate-limit`)."""
    from clearcount.web.app import WebOptions, create_app

    options = WebOptions(behind_tls=behind_tls)
    limits = dict(limits or {})
    if workers > 1:
        if mailer is not None:
            raise UserError("--workers: several processes send mail only through [smtp] settings")
        serve_forked(db, host, port, options, limits, banner=banner, workers=workers)
        return
    import uvicorn

    with open_services(db, mailer=mailer) as services:
        services.rate_limits.limits = services.rate_limits.limits.given(limits)
        _announce(services.mailer is not None, banner, host, port, workers)
        app = create_app(config_of(db), services=services, options=options)
        uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)


def serve_forked(db: Database, host: str, port: int, options: WebOptions,
                 limits: Mapping[str, tuple[int, float]], *, banner: str,
                 workers: int) -> None:  # fmt: skip
    """`workers` processes forked by a supervisor on one socket (serve_supervisor): this
    process imports the site and binds HOST:PORT, but opens no database (each worker does)."""
    if not hasattr(os, "fork"):
        raise UserError("--workers: several processes need Linux or another POSIX system (fork)")
    from .serve_supervisor import Supervisor, listen
    from .serve_worker import run_worker  # the site's modules, imported once for every worker

    config = config_of(db)
    require_existing(config)
    try:
        listener = listen(host, port)
    except OSError as error:
        where = f"{host}:{port}"
        raise UserError(f"--host/--port: cannot listen on {where}: {error.strerror}") from None
    _announce(config.smtp is not None, banner, host, port, workers)

    def main(sock: socket.socket, heartbeat: Heartbeat) -> int:
        return run_worker(db, options, limits, sock, heartbeat)

    with listener:
        supervisor = Supervisor(listener, workers, main, hung_after=WORKER_HEALTHCHECK_SECONDS)
        status = supervisor.run()
    if status:
        raise SystemExit(status)


@click.command("serve")
@click.option(
    "--dir",
    "directory",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="A folder with clearcount.db (and clearcount.toml), e.g. the demo's folder.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--behind-tls",
    is_flag=True,
    help="A TLS proxy in front serves https: send HSTS and Secure cookies.",
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 256),
    help="Server processes on the one port (about one per CPU core), forked by a supervisor "
    "that replaces any that dies (Linux/POSIX only); they share the rate limits (counted in "
    "the database).",
)
@click.option(
    "--rate-limit",
    "rate_limits",
    multiple=True,
    envvar="CLEARCOUNT_RATE_LIMITS",
    metavar="NAME=COUNT/SECONDS",
    help="Requests allowed per client address in a window of whole seconds, for every address "
    "(over the settings' [rate_limits]): login (default 10/300), code (5/600), cast (20/600); "
    "repeatable, or CLEARCOUNT_RATE_LIMITS='code=5/600 cast=20/600'.",
)
@db_options
def serve_command(directory: Path | None, host: str, port: int, behind_tls: bool, workers: int,
                  rate_limits: tuple[str, ...], db: Database) -> None:  # fmt: skip
    """Serve the voters' booth, the public pages and the officials' console over HTTP."""
    limits = parse_limits(rate_limits)
    serve(database_in(directory, db), host, port, behind_tls=behind_tls, workers=workers,
          limits=limits)  # fmt: skip
