"""Credentials cancelled by paper ballots (spec §11.6, issue 12): `cancelled_credentials`, one
row per credential a PaperBatch event cancels, written with the event by every append, so an
online cast asks with one indexed lookup whether its credential was cancelled instead of
reading every PaperBatch event of the record under the election's lock. Append-only, like the
events it mirrors. Filled here from the PaperBatch events already stored.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

from clearcount.storage.migrations.append_only import append_only_triggers

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "cancelled_credentials",
        sa.Column("election_id", sa.String(64), nullable=False),
        sa.Column("credential", sa.String(64), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.ForeignKeyConstraint(["election_id"], ["elections.election_id"]),
        sa.PrimaryKeyConstraint("election_id", "credential"),
    )
    rows = op.get_bind().exec_driver_sql(
        "SELECT election_id, seq, document FROM record_events WHERE kind = 'PaperBatch' "
        "ORDER BY election_id, seq"
    )
    found: dict[tuple[str, str], int] = {}
    for election_id, seq, document in rows:
        for credential in json.loads(document)["body"]["cancelled_credentials"]:
            found.setdefault((election_id, credential), seq)
    if found:
        op.bulk_insert(
            table,
            [{"election_id": e, "credential": c, "seq": s} for (e, c), s in found.items()],
        )
    append_only_triggers(["cancelled_credentials"])


def downgrade() -> None:
    op.drop_table("cancelled_credentials")
