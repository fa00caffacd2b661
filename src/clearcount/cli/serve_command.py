"""`clearcount serve`: the web server (booth, public pages, console) on the CLI's database.

The same database and settings discovery as every other command (`--db`, `--config`, the
environment); `--dir DIR` is a shortcut for a folder that holds `clearcount.db` and perhaps
`clearcount.toml` (what `clearcount demo` leaves). The web layer is imported only here, inside
the command, so `clearcount --help` and the other commands never load Starlette or uvicorn.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click

from clearcount.service.ports import Mailer

from .common import Database, UserError, db_options
from .context import config_of, open_services

__all__ = ["serve", "serve_command"]


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


def serve(db: Database, host: str, port: int, *, behind_tls: bool = False,
          mailer: Mailer | None = None, banner: str = "") -> None:  # fmt: skip
    """Run the site on HOST:PORT until interrupted (Ctrl-C)."""
    import uvicorn

    from clearcount.web.app import WebOptions, create_app

    options = WebOptions(behind_tls=behind_tls)
    with open_services(db, mailer=mailer) as services:
        if services.mailer is None:
            click.echo(
                "warning: no SMTP server configured ([smtp] or CLEARCOUNT_SMTP_HOST): "
                "voters cannot be sent sign-in codes",
                err=True,
            )
        app = create_app(config_of(db), services=services, options=options)
        if banner:
            click.echo(banner)
        click.echo(f"serving on http://{host}:{port}/ (Ctrl-C stops)")
        uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)


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
@db_options
def serve_command(
    directory: Path | None, host: str, port: int, behind_tls: bool, db: Database
) -> None:
    """Serve the voters' booth, the public pages and the officials' console over HTTP."""
    serve(database_in(directory, db), host, port, behind_tls=behind_tls)
