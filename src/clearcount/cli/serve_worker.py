"""One `clearcount serve --workers N` process, forked by the supervisor (`serve_supervisor`).

Imported by the `serve` command before it forks, so every worker inherits the web app's modules
already imported, the site's route modules too (`create_app` would import them in each worker:
a fifth of a second of CPU, against 0.07 s for the rest of a worker's start on SQLite). Only
`clearcount serve` imports this module (lazily), never another command. A worker opens its own
services over the database (an engine's connections cannot be shared across a fork), builds the
site and runs uvicorn's server on the inherited socket, beating its heartbeat from the event
loop so that the supervisor can tell a hung worker from a busy one.
"""

from __future__ import annotations

import signal
import socket
from collections.abc import Mapping

import click
import uvicorn
import uvicorn.lifespan.on  # what uvicorn.Config.load imports in each worker, imported once
import uvicorn.protocols.http.auto
import uvicorn.protocols.websockets.auto

from clearcount.web.api import roles as _role_api  # noqa: F401
from clearcount.web.app import WebOptions, create_app
from clearcount.web.console import routes as _console  # noqa: F401
from clearcount.web.public import routes as _public  # noqa: F401
from clearcount.web.voter import routes as _voter  # noqa: F401

from .common import Database
from .context import config_of, open_services
from .serve_supervisor import HEARTBEAT_SECONDS, Heartbeat

__all__ = ["GRACEFUL_SHUTDOWN_SECONDS", "run_worker"]

GRACEFUL_SHUTDOWN_SECONDS = 20
"""How long a stopping worker lets the requests in flight finish (the supervisor waits longer)."""

_TICKS_PER_BEAT = round(HEARTBEAT_SECONDS / 0.1)  # uvicorn's main loop ticks every 0.1 s


class _BeatingServer(uvicorn.Server):
    """uvicorn's server, beating the heartbeat from its main loop (which runs only once the
    site has started, and only while the event loop is not blocked)."""

    def __init__(self, config: uvicorn.Config, heartbeat: Heartbeat) -> None:
        super().__init__(config)
        self.heartbeat = heartbeat

    async def on_tick(self, counter: int) -> bool:
        if counter % _TICKS_PER_BEAT == 0 and not self.heartbeat.beat():
            self.should_exit = True  # the supervisor is gone: stop serving
        return await super().on_tick(counter)


def run_worker(
    db: Database,
    options: WebOptions,
    limits: Mapping[str, tuple[int, float]],
    listener: socket.socket,
    heartbeat: Heartbeat,
) -> int:
    """Serve the site on `listener` until told to stop; the exit status (2: the database
    cannot be opened, said on stderr)."""
    try:
        with open_services(db) as services:
            services.rate_limits.limits = services.rate_limits.limits.given(dict(limits))
            app = create_app(config_of(db), services=services, options=options)
            config = uvicorn.Config(
                app,
                log_level="warning",
                server_header=False,
                timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
            )
            # uvicorn handles SIGTERM/SIGINT while it runs, then restores these and raises the
            # signal again: ignored, the worker closes its services and exits 0.
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, signal.SIG_IGN)
            _BeatingServer(config, heartbeat).run(sockets=[listener])
    except click.ClickException as error:
        error.show()
        return error.exit_code
    return 0
