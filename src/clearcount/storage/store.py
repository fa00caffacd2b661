"""The store: an engine, its migrated schema, and units of work over it.

    store = SqlStore.open("postgresql://…")      # or None for ./clearcount.db
    members = MemberService(store.unit_of_work, clock)

A unit of work is one database transaction. `commit()` returns only after the database has
made the write durable (engine.py), so a service acknowledges nothing that could be lost.
A database that cannot be reached, or that fails during the transaction, surfaces as
`service.errors.StorageUnavailableError` (the transaction is rolled back: nothing half-written).
A connection lost during COMMIT itself is `CommitUncertainError`: the server may have made the
transaction durable just before it died (PostgreSQL killed after writing the commit record, the
answer never sent), so "nothing was stored" would be a guess; the whole transaction is there or
none of it, and the caller must say it does not know which.
"""

from __future__ import annotations

import contextlib
from types import TracebackType
from typing import Self

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from clearcount.service.elections.ports import (
    AppealRepository,
    BoardRepository,
    CredentialBindingRepository,
    ElectionRepository,
    PaperEntryRepository,
    PublicationRepository,
    RegisterRepository,
    RoleCardRepository,
)
from clearcount.service.elections.reminders import ReminderRepository
from clearcount.service.elections.sign_in import SignInCodeRepository
from clearcount.service.errors import CommitUncertainError, StorageUnavailableError
from clearcount.service.membership.ports import (
    AuditRepository,
    BallotRulesRepository,
    MemberRepository,
    OrganisationRepository,
    SnapshotRepository,
)
from clearcount.service.officials.records import OfficialRepository, SessionRepository
from clearcount.service.rate_limits import RateLimitRepository
from clearcount.service.roles.ceremony_relay import CeremonyMessageRepository
from clearcount.service.trigger.ports import TriggerRepository
from clearcount.storage.ceremony_messages import SqlCeremonyMessageRepository
from clearcount.storage.election_repositories import (
    SqlAppealRepository,
    SqlBoardRepository,
    SqlCredentialBindingRepository,
    SqlElectionRepository,
    SqlPaperEntryRepository,
    SqlPublicationRepository,
    SqlRegisterRepository,
    SqlRoleCardRepository,
)
from clearcount.storage.engine import create_engine
from clearcount.storage.migrate import upgrade
from clearcount.storage.official_repositories import (
    SqlOfficialRepository,
    SqlReminderRepository,
    SqlSessionRepository,
)
from clearcount.storage.rate_limits import SqlRateLimitRepository
from clearcount.storage.repositories import (
    SqlAuditRepository,
    SqlBallotRulesRepository,
    SqlMemberRepository,
    SqlOrganisationRepository,
    SqlSnapshotRepository,
)
from clearcount.storage.sign_in_codes import SqlSignInCodeRepository
from clearcount.storage.trigger_repositories import SqlTriggerRepository

__all__ = ["SqlStore", "SqlUnitOfWork"]

_OUTAGES = (sa.exc.OperationalError, sa.exc.InterfaceError)
"""Errors of an unreachable or failing database (not of a refused statement)."""


def _detail(error: BaseException) -> str:
    return str(getattr(error, "orig", None) or error).strip().splitlines()[0]


def _unavailable(error: BaseException) -> StorageUnavailableError:
    return StorageUnavailableError(
        f"database unavailable: {_detail(error)}; nothing was stored (try again when it is back)"
    )


class SqlUnitOfWork:
    # Typed as the ports (protocol attributes are invariant), so that this class is a
    # `service.membership.ports.UnitOfWork`, a `service.elections.ports.ElectionUnitOfWork`,
    # a `service.trigger.ports.TriggerUnitOfWork` (and the officials' and reminders').
    organisations: OrganisationRepository
    members: MemberRepository
    audit: AuditRepository
    rules: BallotRulesRepository
    snapshots: SnapshotRepository
    elections: ElectionRepository
    board: BoardRepository
    register: RegisterRepository
    bindings: CredentialBindingRepository
    appeals: AppealRepository
    publications: PublicationRepository
    role_cards: RoleCardRepository
    paper_entries: PaperEntryRepository
    triggers: TriggerRepository
    sign_in_codes: SignInCodeRepository
    officials: OfficialRepository
    sessions: SessionRepository
    reminders: ReminderRepository
    ceremony_messages: CeremonyMessageRepository
    rate_limits: RateLimitRepository

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._connection: sa.Connection | None = None
        self._transaction: sa.RootTransaction | None = None

    def __enter__(self) -> Self:
        try:
            connection = self._engine.connect()
            self._connection = connection
            self._transaction = connection.begin()
        except _OUTAGES as error:
            self._discard()
            raise _unavailable(error) from error
        self.organisations = SqlOrganisationRepository(connection)
        self.members = SqlMemberRepository(connection)
        self.audit = SqlAuditRepository(connection)
        self.rules = SqlBallotRulesRepository(connection)
        self.snapshots = SqlSnapshotRepository(connection)
        self.elections = SqlElectionRepository(connection)
        self.board = SqlBoardRepository(connection)
        self.register = SqlRegisterRepository(connection)
        self.bindings = SqlCredentialBindingRepository(connection)
        self.appeals = SqlAppealRepository(connection)
        self.publications = SqlPublicationRepository(connection)
        self.role_cards = SqlRoleCardRepository(connection)
        self.paper_entries = SqlPaperEntryRepository(connection)
        self.triggers = SqlTriggerRepository(connection)
        self.sign_in_codes = SqlSignInCodeRepository(connection)
        self.officials = SqlOfficialRepository(connection)
        self.sessions = SqlSessionRepository(connection)
        self.reminders = SqlReminderRepository(connection)
        self.ceremony_messages = SqlCeremonyMessageRepository(connection)
        self.rate_limits = SqlRateLimitRepository(connection)
        return self

    def _discard(self) -> None:
        """Roll back and close after a failure, ignoring a connection that is already gone."""
        connection, self._connection, self._transaction = self._connection, None, None
        if connection is None:
            return
        with contextlib.suppress(sa.exc.DBAPIError):
            if connection.in_transaction():
                connection.rollback()
        with contextlib.suppress(sa.exc.DBAPIError):
            connection.close()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._connection is None:
            return
        if isinstance(exc, _OUTAGES):
            self._discard()
            raise _unavailable(exc) from exc
        try:
            if self._connection.in_transaction():
                self._connection.rollback()
        finally:
            self._connection.close()
            self._connection = None

    def commit(self) -> None:
        if self._transaction is None or self._connection is None:
            raise RuntimeError("commit() outside `with unit_of_work`")
        try:
            self._transaction.commit()
        except _OUTAGES as error:
            self._discard()
            raise CommitUncertainError(
                f"database connection lost while committing: {_detail(error)}; the change may "
                "or may not have been stored (check before repeating it)"
            ) from error
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
