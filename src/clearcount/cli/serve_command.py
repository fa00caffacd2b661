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
from collections.abc import Mapping
from pathlib import Path

import click

from clearcount.service.ports import Mailer

from .common import Database, UserError, db_options
from .context import config_of, open_services

WORKER_HEALTHCHECK_SECONDS = 60
"""How long uvicorn's master waits for a worker to answer its health ping before it kills it
as hung (uvicorn's default, 5 s, is less than a worker takes to start on a busy machine: the
fault soak saw the master kill every new worker before it served, over and over)."""

__all__ = ["WORKER_HEALTHCHECK_SECONDS", "parse_limits", "serve", "serve_command"]

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


def serve(db: Database, host: str, port: int, *, behind_tls: bool = False,
          mailer: Mailer | None = None, banner: str = "", workers: int = 1,
          limits: Mapping[str, tuple[int, float]] | None = None) -> None:  # fmt: skip
    """Run the site on HOST:PORT until interrupted (Ctrl-C), in `workers` processes; `limits`
    replace the settings' rate limits for every address (`--rate-limit`)."""
    import uvicorn

    from clearcount.web.app import WebOptions, create_app

    options = WebOptions(behind_tls=behind_tls)
    limits = dict(limits or {})
    if workers > 1 and mailer is not None:
        raise UserError("--workers: several processes send mail only through [smtp] settings")
    with open_services(db, mailer=mailer) as services:
        services.rate_limits.limits = services.rate_limits.limits.given(limits)
        if services.mailer is None:
            click.echo(
                "warning: no SMTP server configured ([smtp] or CLEARCOUNT_SMTP_HOST): "
                "voters cannot be sent sign-in codes",
                err=True,
            )
        if banner:
            click.echo(banner)
        processes = f", {workers} worker processes" if workers > 1 else ""
        click.echo(f"serving on http://{host}:{port}/{processes} (Ctrl-C stops)")
        if workers == 1:
            app = create_app(config_of(db), services=services, options=options)
            uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
            return
    from .serve_worker import SETTINGS, settings_json

    os.environ[SETTINGS] = settings_json(db, options, limits)
    uvicorn.run("clearcount.cli.serve_worker:app", factory=True, workers=workers, host=host,
                port=port, log_level="warning", server_header=False,
                timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS)  # fmt: skip


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
    help="Server processes on the one port (about one per CPU core); they share the rate "
    "limits (counted in the database).",
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
