"""Officials' TOTP secrets sealed at rest (issue 9 review): `officials.totp_secret` (the
base32 secret in the clear) becomes `officials.totp_sealed`, each secret sealed with
ChaCha20-Poly1305 under the server's key, bound to its username (`crypto.sealing`).

The key is the server's (`crypto.server_key`: the environment, else the key file in the data
directory, made at first use with mode 0600), found from this database's location exactly as
the server finds it. A database with no official makes no key.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

from __future__ import annotations

import os
from collections.abc import Callable

import sqlalchemy as sa
from alembic import op

from clearcount.crypto.sealing import ServerKey, open_sealed, seal
from clearcount.crypto.server_key import data_directory, load_server_key
from clearcount.service.officials.records import TOTP_PURPOSE

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def _drop_column(table: str, column: str) -> None:
    """SQLite (3.35+) drops a plain column in place; batch mode would rebuild the table,
    which its foreign keys (official_sessions) forbid inside the migration's transaction."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    else:
        op.drop_column(table, column)


def _key() -> ServerKey:
    bind = op.get_bind()
    database = bind.engine.url.database if bind.dialect.name == "sqlite" else None
    return load_server_key(data_directory(database), os.environ)


def _move(source: str, target: str, change: Callable[[ServerKey, str, str], str]) -> None:
    """Add `target`, fill it from `source` through `change`, drop `source`."""
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":  # the pages that held the old values are zeroed
        op.execute("PRAGMA secure_delete = ON")
    op.add_column("officials", sa.Column(target, sa.Text, nullable=False, server_default=""))
    rows = bind.execute(sa.text(f"SELECT username, {source} FROM officials")).all()  # noqa: S608 - our column names
    key = _key() if rows else None  # no official: no key made
    for username, value in rows:
        assert key is not None
        bind.execute(
            sa.text(f"UPDATE officials SET {target} = :value WHERE username = :username"),  # noqa: S608
            {"value": change(key, username, value), "username": username},
        )
    _drop_column("officials", source)


def upgrade() -> None:
    _move("totp_secret", "totp_sealed", lambda k, u, v: seal(k, TOTP_PURPOSE, u, v))


def downgrade() -> None:
    _move("totp_sealed", "totp_secret", lambda k, u, v: open_sealed(k, TOTP_PURPOSE, u, v))
