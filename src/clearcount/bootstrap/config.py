"""Configuration: where the database is and how to reach the SMTP server.

Read from an optional TOML file, then the environment (which wins):

    [database]
    path = "ashby-vale.db"         # a SQLite file, relative to this file's folder; or
    url = "postgresql://clearcount@db.example/clearcount"

    [smtp]
    host = "smtp.example.org"
    sender = "Returning Officer <ballots@example.org>"
    port = 587
    security = "starttls"          # or "ssl", "plain"
    username = "ballots"           # the password only from CLEARCOUNT_SMTP_PASSWORD

    [verifier]
    workers = 4

    [reminders]
    every_hours = 24               # at most one round of reminders per this many hours
    [rate_limits]                  # per client address, shared by every process
    cast = [20, 600]               # (bootstrap.limits_config: login, code, cast, and
                                   # [rate_limits.address."IP"] for one address's own)

The file is the one named (`--config`, CLEARCOUNT_CONFIG), else the first `clearcount.toml` in
the current folder or a parent, else $XDG_CONFIG_HOME/clearcount/config.toml (`find_config`). A
relative SQLite path in a file is taken from the file's folder, so a `clearcount.toml` found in
a parent folder names the same database from every folder beneath it.

Environment: CLEARCOUNT_DATABASE_URL or CLEARCOUNT_DATABASE (a URL or a SQLite file's path),
CLEARCOUNT_SMTP_HOST, CLEARCOUNT_SMTP_FROM (the sender),
CLEARCOUNT_SMTP_PORT, CLEARCOUNT_SMTP_SECURITY, CLEARCOUNT_SMTP_USER, CLEARCOUNT_SMTP_PASSWORD,
CLEARCOUNT_VERIFIER_WORKERS, CLEARCOUNT_REMINDERS_EVERY_HOURS: the same names the `credentials`
commands read (docs/README.md).
No secret is read from the file.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from clearcount.bootstrap.limits_config import rate_limits
from clearcount.core.errors import ConfigError
from clearcount.mail.smtp import SmtpSettings
from clearcount.service.rate_limits import RateLimits

__all__ = ["CONFIG_NAME", "Config", "find_config", "load_config", "sqlite_file"]

CONFIG_NAME = "clearcount.toml"
"""The settings file looked for in the current folder and its parents."""

_SMTP_ENV = {
    "host": "HOST",
    "sender": "FROM",
    "port": "PORT",
    "security": "SECURITY",
    "username": "USER",
    "password": "PASSWORD",
}
"""Settings key -> CLEARCOUNT_SMTP_<NAME>, the names the credentials commands use too."""


_DEFAULT = "the default: no --db, CLEARCOUNT_DATABASE or clearcount.toml names one"


@dataclass(frozen=True, slots=True)
class Config:
    """Everything the composition root needs. `database_url` None: ./clearcount.db (SQLite);
    `database_source` says where the URL came from, for messages."""

    database_url: str | None = None
    smtp: SmtpSettings | None = None
    verifier_workers: int | None = None
    reminders_every: timedelta = timedelta(hours=24)
    database_source: str = _DEFAULT
    rate_limits: RateLimits = field(default_factory=RateLimits)


def find_config(start: Path, env: Mapping[str, str]) -> Path | None:
    """The settings file for a command run in `start`: `clearcount.toml` there or in a parent,
    else $XDG_CONFIG_HOME/clearcount/config.toml (default ~/.config); None if neither exists."""
    for folder in (start, *start.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    home = env.get("XDG_CONFIG_HOME") or str(Path(env.get("HOME") or Path.home()) / ".config")
    candidate = Path(home) / "clearcount" / "config.toml"
    return candidate if candidate.is_file() else None


def sqlite_file(url: str | None) -> Path | None:
    """The file a SQLite URL names (None: the default ./clearcount.db); None for any other
    database or an in-memory one."""
    if url is None:
        return Path("clearcount.db")
    for prefix in ("sqlite:///", "sqlite+pysqlite:///"):
        if url.startswith(prefix):
            rest = url[len(prefix) :].split("?", 1)[0]
            return None if rest in ("", ":memory:") else Path(rest)
    return None


def _database(document: Mapping[str, Any], path: Path | None,
              env: Mapping[str, str]) -> tuple[str | None, str]:  # fmt: skip
    """The database URL and where it came from: the environment, else the file's [database]."""
    for name in ("CLEARCOUNT_DATABASE_URL", "CLEARCOUNT_DATABASE"):
        value = env.get(name)
        if value:
            return (value if "://" in value else f"sqlite:///{value}"), f"named by {name}"
    database = _section(document, "database")
    if "path" in database and "url" in database:
        raise ConfigError(f"config {path} [database]: expected path or url, got both")
    if "path" in database:
        url = f"sqlite:///{database['path']}"
    elif "url" in database:
        url = str(database["url"])
    else:
        return None, _DEFAULT
    file = sqlite_file(url)
    if path is not None and file is not None and not file.is_absolute():
        url = f"sqlite:///{path.parent.absolute() / file}"
    return url, f"named by {path}"


def _section(document: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = document.get(name, {})
    if not isinstance(value, dict):
        raise ConfigError(f"config [{name}]: expected a table, got {type(value).__name__}")
    return value


def _integer(value: object, where: str) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise ConfigError(f"config {where}: expected an integer, got {value!r}") from None


def load_config(path: Path | None = None, env: Mapping[str, str] | None = None) -> Config:
    """The configuration from `path` (TOML, optional) and the environment (`os.environ`)."""
    env = os.environ if env is None else env
    document: dict[str, Any] = {}
    if path is not None:
        try:
            document = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise ConfigError(f"config {path}: cannot read it: {error.strerror}") from None
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"config {path}: not valid TOML: {error}") from None
    url, source = _database(document, path, env)
    smtp = dict(_section(document, "smtp"))
    if "password" in smtp:
        raise ConfigError(
            "config [smtp].password: expected none in the file; set "
            "CLEARCOUNT_SMTP_PASSWORD instead"
        )
    for key, name in _SMTP_ENV.items():
        value = env.get(f"CLEARCOUNT_SMTP_{name}")
        if value:
            smtp[key] = value
    settings = None
    if smtp.get("host"):
        if not smtp.get("sender"):
            raise ConfigError("config smtp.sender: expected a From address with the SMTP host")
        settings = SmtpSettings(
            host=str(smtp["host"]),
            sender=str(smtp["sender"]),
            port=_integer(smtp.get("port", 587), "smtp.port"),
            security=str(smtp.get("security", "starttls")),
            username=None if smtp.get("username") is None else str(smtp["username"]),
            password=None if smtp.get("password") is None else str(smtp["password"]),
        )
    workers = env.get("CLEARCOUNT_VERIFIER_WORKERS") or _section(document, "verifier").get(
        "workers"
    )
    every = env.get("CLEARCOUNT_REMINDERS_EVERY_HOURS") or _section(document, "reminders").get(
        "every_hours", 24
    )
    hours = _integer(every, "reminders.every_hours")
    if hours < 1:
        raise ConfigError(f"config reminders.every_hours: expected 1 or more, got {hours}")
    return Config(
        url,
        settings,
        None if workers is None else _integer(workers, "verifier.workers"),
        timedelta(hours=hours),
        source,
        rate_limits(document),
    )
