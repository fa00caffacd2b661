"""Elections: definitions, the record's events, the marked register, appeals, publications.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from clearcount.storage.migrations.append_only import append_only_triggers

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ID = sa.String(64)
HASH = sa.String(64)
INSTANT = sa.String(32)
APPEND_ONLY = ("record_events", "marked_register", "publications")


def upgrade() -> None:
    op.create_table(
        "elections",
        sa.Column("election_id", ID, nullable=False),
        sa.Column("organisation_id", ID, nullable=False),
        sa.Column("definition", sa.Text, nullable=False),
        sa.Column("defined_by", sa.Text, nullable=False),
        sa.Column("defined_at", INSTANT, nullable=False),
        sa.Column("roll_version", sa.Integer, nullable=True),
        sa.PrimaryKeyConstraint("election_id", name="pk_elections"),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.organisation_id"],
            name="fk_elections_organisation_id",
        ),
    )
    op.create_table(
        "record_events",
        sa.Column("election_id", ID, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False, autoincrement=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("hash", HASH, nullable=False),
        sa.Column("credential", HASH, nullable=True),
        sa.Column("document", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("election_id", "seq", name="pk_record_events"),
        sa.ForeignKeyConstraint(
            ["election_id"], ["elections.election_id"], name="fk_record_events_election_id"
        ),
    )
    op.create_index("ix_record_events_kind", "record_events", ["election_id", "kind"])
    op.create_index("ix_record_events_hash", "record_events", ["election_id", "hash"])
    op.create_index("ix_record_events_credential", "record_events", ["election_id", "credential"])
    op.create_table(
        "marked_register",
        sa.Column("mark_id", sa.Integer, nullable=False, autoincrement=True),
        sa.Column("election_id", ID, nullable=False),
        sa.Column("member_id", ID, nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("at", INSTANT, nullable=False),
        sa.Column("recorded_by", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("mark_id", name="pk_marked_register"),
        sa.ForeignKeyConstraint(
            ["election_id"], ["elections.election_id"], name="fk_marked_register_election_id"
        ),
    )
    op.create_index("ix_marked_register_member", "marked_register", ["election_id", "member_id"])
    op.create_table(
        "appeals",
        sa.Column("appeal_id", ID, nullable=False),
        sa.Column("election_id", ID, nullable=False),
        sa.Column("appellant", sa.Text, nullable=False),
        sa.Column("grounds", sa.Text, nullable=False),
        sa.Column("lodged_at", INSTANT, nullable=False),
        sa.Column("decision", sa.String(16), nullable=True),
        sa.Column("reasons", sa.Text, nullable=True),
        sa.Column("decided_by", sa.Text, nullable=True),
        sa.Column("decided_at", INSTANT, nullable=True),
        sa.PrimaryKeyConstraint("appeal_id", name="pk_appeals"),
        sa.ForeignKeyConstraint(
            ["election_id"], ["elections.election_id"], name="fk_appeals_election_id"
        ),
    )
    op.create_table(
        "publications",
        sa.Column("publication_id", sa.Integer, nullable=False, autoincrement=True),
        sa.Column("election_id", ID, nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("head", HASH, nullable=False),
        sa.Column("events", sa.Integer, nullable=False),
        sa.Column("verified", sa.Boolean, nullable=False),
        sa.Column("published_by", sa.Text, nullable=False),
        sa.Column("published_at", INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("publication_id", name="pk_publications"),
        sa.ForeignKeyConstraint(
            ["election_id"], ["elections.election_id"], name="fk_publications_election_id"
        ),
    )
    append_only_triggers(APPEND_ONLY)


def downgrade() -> None:
    for table in ("publications", "appeals", "marked_register", "record_events", "elections"):
        op.drop_table(table)
