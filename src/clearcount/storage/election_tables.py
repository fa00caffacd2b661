"""The election lifecycle's tables (SQLAlchemy Core), on the same metadata as `tables`.

`record_events` holds the election record (spec §10.2) event by event, as canonical bytes;
`marked_register` is who voted, by which channel and on which day, with nothing that links a line
to a ballot; `credential_bindings` binds each credential to the first member who used it.
Migration 0002 creates them (0004 rebuilds the register and adds the bindings) and makes the
append-only ones refuse UPDATE and DELETE.
"""

from __future__ import annotations

import sqlalchemy as sa

from clearcount.storage.tables import HASH, ID, INSTANT, metadata

DAY = sa.String(10)  # "YYYY-MM-DD": the register is dated to the day, never finer

__all__ = [
    "ELECTION_APPEND_ONLY_TABLES",
    "appeals",
    "cancelled_credentials",
    "credential_bindings",
    "elections",
    "marked_register",
    "paper_entries",
    "publications",
    "record_event_counts",
    "record_events",
    "role_cards",
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

record_event_counts = sa.Table(
    "record_event_counts",
    metadata,
    sa.Column("election_id", ID, sa.ForeignKey("elections.election_id"), primary_key=True),
    sa.Column("kind", sa.String(24), primary_key=True),
    sa.Column("events", sa.Integer, nullable=False),
)
"""How many events of each kind an election's record holds, kept by the append in the same
transaction: a cast reads its election's phase from a few rows under the election's lock,
not by counting a million Ballot events (migration 0013 fills it from `record_events`)."""

cancelled_credentials = sa.Table(
    "cancelled_credentials",
    metadata,
    sa.Column("election_id", ID, sa.ForeignKey("elections.election_id"), primary_key=True),
    sa.Column("credential", HASH, primary_key=True),
    sa.Column("seq", sa.Integer, nullable=False),
)
"""Each credential a PaperBatch event cancelled (spec §11.6) and that event's seq, written by
the append in the same transaction: a cast asks with one indexed lookup whether its credential
was cancelled, never reading the record's paper batches (migration 0014 fills it)."""

marked_register = sa.Table(
    "marked_register",
    metadata,
    sa.Column("election_id", ID, sa.ForeignKey("elections.election_id"), primary_key=True),
    sa.Column("mark_key", HASH, primary_key=True),
    sa.Column("member_id", ID, nullable=False),
    sa.Column("channel", sa.String(16), nullable=False),
    sa.Column("day", DAY, nullable=False),
    sa.Column("recorded_by", sa.Text, nullable=False),
    sa.Index("ix_marked_register_member", "election_id", "member_id"),
    sqlite_with_rowid=False,
)
"""Keyed by a random `mark_key` (no insertion order, no rowid on SQLite) and dated to the day:
nothing in a line lines up with the Ballot event written in the same transaction."""

credential_bindings = sa.Table(
    "credential_bindings",
    metadata,
    sa.Column("election_id", ID, sa.ForeignKey("elections.election_id"), primary_key=True),
    sa.Column("credential_key", HASH, primary_key=True),
    sa.Column("member_key", HASH, nullable=False),
    sqlite_with_rowid=False,
)
"""A credential bound to the first member who cast with it (Belenios' login binding), as two
hashes (service.elections.credential_binding): no public credential or member id in the clear."""

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

role_cards = sa.Table(
    "role_cards",
    metadata,
    sa.Column("election_id", ID, sa.ForeignKey("elections.election_id"), primary_key=True),
    sa.Column("role", sa.String(16), primary_key=True),
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("card", sa.Text, nullable=False),
    sa.Column("registered_by", sa.Text, nullable=False),
    sa.Column("registered_at", INSTANT, nullable=False),
)
"""The roles' public cards (spec §11.2.2), never a secret (migration 0005)."""

paper_entries = sa.Table(
    "paper_entries",
    metadata,
    sa.Column("election_id", ID, sa.ForeignKey("elections.election_id"), primary_key=True),
    sa.Column("teller", sa.String(200), primary_key=True),
    sa.Column("number", sa.Integer, primary_key=True),
    sa.Column("revision", sa.Integer, primary_key=True),
    sa.Column("answers", sa.Text, nullable=True),
    sa.Column("received", INSTANT, nullable=False),
    sa.Column("entered_at", INSTANT, nullable=False),
)
"""Each teller's entry of the returned voting papers (spec §11.12.2; migration 0010): paper
numbers and answers only, never who holds a number (the scrutineer's sealed list does); a
correction is a new revision, the earlier rows stay."""

ELECTION_APPEND_ONLY_TABLES = (
    "record_events",
    "marked_register",
    "credential_bindings",
    "publications",
    "role_cards",
    "paper_entries",
)
"""Rows never change or go (triggers of migrations 0002, 0004, 0005 and 0010 refuse it; 0014's
`cancelled_credentials` likewise, tested with its migration)."""
