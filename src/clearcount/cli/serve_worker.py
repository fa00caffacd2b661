"""The app factory each `clearcount serve --workers N` process runs (uvicorn's multi-process mode).

uvicorn starts every worker in a fresh interpreter and imports the app by name
(`clearcount.cli.serve_worker:app`, `factory=True`), so nothing built in the `serve` command's
process can be handed over. The command puts what it resolved from its options (database URL,
settings file, schema, TLS, rate limits) in the environment variable `SETTINGS` as JSON; each
worker reads it, opens its own services over the same database and builds the same app. Only
`clearcount serve` imports this module (lazily, by name), never another command.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from starlette.applications import Starlette

from clearcount.bootstrap import build
from clearcount.web.app import WebOptions, create_app

from .common import Database
from .context import config_of

__all__ = ["SETTINGS", "app", "settings_json"]

SETTINGS = "CLEARCOUNT_SERVE_SETTINGS"


def settings_json(
    db: Database, options: WebOptions, limits: Mapping[str, tuple[int, float]]
) -> str:
    """What a worker needs to build the same app as the `serve` command's process (`limits`:
    the `--rate-limit` ones; the settings file's the worker reads itself)."""
    return json.dumps(
        {
            "url": db.url,
            "config_file": None if db.config_file is None else str(db.config_file),
            "schema": db.schema,
            "behind_tls": options.behind_tls,
            "limits": dict(limits),
        }
    )


def app() -> Starlette:
    """The site over this worker's own services (closed when the worker stops)."""
    raw = os.environ.get(SETTINGS)
    if not raw:
        raise RuntimeError(f"{SETTINGS} is not set: start workers with `clearcount serve`")
    settings: dict[str, Any] = json.loads(raw)
    config_file = settings["config_file"]
    db = Database(
        settings["url"], None if config_file is None else Path(config_file), settings["schema"]
    )
    given = {
        name: (int(count), float(window)) for name, (count, window) in settings["limits"].items()
    }
    options = WebOptions(behind_tls=settings["behind_tls"])
    config = config_of(db)
    services = build(config, schema=db.schema)
    services.rate_limits.limits = services.rate_limits.limits.given(given)
    return create_app(config, services=services, options=options, owns_services=True)
