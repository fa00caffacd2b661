"""Configuration: where the database is and how to reach the SMTP server.

Read from an optional TOML file, then the environment (which wins):

    [database]
    url = "postgresql://clearcount@db.example/clearcount"   # default: sqlite:///clearcount.db

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

Environment: CLEARCOUNT_DATABASE_URL, CLEARCOUNT_SMTP_HOST, CLEARCOUNT_SMTP_FROM (the sender),
CLEARCOUNT_SMTP_PORT, CLEARCOUNT_SMTP_SECURITY, CLEARCOUNT_SMTP_USER, CLEARCOUNT_SMTP_PASSWORD,
CLEARCOUNT_VERIFIER_WORKERS, CLEARCOUNT_REMINDERS_EVERY_HOURS: the same names the `credentials`
commands read (docs/README.md).
No secret is read from the file.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from clearcount.core.errors import ConfigError
from clearcount.mail.smtp import SmtpSettings

__all__ = ["Config", "load_config"]

_SMTP_ENV = {
    "host": "HOST",
    "sender": "FROM",
    "port": "PORT",
    "security": "SECURITY",
    "username": "USER",
    "password": "PASSWORD",
}
"""Settings key -> CLEARCOUNT_SMTP_<NAME>, the names the credentials commands use too."""


@dataclass(frozen=True, slots=True)
class Config:
    """Everything the composition root needs. `database_url` None: ./clearcount.db (SQLite)."""

    database_url: str | None = None
    smtp: SmtpSettings | None = None
    verifier_workers: int | None = None
    reminders_every: timedelta = timedelta(hours=24)


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
    database = _section(document, "database")
    smtp = dict(_section(document, "smtp"))
    if "password" in smtp:
        raise ConfigError(
            "config [smtp].password: expected none in the file; set "
            "CLEARCOUNT_SMTP_PASSWORD instead"
        )
    url = env.get("CLEARCOUNT_DATABASE_URL") or database.get("url")
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
        None if url is None else str(url),
        settings,
        None if workers is None else _integer(workers, "verifier.workers"),
        timedelta(hours=hours),
    )
