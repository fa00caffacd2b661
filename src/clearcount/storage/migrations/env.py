"""Alembic environment, run programmatically by `clearcount.storage.migrate` (no alembic.ini).

The caller puts an open SQLAlchemy connection in `config.attributes["connection"]`; migrations
run inside the caller's transaction, so a failed migration leaves the schema as it was (both
SQLite and PostgreSQL have transactional DDL). Offline (SQL script) mode is not supported.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from clearcount.storage import (
    election_tables,  # noqa: F401  (its tables join `metadata`)
    rate_limits,  # noqa: F401  (its table joins `metadata`)
    sign_in_codes,  # noqa: F401  (its table joins `metadata`)
)
from clearcount.storage.tables import metadata

config = context.config
connection = config.attributes.get("connection")
if not isinstance(connection, Connection):
    raise RuntimeError(
        "run clearcount's migrations with clearcount.storage.migrate.upgrade(engine), "
        "which passes the connection in config.attributes"
    )
if context.is_offline_mode():
    raise RuntimeError("offline (SQL script) migrations are not supported")
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
