"""The tables (SQLAlchemy Core). Lists and structured values are canonical JSON text.

The migrations under `migrations/versions` create exactly these tables (a test compares them);
they also add the triggers that make the append-only tables refuse UPDATE, DELETE and TRUNCATE.
"""

from __future__ import annotations

import sqlalchemy as sa

__all__ = [
    "APPEND_ONLY_TABLES",
    "audit_events",
    "ballot_rules",
    "members",
    "metadata",
    "organisations",
    "roll_entries",
    "roll_salts",
    "roll_snapshots",
    "units",
]

metadata = sa.MetaData(
    naming_convention={
        "pk": "pk_%(table_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ix": "ix_%(table_name)s_%(column_0_name)s",
    }
)

ID = sa.String(64)
HASH = sa.String(64)
INSTANT = sa.String(32)  # "YYYY-MM-DDTHH:MM:SS.ffffffZ" (audit.format_instant)

organisations = sa.Table(
    "organisations",
    metadata,
    sa.Column("organisation_id", ID, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
)

units = sa.Table(
    "units",
    metadata,
    sa.Column(
        "organisation_id", ID, sa.ForeignKey("organisations.organisation_id"), primary_key=True
    ),
    sa.Column("unit_id", ID, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("parent_id", ID, nullable=True),
)

members = sa.Table(
    "members",
    metadata,
    sa.Column(
        "organisation_id", ID, sa.ForeignKey("organisations.organisation_id"), primary_key=True
    ),
    sa.Column("member_id", ID, primary_key=True),
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
)

audit_events = sa.Table(
    "audit_events",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("at", INSTANT, nullable=False),
    sa.Column("actor", sa.Text, nullable=False),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("organisation_id", ID, nullable=True),
    sa.Column("subject", sa.Text, nullable=False),
    sa.Column("field", sa.Text, nullable=True),
    sa.Column("old", sa.Text, nullable=True),
    sa.Column("new", sa.Text, nullable=True),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("prev_hash", HASH, nullable=False, unique=True),
    sa.Column("hash", HASH, nullable=False, unique=True),
    sa.Index("ix_audit_events_organisation_subject", "organisation_id", "subject"),
)

ballot_rules = sa.Table(
    "ballot_rules",
    metadata,
    sa.Column("ballot_id", ID, primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column(
        "organisation_id", ID, sa.ForeignKey("organisations.organisation_id"), nullable=False
    ),
    sa.Column("rules", sa.Text, nullable=False),
    sa.Column("set_by", sa.Text, nullable=False),
    sa.Column("set_at", INSTANT, nullable=False),
)

roll_salts = sa.Table(
    "roll_salts",
    metadata,
    sa.Column("ballot_id", ID, primary_key=True),
    sa.Column("member_id", ID, primary_key=True),
    sa.Column("salt", sa.LargeBinary(32), nullable=False),
)

roll_snapshots = sa.Table(
    "roll_snapshots",
    metadata,
    sa.Column("ballot_id", ID, primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column(
        "organisation_id", ID, sa.ForeignKey("organisations.organisation_id"), nullable=False
    ),
    sa.Column("rules_version", sa.Integer, nullable=False),
    sa.Column("frozen_at", INSTANT, nullable=False),
    sa.Column("frozen_by", sa.Text, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("root", HASH, nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("eligible", sa.Integer, nullable=False),
    sa.ForeignKeyConstraint(
        ["ballot_id", "rules_version"],
        ["ballot_rules.ballot_id", "ballot_rules.version"],
        name="fk_roll_snapshots_rules",
    ),
)

roll_entries = sa.Table(
    "roll_entries",
    metadata,
    sa.Column("ballot_id", ID, primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("member_id", ID, nullable=False),
    sa.Column("salt", sa.LargeBinary(32), nullable=False),
    sa.Column("commitment", HASH, nullable=False),
    sa.Column("facts", sa.Text, nullable=False),
    sa.Column("decision", sa.Text, nullable=False),
    sa.ForeignKeyConstraint(
        ["ballot_id", "version"],
        ["roll_snapshots.ballot_id", "roll_snapshots.version"],
        name="fk_roll_entries_snapshot",
    ),
    sa.UniqueConstraint("ballot_id", "version", "member_id", name="uq_roll_entries_member"),
)

# Tables whose rows, once written, never change or go (storage triggers refuse it).
APPEND_ONLY_TABLES = (
    "audit_events",
    "ballot_rules",
    "roll_salts",
    "roll_snapshots",
    "roll_entries",
)
