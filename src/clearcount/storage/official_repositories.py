"""Officials' accounts and sessions, and the reminders' sent log (official_tables)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from clearcount.service.authorisation import Role
from clearcount.service.elections.reminders import ReminderRound
from clearcount.service.officials.records import Official, StoredSession
from clearcount.storage.official_tables import (
    official_sessions,
    officials,
    reminder_rounds,
    reminders_sent,
)

__all__ = ["SqlOfficialRepository", "SqlReminderRepository", "SqlSessionRepository"]


def _official(row: sa.Row[Any]) -> Official:
    return Official(
        row.username,
        row.organisation_id,
        Role(row.role),
        row.name,
        row.password_hash,
        row.totp_sealed,
        row.created_by,
        row.created_at,
        row.totp_last_step,
        row.failed_attempts,
        row.locked_until,
    )


class SqlOfficialRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._c = connection

    def add(self, official: Official) -> None:
        self._c.execute(officials.insert().values(
            username=official.username, organisation_id=official.organisation_id,
            role=official.role.value, name=official.name,
            password_hash=official.password_hash, totp_sealed=official.totp_secret,
            totp_last_step=official.totp_last_step, failed_attempts=official.failed_attempts,
            locked_until=official.locked_until, created_by=official.created_by,
            created_at=official.created_at,
        ))  # fmt: skip

    def get(self, username: str, *, lock: bool = False) -> Official | None:
        query = sa.select(officials).where(officials.c.username == username)
        if lock and self._c.dialect.name == "postgresql":
            query = query.with_for_update()
        row = self._c.execute(query).one_or_none()
        return None if row is None else _official(row)

    def replace(self, official: Official) -> None:
        self._c.execute(
            officials.update()
            .where(officials.c.username == official.username)
            .values(
                totp_last_step=official.totp_last_step,
                failed_attempts=official.failed_attempts,
                locked_until=official.locked_until,
            )
        )

    def list(self, organisation_id: str) -> Sequence[Official]:
        rows = self._c.execute(
            sa.select(officials)
            .where(officials.c.organisation_id == organisation_id)
            .order_by(officials.c.username)
        )
        return [_official(r) for r in rows]


class SqlSessionRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._c = connection

    def add(self, session: StoredSession) -> None:
        self._c.execute(official_sessions.insert().values(
            token_hash=session.token_hash, username=session.username, stage=session.stage,
            csrf_token=session.csrf_token, created_at=session.created_at,
            last_seen=session.last_seen,
        ))  # fmt: skip

    def get(self, token_hash: str) -> StoredSession | None:
        row = self._c.execute(
            sa.select(official_sessions).where(official_sessions.c.token_hash == token_hash)
        ).one_or_none()
        if row is None:
            return None
        return StoredSession(row.token_hash, row.username, row.stage, row.csrf_token,
                             row.created_at, row.last_seen)  # fmt: skip

    def touch(self, token_hash: str, last_seen: str) -> None:
        self._c.execute(
            official_sessions.update()
            .where(official_sessions.c.token_hash == token_hash)
            .values(last_seen=last_seen)
        )

    def delete(self, token_hash: str) -> None:
        self._c.execute(
            official_sessions.delete().where(official_sessions.c.token_hash == token_hash)
        )


class SqlReminderRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._c = connection

    def rounds(self, election_id: str) -> Sequence[ReminderRound]:
        rows = self._c.execute(
            sa.select(reminder_rounds)
            .where(reminder_rounds.c.election_id == election_id)
            .order_by(reminder_rounds.c.round)
        )
        return [
            ReminderRound(r.election_id, r.round, r.started_at, r.started_by, r.finished_at)
            for r in rows
        ]

    def start(self, reminder_round: ReminderRound) -> None:
        r = reminder_round
        self._c.execute(reminder_rounds.insert().values(
            election_id=r.election_id, round=r.round, started_at=r.started_at,
            started_by=r.started_by, finished_at=r.finished_at,
        ))  # fmt: skip

    def finish(self, election_id: str, round_number: int, at: str) -> None:
        self._c.execute(
            reminder_rounds.update()
            .where(reminder_rounds.c.election_id == election_id)
            .where(reminder_rounds.c.round == round_number)
            .values(finished_at=at)
        )

    def sent(self, election_id: str, round_number: int) -> frozenset[str]:
        rows = self._c.execute(
            sa.select(reminders_sent.c.member_id)
            .where(reminders_sent.c.election_id == election_id)
            .where(reminders_sent.c.round == round_number)
        )
        return frozenset(r.member_id for r in rows)

    def add_sent(self, election_id: str, round_number: int, member_id: str, at: str) -> None:
        self._c.execute(reminders_sent.insert().values(
            election_id=election_id, round=round_number, member_id=member_id, sent_at=at
        ))  # fmt: skip
