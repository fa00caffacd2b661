"""Append-only triggers, as every migration creates them (the same SQL since 0001).

PostgreSQL uses 0001's function `clearcount_append_only` (UPDATE, DELETE and TRUNCATE refused);
SQLite gets one RAISE(ABORT) trigger per verb.
"""

from __future__ import annotations

from collections.abc import Iterable

from alembic import op

__all__ = ["append_only_triggers"]


def append_only_triggers(tables: Iterable[str]) -> None:
    """Make each of `tables` refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL)."""
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in tables:
        if postgres:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION clearcount_append_only()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION clearcount_append_only()"
            )
            continue
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'clearcount: {table} is append-only "
                f"({verb} refused)'); END"
            )
