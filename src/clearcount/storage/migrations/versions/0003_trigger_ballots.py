"""Trigger ballots: definitions, branches, affiliate votes, declarations (issue 5).

All four tables are append-only: they are the evidence of who added which branch, which officer
gave which affiliate vote and when, and what was declared.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from clearcount.storage.migrations.append_only import append_only_triggers

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

ID = sa.String(64)
HASH = sa.String(64)
INSTANT = sa.String(32)
APPEND_ONLY = (
    "trigger_ballots",
    "trigger_branches",
    "trigger_affiliate_votes",
    "trigger_declarations",
)


def upgrade() -> None:
    op.create_table(
        "trigger_ballots",
        sa.Column("trigger_id", ID, nullable=False),
        sa.Column("organisation_id", ID, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("profile", sa.String(32), nullable=False),
        sa.Column("affiliates", sa.Text, nullable=False),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("trigger_id", name="pk_trigger_ballots"),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.organisation_id"],
            name="fk_trigger_ballots_organisation_id",
        ),
    )
    op.create_table(
        "trigger_branches",
        sa.Column("trigger_id", ID, nullable=False),
        sa.Column("branch", sa.String(200), nullable=False),
        sa.Column("ordinal", sa.Integer, nullable=False),
        sa.Column("election_id", ID, nullable=False),
        sa.Column("added_by", sa.Text, nullable=False),
        sa.Column("added_at", INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("trigger_id", "branch", name="pk_trigger_branches"),
        sa.ForeignKeyConstraint(
            ["trigger_id"], ["trigger_ballots.trigger_id"], name="fk_trigger_branches_trigger_id"
        ),
        sa.ForeignKeyConstraint(
            ["election_id"], ["elections.election_id"], name="fk_trigger_branches_election_id"
        ),
    )
    op.create_table(
        "trigger_affiliate_votes",
        sa.Column("vote_id", sa.Integer, nullable=False, autoincrement=True),
        sa.Column("trigger_id", ID, nullable=False),
        sa.Column("affiliate", sa.String(200), nullable=False),
        sa.Column("vote", sa.String(8), nullable=False),
        sa.Column("officer", sa.Text, nullable=False),
        sa.Column("recorded_by", sa.Text, nullable=False),
        sa.Column("recorded_at", INSTANT, nullable=False),
        sa.Column("replaces", sa.Boolean, nullable=False),
        sa.PrimaryKeyConstraint("vote_id", name="pk_trigger_affiliate_votes"),
        sa.ForeignKeyConstraint(
            ["trigger_id"],
            ["trigger_ballots.trigger_id"],
            name="fk_trigger_affiliate_votes_trigger_id",
        ),
    )
    op.create_index(
        "ix_trigger_affiliate_votes", "trigger_affiliate_votes", ["trigger_id", "affiliate"]
    )
    op.create_table(
        "trigger_declarations",
        sa.Column("trigger_id", ID, nullable=False),
        sa.Column("document", sa.Text, nullable=False),
        sa.Column("hash", HASH, nullable=False),
        sa.Column("declared_by", sa.Text, nullable=False),
        sa.Column("declared_at", INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("trigger_id", name="pk_trigger_declarations"),
        sa.ForeignKeyConstraint(
            ["trigger_id"],
            ["trigger_ballots.trigger_id"],
            name="fk_trigger_declarations_trigger_id",
        ),
    )
    append_only_triggers(APPEND_ONLY)


def downgrade() -> None:
    for table in (
        "trigger_declarations",
        "trigger_affiliate_votes",
        "trigger_branches",
        "trigger_ballots",
    ):
        op.drop_table(table)
