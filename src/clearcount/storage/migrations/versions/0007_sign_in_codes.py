"""The booth's one-time sign-in codes (issue 9): `sign_in_codes`, one row per election and
member, holding a salted hash of the code, its expiry and its try counter (storage.sign_in_codes).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

ID = sa.String(64)
HASH = sa.String(64)
INSTANT = sa.String(32)


def upgrade() -> None:
    op.create_table(
        "sign_in_codes",
        sa.Column("election_id", ID, nullable=False),
        sa.Column("member_id", ID, nullable=False),
        sa.Column("code_hash", HASH, nullable=False),
        sa.Column("salt", sa.String(32), nullable=False),
        sa.Column("issued_at", INSTANT, nullable=False),
        sa.Column("expires_at", INSTANT, nullable=False),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("used", sa.Boolean, nullable=False),
        sa.PrimaryKeyConstraint("election_id", "member_id", name="pk_sign_in_codes"),
        sa.ForeignKeyConstraint(
            ["election_id"], ["elections.election_id"], name="fk_sign_in_codes_election_id"
        ),
    )


def downgrade() -> None:
    op.drop_table("sign_in_codes")
