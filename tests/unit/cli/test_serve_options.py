"""`clearcount serve --rate-limit` and the settings a `--workers` process rebuilds its app from."""

from __future__ import annotations

import json

import pytest

from clearcount.cli.common import Database, UserError
from clearcount.cli.serve_command import parse_limits
from clearcount.cli.serve_worker import settings_json
from clearcount.web.app import Limits, WebOptions


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
    options = WebOptions(behind_tls=True, limits=Limits(code=(7, 30.0)))
    settings = json.loads(settings_json(Database("sqlite:///x.db", None, "s1"), options))
    assert settings == {
        "url": "sqlite:///x.db",
        "config_file": None,
        "schema": "s1",
        "behind_tls": True,
        "limits": {"login": [10, 300.0], "code": [7, 30.0], "cast": [20, 600.0]},
    }
