"""The key ceremony's messages kept by the server for the role API (issue 9); append-only.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from clearcount.storage.migrations.append_only import append_only_triggers

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ceremony_messages",
        sa.Column("election_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(16), nullable=False),
        sa.Column("document", sa.Text, nullable=False),
        sa.Column("stored_at", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("election_id", "name", name="pk_ceremony_messages"),
        sa.ForeignKeyConstraint(
            ["election_id"], ["elections.election_id"], name="fk_ceremony_messages_election_id"
        ),
    )
    append_only_triggers(["ceremony_messages"])


def downgrade() -> None:
    op.drop_table("ceremony_messages")
