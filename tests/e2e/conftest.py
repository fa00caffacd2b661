"""End-to-end runs of whole elections through the real `clearcount` commands.

Each test runs on SQLite (a real file) and, when CLEARCOUNT_TEST_POSTGRES_URL is set, on
PostgreSQL (its own schema, dropped afterwards; marked `postgres`). Credentials go through a
real SMTP server (aiosmtpd, tests/unit/mail/smtp_server.py).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.e2e.harness import Cli
from tests.unit.mail.smtp_server import SmtpServer, smtp_server

from clearcount.storage.engine import create_engine

__all__ = ["smtp_server"]

POSTGRES_URL = os.environ.get("CLEARCOUNT_TEST_POSTGRES_URL")
TRUSTEES = ("Priya Nandra", "Owen Birch", "Nia Cedar")
TELLERS = ("Pat Quinn", "Sam Ortiz")
OTHER_ROLES = ("Northgate Ballot Services", "Jo Hale")
"""The credential authority and the returning officer, who make their own keys too (step 4)."""


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment naming an empty database."""
    if request.param == "sqlite":
        yield {"CLEARCOUNT_DATABASE_URL": f"sqlite:///{tmp_path / 'clearcount.db'}"}
        return
    if not POSTGRES_URL:
        if os.environ.get("CLEARCOUNT_REQUIRE_POSTGRES") == "1":
            pytest.fail("CLEARCOUNT_REQUIRE_POSTGRES=1 but CLEARCOUNT_TEST_POSTGRES_URL is not set")
        pytest.skip("CLEARCOUNT_TEST_POSTGRES_URL is not set (see .ci/postgres.sh)")
    schema = f"e2e_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as c:
        c.exec_driver_sql(f"CREATE SCHEMA {schema}")
    try:
        yield {"CLEARCOUNT_DATABASE_URL": POSTGRES_URL, "CLEARCOUNT_DB_SCHEMA": schema}
    finally:
        with admin.begin() as c:
            c.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


def passphrase(name: str) -> str:
    return f"passphrase of {name}, long enough"


@pytest.fixture
def cli(
    tmp_path: Path,
    database: dict[str, str],
    smtp_server: SmtpServer,
    monkeypatch: pytest.MonkeyPatch,
) -> Cli:
    """The election's working folder and environment: database, mail server, passphrases."""
    from clearcount.cli.common import passphrase_variable

    env = {
        **database,
        "CLEARCOUNT_VERIFIER_WORKERS": "1",
        "CLEARCOUNT_CA_PASSPHRASE": passphrase("the scrutineer"),
        "CLEARCOUNT_SMTP_HOST": "127.0.0.1",
        "CLEARCOUNT_SMTP_PORT": str(smtp_server.port),
        "CLEARCOUNT_SMTP_SECURITY": "plain",
        "CLEARCOUNT_SMTP_RETRY_DELAY": "0",
        "CLEARCOUNT_SMTP_FROM": "Northgate Ballot Services <scrutineer@northgate.example>",
        **{passphrase_variable(n): passphrase(n) for n in (*TRUSTEES, *TELLERS, *OTHER_ROLES)},
    }
    work = tmp_path / "work"
    work.mkdir()
    return Cli(work, env, monkeypatch)
