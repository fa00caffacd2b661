"""`clearcount serve --rate-limit` and the settings a `--workers` process rebuilds its app from."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from clearcount.cli import serve_command
from clearcount.cli.common import Database, UserError
from clearcount.cli.serve_command import parse_limits
from clearcount.cli.serve_worker import settings_json
from clearcount.service.rate_limits import Limit, RateLimits
from clearcount.web.app import WebOptions


def test_rate_limits_are_read_by_name() -> None:
    assert parse_limits(("code=100/60", " cast=5/0.5 ")) == {
        "code": (100, 60.0),
        "cast": (5, 0.5),
    }
    assert parse_limits(()) == {}


@pytest.mark.parametrize("bad", ["votes=1/60", "code=0/60", "code=5/0", "code=5", "code=a/b"])
def test_a_bad_rate_limit_is_named_with_the_expected_form(bad: str) -> None:
    with pytest.raises(UserError, match=r"--rate-limit .*expected NAME=COUNT/SECONDS"):
        parse_limits((bad,))


def test_a_worker_gets_every_setting_the_command_resolved() -> None:
    options = WebOptions(behind_tls=True)
    given = {"code": (7, 30.0)}
    settings = json.loads(settings_json(Database("sqlite:///x.db", None, "s1"), options, given))
    assert settings == {
        "url": "sqlite:///x.db",
        "config_file": None,
        "schema": "s1",
        "behind_tls": True,
        "limits": {"code": [7, 30.0]},
    }


def test_the_command_s_limits_replace_the_settings_for_every_address() -> None:
    settings = RateLimits(code=Limit(5, 600), addresses={"::1": {"code": Limit(9, 9)}})
    limits = settings.given({"code": (100, 0.5), "cast": (3, 60.0)})
    assert limits.code == Limit(100, 1)  # a window is whole seconds
    assert limits.cast == Limit(3, 60)
    assert limits.login == settings.login
    assert limits.limit("code", "::1") == Limit(9, 9)  # an address's own stays


def test_workers_get_time_to_start_before_uvicorn_calls_them_hung(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """uvicorn's master kills a worker that has not answered its health ping in 5 s; on a busy
    machine a worker takes longer than that to start, and the fault soak (bench/server/soak.py)
    saw the master kill every new worker before it served. The command gives them a minute."""
    import uvicorn

    from clearcount.cli.serve_worker import SETTINGS
    from clearcount.storage.store import SqlStore

    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: seen.update(kwargs, app=app))
    monkeypatch.setenv(SETTINGS, "")  # serve() sets it for its workers; restored afterwards
    url = f"sqlite:///{tmp_path / 'clearcount.db'}"
    SqlStore.open(url).close()
    db = Database(url, None, None)
    serve_command.serve(db, "127.0.0.1", 8000, workers=3)
    assert seen["app"] == "clearcount.cli.serve_worker:app"
    assert seen["workers"] == 3
    assert seen["timeout_worker_healthcheck"] == serve_command.WORKER_HEALTHCHECK_SECONDS >= 30
