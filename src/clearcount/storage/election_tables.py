"""The election lifecycle's tables (SQLAlchemy Core), on the same metadata as `tables`.

`record_events` holds the election record (spec §10.2) event by event, as canonical bytes;
`marked_register` is who voted, by which channel and when, with nothing that links a line to a
ballot. Migration 0002 creates them and makes the append-only ones refuse UPDATE and DELETE.
"""

from __future__ import annotations

import sqlalchemy as sa

from clearcount.storage.tables import HASH, ID, INSTANT, metadata

__all__ = [
    "ELECTION_APPEND_ONLY_TABLES",
    "appeals",
    "elections",
    "marked_register",
    "publications",
    "record_events",
]

elections = sa.Table(
    "elections",
    metadata,
    sa.Column("election_id", ID, primary_key=True),
    sa.Column(
        "organisation_id", ID, sa.ForeignKey("organisations.organisation_id"), nullable=False
    ),
    sa.Column("definition", sa.Text, nullable=False),
    sa.Column("defined_by", sa.Text, nullable=False),
    sa.Column("defined_at", INSTANT, nullable=False),
    sa.Column("roll_version", sa.Integer, nullable=True),
)

record_events = sa.Table(
    "record_events",
    metadata,
    sa.Column("election_id", ID, sa.ForeignKey("elections.election_id"), primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("kind", sa.String(24), nullable=False),
    sa.Column("hash", HASH, nullable=False),
    sa.Column("credential", HASH, nullable=True),
    sa.Column("document", sa.Text, nullable=False),
    sa.Index("ix_record_events_kind", "election_id", "kind"),
    sa.Index("ix_record_events_hash", "election_id", "hash"),
    sa.Index("ix_record_events_credential", "election_id", "credential"),
)

marked_register = sa.Table(
    "marked_register",
    metadata,
    sa.Column("mark_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("election_id", ID, sa.ForeignKey("elections.election_id"), nullable=False),
    sa.Column("member_id", ID, nullable=False),
    sa.Column("channel", sa.String(16), nullable=False),
    sa.Column("at", INSTANT, nullable=False),
    sa.Column("recorded_by", sa.Text, nullable=False),
    sa.Index("ix_marked_register_member", "election_id", "member_id"),
)

appeals = sa.Table(
    "appeals",
    metadata,
    sa.Column("appeal_id", ID, primary_key=True),
    sa.Column("election_id", ID, sa.ForeignKey("elections.election_id"), nullable=False),
    sa.Column("appellant", sa.Text, nullable=False),
    sa.Column("grounds", sa.Text, nullable=False),
    sa.Column("lodged_at", INSTANT, nullable=False),
    sa.Column("decision", sa.String(16), nullable=True),
    sa.Column("reasons", sa.Text, nullable=True),
    sa.Column("decided_by", sa.Text, nullable=True),
    sa.Column("decided_at", INSTANT, nullable=True),
)

publications = sa.Table(
    "publications",
    metadata,
    sa.Column("publication_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("election_id", ID, sa.ForeignKey("elections.election_id"), nullable=False),
    sa.Column("path", sa.Text, nullable=False),
    sa.Column("head", HASH, nullable=False),
    sa.Column("events", sa.Integer, nullable=False),
    sa.Column("verified", sa.Boolean, nullable=False),
    sa.Column("published_by", sa.Text, nullable=False),
    sa.Column("published_at", INSTANT, nullable=False),
)

ELECTION_APPEND_ONLY_TABLES = ("record_events", "marked_register", "publications")
"""Rows never change or go (triggers of migration 0002 refuse it)."""
