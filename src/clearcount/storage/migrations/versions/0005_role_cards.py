"""Roles' public cards registered for an election (issue 8, spec §11.2.2); append-only.

Only public values: each card is the role's name, public keys and proof of possession. The
secrets stay in the key files on the roles' own machines.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from clearcount.storage.migrations.append_only import append_only_triggers

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

ID = sa.String(64)
INSTANT = sa.String(32)


def upgrade() -> None:
    op.create_table(
        "role_cards",
        sa.Column("election_id", ID, nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("card", sa.Text, nullable=False),
        sa.Column("registered_by", sa.Text, nullable=False),
        sa.Column("registered_at", INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("election_id", "role", "name", name="pk_role_cards"),
        sa.ForeignKeyConstraint(
            ["election_id"], ["elections.election_id"], name="fk_role_cards_election_id"
        ),
    )
    append_only_triggers(["role_cards"])


def downgrade() -> None:
    op.drop_table("role_cards")
