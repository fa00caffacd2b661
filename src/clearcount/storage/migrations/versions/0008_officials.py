"""Officials' accounts and sessions (issue 9), the reminders' sent log (issue 11).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from clearcount.storage.migrations.append_only import append_only_triggers

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

ID = sa.String(64)
HASH = sa.String(64)
INSTANT = sa.String(32)


def upgrade() -> None:
    op.create_table(
        "officials",
        sa.Column("username", ID, nullable=False),
        sa.Column("organisation_id", ID, nullable=False),
        sa.Column("role", sa.String(24), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("totp_secret", sa.String(64), nullable=False),
        sa.Column("totp_last_step", sa.BigInteger, nullable=False),
        sa.Column("failed_attempts", sa.Integer, nullable=False),
        sa.Column("locked_until", INSTANT, nullable=True),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("username", name="pk_officials"),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.organisation_id"],
            name="fk_officials_organisation_id",
        ),
    )
    op.create_table(
        "official_sessions",
        sa.Column("token_hash", HASH, nullable=False),
        sa.Column("username", ID, nullable=False),
        sa.Column("stage", sa.String(16), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.Column("last_seen", INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("token_hash", name="pk_official_sessions"),
        sa.ForeignKeyConstraint(
            ["username"], ["officials.username"], name="fk_official_sessions_username"
        ),
    )
    op.create_table(
        "reminder_rounds",
        sa.Column("election_id", ID, nullable=False),
        sa.Column("round", sa.Integer, nullable=False, autoincrement=False),
        sa.Column("started_at", INSTANT, nullable=False),
        sa.Column("started_by", sa.Text, nullable=False),
        sa.Column("finished_at", INSTANT, nullable=True),
        sa.PrimaryKeyConstraint("election_id", "round", name="pk_reminder_rounds"),
        sa.ForeignKeyConstraint(
            ["election_id"], ["elections.election_id"], name="fk_reminder_rounds_election_id"
        ),
    )
    op.create_table(
        "reminders_sent",
        sa.Column("election_id", ID, nullable=False),
        sa.Column("round", sa.Integer, nullable=False, autoincrement=False),
        sa.Column("member_id", ID, nullable=False),
        sa.Column("sent_at", INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("election_id", "round", "member_id", name="pk_reminders_sent"),
        sa.ForeignKeyConstraint(
            ["election_id"], ["elections.election_id"], name="fk_reminders_sent_election_id"
        ),
    )
    append_only_triggers(["reminders_sent"])


def downgrade() -> None:
    for table in ("reminders_sent", "reminder_rounds", "official_sessions", "officials"):
        op.drop_table(table)
