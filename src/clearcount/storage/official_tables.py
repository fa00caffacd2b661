"""Officials' accounts, their sessions and the reminders sent (issue 9, issue 11), on the same
metadata as `tables`. Migration 0008 creates them.

An official's TOTP secret is stored sealed under the server's key (`totp_sealed`, migration
0011; `crypto.sealing`), never in the clear. `officials` and `official_sessions` change
(counters, locks, last seen) and sessions go when they end; `reminder_rounds` and
`reminders_sent` are the reminders' sent log: a round is made once and each member reminded in
it once (`reminders_sent` is append-only).
"""

from __future__ import annotations

import sqlalchemy as sa

from clearcount.storage.tables import HASH, ID, INSTANT, metadata

__all__ = [
    "OFFICIAL_APPEND_ONLY_TABLES",
    "official_sessions",
    "officials",
    "reminder_rounds",
    "reminders_sent",
]

officials = sa.Table(
    "officials",
    metadata,
    sa.Column("username", ID, primary_key=True),
    sa.Column(
        "organisation_id", ID, sa.ForeignKey("organisations.organisation_id"), nullable=False
    ),
    sa.Column("role", sa.String(24), nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("totp_sealed", sa.Text, nullable=False),
    sa.Column("totp_last_step", sa.BigInteger, nullable=False),
    sa.Column("failed_attempts", sa.Integer, nullable=False),
    sa.Column("locked_until", INSTANT, nullable=True),
    sa.Column("created_by", sa.Text, nullable=False),
    sa.Column("created_at", INSTANT, nullable=False),
)

official_sessions = sa.Table(
    "official_sessions",
    metadata,
    sa.Column("token_hash", HASH, primary_key=True),
    sa.Column("username", ID, sa.ForeignKey("officials.username"), nullable=False),
    sa.Column("stage", sa.String(16), nullable=False),
    sa.Column("csrf_token", sa.String(64), nullable=False),
    sa.Column("created_at", INSTANT, nullable=False),
    sa.Column("last_seen", INSTANT, nullable=False),
)
"""Keyed by the SHA-256 of the session token: the database never holds a usable token."""

reminder_rounds = sa.Table(
    "reminder_rounds",
    metadata,
    sa.Column("election_id", ID, sa.ForeignKey("elections.election_id"), primary_key=True),
    sa.Column("round", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("started_at", INSTANT, nullable=False),
    sa.Column("started_by", sa.Text, nullable=False),
    sa.Column("finished_at", INSTANT, nullable=True),
)

reminders_sent = sa.Table(
    "reminders_sent",
    metadata,
    sa.Column("election_id", ID, sa.ForeignKey("elections.election_id"), primary_key=True),
    sa.Column("round", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("member_id", ID, primary_key=True),
    sa.Column("sent_at", INSTANT, nullable=False),
)

OFFICIAL_APPEND_ONLY_TABLES = ("reminders_sent",)
