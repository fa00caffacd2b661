"""`clearcount serve --rate-limit` and what each `--workers` process is started with."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from clearcount.cli import serve_command
from clearcount.cli.common import Database, UserError
from clearcount.cli.serve_command import parse_limits
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


def test_the_command_s_limits_replace_the_settings_for_every_address() -> None:
    settings = RateLimits(code=Limit(5, 600), addresses={"::1": {"code": Limit(9, 9)}})
    limits = settings.given({"code": (100, 0.5), "cast": (3, 60.0)})
    assert limits.code == Limit(100, 1)  # a window is whole seconds
    assert limits.cast == Limit(3, 60)
    assert limits.login == settings.login
    assert limits.limit("code", "::1") == Limit(9, 9)  # an address's own stays


def test_each_worker_gets_every_setting_and_a_minute_before_it_counts_as_hung(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The supervisor forks `--workers` processes, each running `run_worker` with what the
    command resolved; a worker without a heartbeat for a minute is killed as hung (a new one
    on a busy machine needs time to open its database: uvicorn's 5 s killed every new worker
    before it served in the fault soak, bench/server/soak.py)."""
    from clearcount.cli import serve_supervisor, serve_worker
    from clearcount.storage.store import SqlStore

    seen: dict[str, Any] = {}

    def run(self: serve_supervisor.Supervisor) -> int:
        seen.update(size=self.size, hung_after=self.hung_after)
        return self.main(self.listener, serve_supervisor.Heartbeat(-1))

    def run_worker(db: Database, options: WebOptions, limits: object, *_: object) -> int:
        seen.update(db=db, options=options, limits=limits)
        return 0

    monkeypatch.setattr(serve_supervisor.Supervisor, "run", run)
    monkeypatch.setattr(serve_worker, "run_worker", run_worker)
    url = f"sqlite:///{tmp_path / 'clearcount.db'}"
    SqlStore.open(url).close()
    db = Database(url, None, "s1")
    serve_command.serve(db, "127.0.0.1", 0, workers=3, behind_tls=True, limits={"code": (7, 30)})
    assert seen["size"] == 3
    assert seen["hung_after"] == serve_command.WORKER_HEALTHCHECK_SECONDS >= 30
    assert seen["db"] == db
    assert seen["options"] == WebOptions(behind_tls=True)
    assert seen["limits"] == {"code": (7, 30)}


def test_several_workers_refuse_a_mailer_of_their_own(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'clearcount.db'}", None, None)
    with pytest.raises(UserError, match="--workers: several processes send mail only"):
        serve_command.serve(db, "127.0.0.1", 0, workers=2, mailer=object())  # type: ignore[arg-type]


def test_a_missing_sqlite_file_is_named_before_any_worker_starts(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'nowhere.db'}", None, None)
    with pytest.raises(UserError, match="no clearcount database at"):
        serve_command.serve(db, "127.0.0.1", 0, workers=2)


def test_several_workers_need_fork(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import os

    monkeypatch.delattr(os, "fork")
    db = Database(f"sqlite:///{tmp_path / 'clearcount.db'}", None, None)
    with pytest.raises(UserError, match="--workers: several processes need Linux or another POSIX"):
        serve_command.serve(db, "127.0.0.1", 0, workers=2)
