"""The store: an engine, its migrated schema, and units of work over it.

    store = SqlStore.open("postgresql://…")      # or None for ./clearcount.db
    members = MemberService(store.unit_of_work, clock)

A unit of work is one database transaction. `commit()` returns only after the database has
made the write durable (engine.py), so a service acknowledges nothing that could be lost.
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from clearcount.storage.engine import create_engine
from clearcount.storage.migrate import upgrade
from clearcount.storage.repositories import (
    SqlAuditRepository,
    SqlBallotRulesRepository,
    SqlMemberRepository,
    SqlOrganisationRepository,
    SqlSnapshotRepository,
)

__all__ = ["SqlStore", "SqlUnitOfWork"]


class SqlUnitOfWork:
    organisations: SqlOrganisationRepository
    members: SqlMemberRepository
    audit: SqlAuditRepository
    rules: SqlBallotRulesRepository
    snapshots: SqlSnapshotRepository

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._connection: sa.Connection | None = None
        self._transaction: sa.RootTransaction | None = None

    def __enter__(self) -> Self:
        connection = self._engine.connect()
        self._connection = connection
        self._transaction = connection.begin()
        self.organisations = SqlOrganisationRepository(connection)
        self.members = SqlMemberRepository(connection)
        self.audit = SqlAuditRepository(connection)
        self.rules = SqlBallotRulesRepository(connection)
        self.snapshots = SqlSnapshotRepository(connection)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._connection is None:
            return
        try:
            if self._connection.in_transaction():
                self._connection.rollback()
        finally:
            self._connection.close()
            self._connection = None

    def commit(self) -> None:
        if self._transaction is None or self._connection is None:
            raise RuntimeError("commit() outside `with unit_of_work`")
        self._transaction.commit()
        self._transaction = None


class SqlStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(
        cls, url: str | None = None, *, migrate: bool = True, schema: str | None = None
    ) -> SqlStore:
        """Open (and by default migrate to head) the database at `url` (None: ./clearcount.db)."""
        engine = create_engine(url, schema=schema)
        if migrate:
            upgrade(engine)
        return cls(engine)

    def unit_of_work(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine)

    def close(self) -> None:
        self.engine.dispose()
