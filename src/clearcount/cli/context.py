"""Opening the ballot service for one command, through the composition root (`bootstrap`).

`open_services(options)` gives the wired services over the database that `--db`, `--config`,
the environment or a found `clearcount.toml` names (bootstrap.config). A URL that is not a
database clearcount knows, or a server that cannot be reached, is one clear line (`UserError`),
never a traceback. A SQLite file that does not exist is opened (made) only by `org create`:
any other command run in the wrong folder says so and how to name the right database, instead
of quietly making an empty one (issue 11).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .common import Database, UserError

if TYPE_CHECKING:
    from clearcount.bootstrap import Config, Services
    from clearcount.protocol.context import Election
    from clearcount.service.elections.records import BallotDefinition
    from clearcount.service.ports import Mailer

__all__ = ["build", "config_of", "definition", "election_of", "open_services", "require_existing"]


def build(config: Config, **kwargs: Any) -> Services:
    """`bootstrap.build`, imported only when a command opens the database (the database and
    mail libraries stay out of `--help`); the one seam the in-process CLI tests replace."""
    from clearcount.bootstrap import build as wire

    return wire(config, **kwargs)


def config_of(db: Database) -> Config:
    """The settings `--db`, `--config` (else a found clearcount.toml) and the environment give
    (`--db` wins over both)."""
    from clearcount.bootstrap.config import find_config, load_config

    config_file = db.config_file or find_config(Path.cwd(), os.environ)
    config = load_config(config_file, os.environ)
    if db.url:
        url = db.url if "://" in db.url else f"sqlite:///{db.url}"
        config = dataclasses.replace(
            config, database_url=url, database_source="named by --db or CLEARCOUNT_DATABASE_URL"
        )
    return config


_POINT = (
    "run the command in your organisation's folder, or name its database with --db "
    "sqlite:///PATH, CLEARCOUNT_DATABASE=PATH or a clearcount.toml ([database] path = ...) "
    "in this folder or a parent (docs/service/configuration.md); `clearcount org create` "
    "makes a new one"
)


def require_existing(config: Config) -> None:
    """UserError unless the SQLite file the config names exists (other databases: as named)."""
    from clearcount.bootstrap.config import sqlite_file

    file = sqlite_file(config.database_url)
    if file is not None and not file.exists():
        raise UserError(f"no clearcount database at {file} ({config.database_source}): {_POINT}")


@contextmanager
def open_services(
    db: Database, *, create: bool = False, mailer: Mailer | None = None
) -> Iterator[Services]:
    """The services over `db`'s database; `mailer` replaces the configured SMTP one. `create`
    (only `org create`) may make a new SQLite file, every other command refuses a file that does
    not exist."""
    config = config_of(db)
    if not create:
        require_existing(config)
    where = config.database_url or "sqlite:///clearcount.db"
    try:
        services = build(config, schema=db.schema, mailer=mailer)
    except ValueError as error:  # an unknown URL scheme
        raise UserError(f"--db {where}: {error}") from None
    except Exception as error:
        if error.__class__.__module__.startswith(("sqlalchemy", "psycopg")):
            text = str(getattr(error, "orig", None) or error).strip()
            detail = text.splitlines()[0] if text else error.__class__.__name__
            raise UserError(f"cannot open the database {where}: {detail}") from None
        raise
    try:
        yield services
    except OSError as error:  # a key folder or output file that cannot be written, say
        where = f"{error.filename}: " if error.filename else ""
        raise UserError(f"{where}{error.strerror or error}") from None
    finally:
        services.close()


def definition(services: Services, election_id: str) -> BallotDefinition:
    """ELECTION's stored definition (trustees, tellers, contests); NotFoundError if none."""
    from clearcount.service.elections.state import require_election

    with services.store.unit_of_work() as uow:
        return require_election(uow, election_id).definition


def election_of(services: Services, election_id: str) -> Election:
    """ELECTION's Setup and Credentials as a voter's device reads them (spec §11.1-§11.3)."""
    from clearcount.service.elections.state import load_election

    with services.store.unit_of_work() as uow:
        return load_election(uow, election_id)
