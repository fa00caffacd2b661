"""The key ceremony's messages on the server (service.roles.ceremony_relay), append-only.
Migration 0009 creates the table."""

from __future__ import annotations

import sqlalchemy as sa

from clearcount.storage.tables import ID, INSTANT, metadata

__all__ = ["SqlCeremonyMessageRepository", "ceremony_messages"]

ceremony_messages = sa.Table(
    "ceremony_messages",
    metadata,
    sa.Column("election_id", ID, sa.ForeignKey("elections.election_id"), primary_key=True),
    sa.Column("name", sa.String(16), primary_key=True),
    sa.Column("document", sa.Text, nullable=False),
    sa.Column("stored_at", INSTANT, nullable=False),
)


class SqlCeremonyMessageRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._c = connection

    def get(self, election_id: str, name: str) -> str | None:
        found: str | None = self._c.execute(
            sa.select(ceremony_messages.c.document)
            .where(ceremony_messages.c.election_id == election_id)
            .where(ceremony_messages.c.name == name)
        ).scalar_one_or_none()
        return found

    def add(self, election_id: str, name: str, document: str) -> None:
        from datetime import UTC, datetime

        stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        self._c.execute(
            ceremony_messages.insert().values(
                election_id=election_id, name=name, document=document, stored_at=stamp
            )
        )
