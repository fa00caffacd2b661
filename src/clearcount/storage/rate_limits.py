"""Rate-limit windows (service.rate_limits), shared by every server process: one row per
(hashed limit and address, window start) with its counter. Migration 0012 creates the table.

`hit` is one statement on both databases, INSERT ... ON CONFLICT DO UPDATE SET hits = hits + 1
RETURNING hits (SQLite 3.35+, PostgreSQL 9.5+): the increment and the read are atomic, so
concurrent processes each see their own count. `hit_many` counts several hits of a window
(a batch of casts) with one such statement per window. Not part of
any record and not append-only.
"""

from __future__ import annotations

from collections.abc import Mapping

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from clearcount.storage.tables import HASH, metadata

__all__ = ["SqlRateLimitRepository", "rate_limit_windows"]

rate_limit_windows = sa.Table(
    "rate_limit_windows",
    metadata,
    sa.Column("bucket", HASH, nullable=False),
    sa.Column("window_start", sa.BigInteger, nullable=False),
    sa.Column("window_end", sa.BigInteger, nullable=False),
    sa.Column("hits", sa.Integer, nullable=False),
    sa.PrimaryKeyConstraint("bucket", "window_start", name="pk_rate_limit_windows"),
    sa.Index("ix_rate_limit_windows_window_end", "window_end"),
)


_HIT = {
    dialect.dialect.name: dialect.insert(rate_limit_windows)
    .values(
        bucket=sa.bindparam("b"),
        window_start=sa.bindparam("s"),
        window_end=sa.bindparam("e"),
        hits=sa.bindparam("h"),
    )
    .on_conflict_do_update(
        index_elements=["bucket", "window_start"],
        set_={"hits": rate_limit_windows.c.hits + sa.bindparam("h")},
    )
    .returning(rate_limit_windows.c.hits)
    for dialect in (postgresql, sqlite)
}
"""Built once per dialect: building it cost more than running it (issue 12)."""


class SqlRateLimitRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._c = connection

    def hit(self, bucket: str, window_start: int, window_end: int) -> int:
        return self.hit_many({bucket: (window_start, window_end, 1)})[bucket]

    def hit_many(self, windows: Mapping[str, tuple[int, int, int]]) -> Mapping[str, int]:
        statement = _HIT[self._c.dialect.name]
        found = {}
        for bucket, (start, end, hits) in sorted(windows.items()):  # one lock order
            values = {"b": bucket, "s": start, "e": end, "h": hits}
            found[bucket] = int(self._c.execute(statement, values).scalar_one())
        return found

    def expire(self, now: int) -> None:
        self._c.execute(rate_limit_windows.delete().where(rate_limit_windows.c.window_end <= now))
