"""The trigger ballot's tables (SQLAlchemy Core), on the same metadata as `tables`.

Migration 0003 creates them and 0006 adds the signed list of bodies and the affiliates' signed
votes (issue 8); all are append-only (evidence: who added which branch, which officer
gave which affiliate vote and when, what was declared): an affiliate vote replaced with
`--replace` is a new row, the old one stays.
"""

from __future__ import annotations

import sqlalchemy as sa

from clearcount.storage.tables import HASH, ID, INSTANT, metadata

__all__ = [
    "TRIGGER_APPEND_ONLY_TABLES",
    "trigger_affiliate_votes",
    "trigger_ballots",
    "trigger_bodies",
    "trigger_branches",
    "trigger_declarations",
    "trigger_signed_votes",
]

trigger_ballots = sa.Table(
    "trigger_ballots",
    metadata,
    sa.Column("trigger_id", ID, primary_key=True),
    sa.Column(
        "organisation_id", ID, sa.ForeignKey("organisations.organisation_id"), nullable=False
    ),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("profile", sa.String(32), nullable=False),
    sa.Column("affiliates", sa.Text, nullable=False),
    sa.Column("created_by", sa.Text, nullable=False),
    sa.Column("created_at", INSTANT, nullable=False),
)

trigger_branches = sa.Table(
    "trigger_branches",
    metadata,
    sa.Column("trigger_id", ID, sa.ForeignKey("trigger_ballots.trigger_id"), primary_key=True),
    sa.Column("branch", sa.String(200), primary_key=True),
    sa.Column("ordinal", sa.Integer, nullable=False),
    sa.Column("election_id", ID, sa.ForeignKey("elections.election_id"), nullable=False),
    sa.Column("added_by", sa.Text, nullable=False),
    sa.Column("added_at", INSTANT, nullable=False),
)


def _vote_table(name: str, *signed: sa.Column[str]) -> sa.Table:
    """An affiliate vote table: who voted what, given by which officer, recorded when."""
    return sa.Table(
        name,
        metadata,
        sa.Column("vote_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("trigger_id", ID, sa.ForeignKey("trigger_ballots.trigger_id"), nullable=False),
        sa.Column("affiliate", sa.String(200), nullable=False),
        sa.Column("vote", sa.String(8), nullable=False),
        sa.Column("officer", sa.Text, nullable=False),
        *signed,
        sa.Column("recorded_by", sa.Text, nullable=False),
        sa.Column("recorded_at", INSTANT, nullable=False),
        sa.Column("replaces", sa.Boolean, nullable=False),
        sa.Index(f"ix_{name}", "trigger_id", "affiliate"),
    )


trigger_affiliate_votes = _vote_table("trigger_affiliate_votes")
"""Migration 0003's unsigned votes: kept as evidence, never counted since 0006."""

trigger_signed_votes = _vote_table(
    "trigger_signed_votes", sa.Column("signed", sa.Text, nullable=False)
)
"""Each affiliate vote as its officer signed it (record.trigger_signed), since 0006."""

trigger_bodies = sa.Table(
    "trigger_bodies",
    metadata,
    sa.Column("trigger_id", ID, sa.ForeignKey("trigger_ballots.trigger_id"), primary_key=True),
    sa.Column("document", sa.Text, nullable=False),
    sa.Column("hash", HASH, nullable=False),
    sa.Column("fixed_by", sa.Text, nullable=False),
    sa.Column("fixed_at", INSTANT, nullable=False),
)

trigger_declarations = sa.Table(
    "trigger_declarations",
    metadata,
    sa.Column("trigger_id", ID, sa.ForeignKey("trigger_ballots.trigger_id"), primary_key=True),
    sa.Column("document", sa.Text, nullable=False),
    sa.Column("hash", HASH, nullable=False),
    sa.Column("declared_by", sa.Text, nullable=False),
    sa.Column("declared_at", INSTANT, nullable=False),
)

TRIGGER_APPEND_ONLY_TABLES = (
    "trigger_ballots",
    "trigger_branches",
    "trigger_affiliate_votes",
    "trigger_declarations",
    "trigger_bodies",
    "trigger_signed_votes",
)
"""Rows never change or go (triggers of migrations 0003 and 0006 refuse it)."""
