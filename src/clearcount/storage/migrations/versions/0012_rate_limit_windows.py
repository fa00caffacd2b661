"""Rate limits per client address in the database (issue 9 review), shared by every server
process: `rate_limit_windows` (service.rate_limits, storage.rate_limits).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_limit_windows",
        sa.Column("bucket", sa.String(64), nullable=False),
        sa.Column("window_start", sa.BigInteger, nullable=False),
        sa.Column("window_end", sa.BigInteger, nullable=False),
        sa.Column("hits", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("bucket", "window_start", name="pk_rate_limit_windows"),
    )
    op.create_index("ix_rate_limit_windows_window_end", "rate_limit_windows", ["window_end"])


def downgrade() -> None:
    op.drop_index("ix_rate_limit_windows_window_end", "rate_limit_windows")
    op.drop_table("rate_limit_windows")
