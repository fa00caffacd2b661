"""Initial schema: organisations, units, members, audit log, eligibility rules, frozen rolls.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from clearcount.storage.migrations.append_only import append_only_triggers

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ID = sa.String(64)
HASH = sa.String(64)
INSTANT = sa.String(32)
APPEND_ONLY = ("audit_events", "ballot_rules", "roll_salts", "roll_snapshots", "roll_entries")


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("organisation_id", ID, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("organisation_id", name="pk_organisations"),
    )
    op.create_table(
        "units",
        sa.Column("organisation_id", ID, nullable=False),
        sa.Column("unit_id", ID, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("parent_id", ID, nullable=True),
        sa.PrimaryKeyConstraint("organisation_id", "unit_id", name="pk_units"),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.organisation_id"], name="fk_units_organisation_id"
        ),
    )
    op.create_table(
        "members",
        sa.Column("organisation_id", ID, nullable=False),
        sa.Column("member_id", ID, nullable=False),
        sa.Column("given_name", sa.Text, nullable=False),
        sa.Column("family_name", sa.Text, nullable=False),
        sa.Column("email", sa.Text, nullable=False),
        sa.Column("phone", sa.Text, nullable=False),
        sa.Column("address", sa.Text, nullable=False),
        sa.Column("postcode", sa.Text, nullable=False),
        sa.Column("joined", sa.Date, nullable=False),
        sa.Column("left_on", sa.Date, nullable=True),
        sa.Column("paid_up_to", sa.Date, nullable=True),
        sa.Column("units", sa.Text, nullable=False),
        sa.Column("categories", sa.Text, nullable=False),
        sa.Column("suspensions", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("organisation_id", "member_id", name="pk_members"),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.organisation_id"],
            name="fk_members_organisation_id",
        ),
    )
    op.create_table(
        "audit_events",
        sa.Column("seq", sa.Integer, nullable=False, autoincrement=False),
        sa.Column("at", INSTANT, nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("organisation_id", ID, nullable=True),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("field", sa.Text, nullable=True),
        sa.Column("old", sa.Text, nullable=True),
        sa.Column("new", sa.Text, nullable=True),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("prev_hash", HASH, nullable=False),
        sa.Column("hash", HASH, nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_audit_events"),
        sa.UniqueConstraint("prev_hash", name="uq_audit_events_prev_hash"),
        sa.UniqueConstraint("hash", name="uq_audit_events_hash"),
    )
    op.create_index(
        "ix_audit_events_organisation_subject", "audit_events", ["organisation_id", "subject"]
    )
    op.create_table(
        "ballot_rules",
        sa.Column("ballot_id", ID, nullable=False),
        sa.Column("version", sa.Integer, nullable=False, autoincrement=False),
        sa.Column("organisation_id", ID, nullable=False),
        sa.Column("rules", sa.Text, nullable=False),
        sa.Column("set_by", sa.Text, nullable=False),
        sa.Column("set_at", INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("ballot_id", "version", name="pk_ballot_rules"),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.organisation_id"],
            name="fk_ballot_rules_organisation_id",
        ),
    )
    op.create_table(
        "roll_salts",
        sa.Column("ballot_id", ID, nullable=False),
        sa.Column("member_id", ID, nullable=False),
        sa.Column("salt", sa.LargeBinary(32), nullable=False),
        sa.PrimaryKeyConstraint("ballot_id", "member_id", name="pk_roll_salts"),
    )
    op.create_table(
        "roll_snapshots",
        sa.Column("ballot_id", ID, nullable=False),
        sa.Column("version", sa.Integer, nullable=False, autoincrement=False),
        sa.Column("organisation_id", ID, nullable=False),
        sa.Column("rules_version", sa.Integer, nullable=False),
        sa.Column("frozen_at", INSTANT, nullable=False),
        sa.Column("frozen_by", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("root", HASH, nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("eligible", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("ballot_id", "version", name="pk_roll_snapshots"),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.organisation_id"],
            name="fk_roll_snapshots_organisation_id",
        ),
        sa.ForeignKeyConstraint(
            ["ballot_id", "rules_version"],
            ["ballot_rules.ballot_id", "ballot_rules.version"],
            name="fk_roll_snapshots_rules",
        ),
    )
    op.create_table(
        "roll_entries",
        sa.Column("ballot_id", ID, nullable=False),
        sa.Column("version", sa.Integer, nullable=False, autoincrement=False),
        sa.Column("position", sa.Integer, nullable=False, autoincrement=False),
        sa.Column("member_id", ID, nullable=False),
        sa.Column("salt", sa.LargeBinary(32), nullable=False),
        sa.Column("commitment", HASH, nullable=False),
        sa.Column("facts", sa.Text, nullable=False),
        sa.Column("decision", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("ballot_id", "version", "position", name="pk_roll_entries"),
        sa.ForeignKeyConstraint(
            ["ballot_id", "version"],
            ["roll_snapshots.ballot_id", "roll_snapshots.version"],
            name="fk_roll_entries_snapshot",
        ),
        sa.UniqueConstraint("ballot_id", "version", "member_id", name="uq_roll_entries_member"),
    )
    _append_only_triggers()


def _append_only_triggers() -> None:
    """Refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL) on the append-only tables."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION clearcount_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'clearcount: % is append-only (% refused)', TG_TABLE_NAME, "
            "TG_OP USING ERRCODE = 'insufficient_privilege'; END $$"
        )
    append_only_triggers(APPEND_ONLY)


def downgrade() -> None:
    for table in reversed(
        (
            "organisations",
            "units",
            "members",
            "audit_events",
            "ballot_rules",
            "roll_salts",
            "roll_snapshots",
            "roll_entries",
        )
    ):
        op.drop_table(table)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION clearcount_append_only()")
