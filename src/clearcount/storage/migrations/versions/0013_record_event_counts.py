"""Events per kind of each election's record (issue 12): `record_event_counts`, kept by every
append, so a cast reads the election's phase from a few rows instead of counting the record.
Filled here from the events already stored.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "record_event_counts",
        sa.Column("election_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("events", sa.Integer, nullable=False),
        sa.ForeignKeyConstraint(["election_id"], ["elections.election_id"]),
        sa.PrimaryKeyConstraint("election_id", "kind"),
    )
    op.execute(
        "INSERT INTO record_event_counts (election_id, kind, events) "
        "SELECT election_id, kind, COUNT(*) FROM record_events GROUP BY election_id, kind"
    )


def downgrade() -> None:
    op.drop_table("record_event_counts")
