"""Casting privacy (issue 8): a register that does not line up with the ballots, and credentials
bound to the first member who uses them.

`marked_register` is rebuilt: no autoincrement `mark_id` (its order was the ballots' order), a
random `mark_key` as key (SQLite: WITHOUT ROWID, so no hidden insertion order either) and the day
in place of the instant. Existing lines are copied, cut to their day. `credential_bindings` is
new: a credential's hash and its first member's hash (docs/service/casting.md).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

from clearcount.storage.migrations.append_only import append_only_triggers

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

ID = sa.String(64)
HASH = sa.String(64)
DAY = sa.String(10)


def upgrade() -> None:
    bind = op.get_bind()
    old = bind.execute(
        sa.text("SELECT election_id, member_id, channel, at, recorded_by FROM marked_register")
    ).all()
    op.drop_table("marked_register")
    register = op.create_table(
        "marked_register",
        sa.Column("election_id", ID, nullable=False),
        sa.Column("mark_key", HASH, nullable=False),
        sa.Column("member_id", ID, nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("day", DAY, nullable=False),
        sa.Column("recorded_by", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("election_id", "mark_key", name="pk_marked_register"),
        sa.ForeignKeyConstraint(
            ["election_id"], ["elections.election_id"], name="fk_marked_register_election_id"
        ),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_marked_register_member", "marked_register", ["election_id", "member_id"])
    if old:
        rows = [
            {
                "election_id": r.election_id,
                "mark_key": secrets.token_hex(32),
                "member_id": r.member_id,
                "channel": r.channel,
                "day": r.at[:10],
                "recorded_by": r.recorded_by,
            }
            for r in old
        ]
        op.bulk_insert(register, sorted(rows, key=lambda row: row["mark_key"]))
    op.create_table(
        "credential_bindings",
        sa.Column("election_id", ID, nullable=False),
        sa.Column("credential_key", HASH, nullable=False),
        sa.Column("member_key", HASH, nullable=False),
        sa.PrimaryKeyConstraint("election_id", "credential_key", name="pk_credential_bindings"),
        sa.ForeignKeyConstraint(
            ["election_id"], ["elections.election_id"], name="fk_credential_bindings_election_id"
        ),
        sqlite_with_rowid=False,
    )
    append_only_triggers(("marked_register", "credential_bindings"))


def downgrade() -> None:
    """Back to 0002's shape (lines dated at midnight of their day); the bindings are lost."""
    op.drop_table("credential_bindings")
    bind = op.get_bind()
    lines = bind.execute(
        sa.text("SELECT election_id, member_id, channel, day, recorded_by FROM marked_register")
    ).all()
    op.drop_table("marked_register")
    register = op.create_table(
        "marked_register",
        sa.Column("mark_id", sa.Integer, nullable=False, autoincrement=True),
        sa.Column("election_id", ID, nullable=False),
        sa.Column("member_id", ID, nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("recorded_by", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("mark_id", name="pk_marked_register"),
        sa.ForeignKeyConstraint(
            ["election_id"], ["elections.election_id"], name="fk_marked_register_election_id"
        ),
    )
    op.create_index("ix_marked_register_member", "marked_register", ["election_id", "member_id"])
    if lines:
        op.bulk_insert(
            register,
            [
                {
                    "election_id": r.election_id,
                    "member_id": r.member_id,
                    "channel": r.channel,
                    "at": f"{r.day}T00:00:00Z",
                    "recorded_by": r.recorded_by,
                }
                for r in lines
            ],
        )
    append_only_triggers(("marked_register",))
