"""Engines for SQLite (a file, the default) and PostgreSQL, set up for durable commits.

SQLite: WAL journal with `synchronous=FULL` (a commit is on disk before COMMIT returns),
foreign keys on, and every transaction `BEGIN IMMEDIATE`, so writers queue on the database lock
instead of failing half-way with SQLITE_BUSY. PostgreSQL: `synchronous_commit=on` for the
session (its default, set explicitly so that a server default of `off` cannot weaken it).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine

__all__ = ["DEFAULT_URL", "create_engine", "normalise_url"]

DEFAULT_URL = "sqlite:///clearcount.db"


def normalise_url(url: str | None) -> str:
    """A SQLAlchemy URL: None gives the default SQLite file; postgresql:// uses psycopg 3."""
    if url is None:
        return DEFAULT_URL
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def create_engine(url: str | None = None, *, schema: str | None = None) -> Engine:
    """An engine for `url`; `schema` (PostgreSQL only) sets the search_path, e.g. for tests."""
    full = normalise_url(url)
    backend = sa.make_url(full).get_backend_name()
    if backend == "sqlite":
        if schema is not None:
            raise ValueError("schema is only for PostgreSQL")
        engine = sa.create_engine(full, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if backend == "postgresql":
        options = "-c synchronous_commit=on"
        if schema is not None:
            options += f" -c search_path={schema}"
        return sa.create_engine(full, connect_args={"options": options}, pool_pre_ping=True)
    raise ValueError(f"database URL {full!r}: expected sqlite or postgresql")


def _sqlite_connect(dbapi_connection: Any, _record: object) -> None:
    dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (_sqlite_begin)
    cursor = dbapi_connection.cursor()
    for pragma in (
        "PRAGMA journal_mode=WAL",
        "PRAGMA synchronous=FULL",
        "PRAGMA foreign_keys=ON",
        "PRAGMA busy_timeout=30000",
    ):
        cursor.execute(pragma)
    cursor.close()


def _sqlite_begin(connection: sa.Connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")
