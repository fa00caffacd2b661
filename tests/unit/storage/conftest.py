"""Storage tests run on SQLite always, and on PostgreSQL when CLEARCOUNT_TEST_POSTGRES_URL is set
(`eval "$(bash .ci/postgres.sh)"` starts one and prints the export). Each PostgreSQL test gets
its own schema, dropped afterwards."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from clearcount.storage.engine import create_engine
from clearcount.storage.store import SqlStore

POSTGRES_URL = os.environ.get("CLEARCOUNT_TEST_POSTGRES_URL")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str | None]]:
    """(url, schema) of an empty database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'clearcount.db'}", None
        return
    if not POSTGRES_URL:
        if os.environ.get("CLEARCOUNT_REQUIRE_POSTGRES") == "1":
            pytest.fail("CLEARCOUNT_REQUIRE_POSTGRES=1 but CLEARCOUNT_TEST_POSTGRES_URL is not set")
        pytest.skip("CLEARCOUNT_TEST_POSTGRES_URL is not set (see .ci/postgres.sh)")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as c:
        c.exec_driver_sql(f"CREATE SCHEMA {schema}")
    try:
        yield POSTGRES_URL, schema
    finally:
        with admin.begin() as c:
            c.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


@pytest.fixture
def store(backend: tuple[str, str | None]) -> Iterator[SqlStore]:
    url, schema = backend
    s = SqlStore.open(url, schema=schema)
    yield s
    s.close()
