"""Opening the ballot service for one command, through the composition root (`bootstrap`).

`open_services(options)` gives the wired services over the database that `--db`, `--config` or
the environment names. A URL that is not a database clearcount knows, or a server that cannot be
reached, is one clear line (`UserError`), never a traceback.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from .common import Database, UserError

if TYPE_CHECKING:
    from clearcount.bootstrap import Config, Services
    from clearcount.protocol.context import Election
    from clearcount.service.elections.records import BallotDefinition
    from clearcount.service.ports import Mailer

__all__ = ["build", "config_of", "definition", "election_of", "open_services"]


def build(config: Config, **kwargs: Any) -> Services:
    """`bootstrap.build`, imported only when a command opens the database (the database and
    mail libraries stay out of `--help`); the one seam the in-process CLI tests replace."""
    from clearcount.bootstrap import build as wire

    return wire(config, **kwargs)


def config_of(db: Database) -> Config:
    """The settings `--db`, `--config` and the environment give (the URL wins over both)."""
    from clearcount.bootstrap.config import load_config

    config = load_config(db.config_file, os.environ)
    if db.url:
        config = dataclasses.replace(config, database_url=db.url)
    return config


@contextmanager
def open_services(db: Database, *, mailer: Mailer | None = None) -> Iterator[Services]:
    """The services over `db`'s database; `mailer` replaces the configured SMTP one."""
    config = config_of(db)
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
