"""Each teller's entry of the returned voting papers (issue 10, spec §11.12.2); append-only.

Paper numbers, answers and receipt times only: who holds which number stays in the
scrutineer's sealed list, on its own machine.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from clearcount.storage.migrations.append_only import append_only_triggers

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

ID = sa.String(64)
INSTANT = sa.String(32)


def upgrade() -> None:
    op.create_table(
        "paper_entries",
        sa.Column("election_id", ID, nullable=False),
        sa.Column("teller", sa.String(200), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("answers", sa.Text, nullable=True),
        sa.Column("received", INSTANT, nullable=False),
        sa.Column("entered_at", INSTANT, nullable=False),
        sa.PrimaryKeyConstraint(
            "election_id", "teller", "number", "revision", name="pk_paper_entries"
        ),
        sa.ForeignKeyConstraint(
            ["election_id"], ["elections.election_id"], name="fk_paper_entries_election_id"
        ),
    )
    append_only_triggers(["paper_entries"])


def downgrade() -> None:
    op.drop_table("paper_entries")
