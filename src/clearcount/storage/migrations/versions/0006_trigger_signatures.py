"""Trigger ballots' signatures (issue 8): the signed list of bodies and signed affiliate votes.

`trigger_bodies` holds the list of the bodies taking part, signed by the returning officer
before any branch election opens (one per trigger ballot); `trigger_signed_votes` each
affiliate vote as its affiliate's officer signed it (record.trigger_signed). Both are
append-only. Migration 0003's unsigned `trigger_affiliate_votes` stay as evidence and are no
longer counted.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from clearcount.storage.migrations.append_only import append_only_triggers

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

ID = sa.String(64)
HASH = sa.String(64)
INSTANT = sa.String(32)


def upgrade() -> None:
    op.create_table(
        "trigger_bodies",
        sa.Column("trigger_id", ID, nullable=False),
        sa.Column("document", sa.Text, nullable=False),
        sa.Column("hash", HASH, nullable=False),
        sa.Column("fixed_by", sa.Text, nullable=False),
        sa.Column("fixed_at", INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("trigger_id", name="pk_trigger_bodies"),
        sa.ForeignKeyConstraint(
            ["trigger_id"], ["trigger_ballots.trigger_id"], name="fk_trigger_bodies_trigger_id"
        ),
    )
    op.create_table(
        "trigger_signed_votes",
        sa.Column("vote_id", sa.Integer, nullable=False, autoincrement=True),
        sa.Column("trigger_id", ID, nullable=False),
        sa.Column("affiliate", sa.String(200), nullable=False),
        sa.Column("vote", sa.String(8), nullable=False),
        sa.Column("officer", sa.Text, nullable=False),
        sa.Column("signed", sa.Text, nullable=False),
        sa.Column("recorded_by", sa.Text, nullable=False),
        sa.Column("recorded_at", INSTANT, nullable=False),
        sa.Column("replaces", sa.Boolean, nullable=False),
        sa.PrimaryKeyConstraint("vote_id", name="pk_trigger_signed_votes"),
        sa.ForeignKeyConstraint(
            ["trigger_id"],
            ["trigger_ballots.trigger_id"],
            name="fk_trigger_signed_votes_trigger_id",
        ),
    )
    op.create_index("ix_trigger_signed_votes", "trigger_signed_votes", ["trigger_id", "affiliate"])
    append_only_triggers(["trigger_bodies", "trigger_signed_votes"])


def downgrade() -> None:
    op.drop_table("trigger_signed_votes")
    op.drop_table("trigger_bodies")
