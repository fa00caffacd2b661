"""A real HTTP server on loopback (uvicorn in a thread), for clients that speak HTTP themselves
(the CLI's `--server URL`)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from click.testing import CliRunner
from starlette.applications import Starlette
from tests.unit.service.election_world import PASSPHRASES

from clearcount.cli.common import passphrase_variable
from clearcount.cli.main import cli

__all__ = ["run_role", "serving"]


def run_role(*args: str) -> str:
    """`clearcount ARGS` as the election world's roles run it (their passphrases from the
    environment); its output, after checking it succeeded."""
    env = {passphrase_variable(n): p for n, p in PASSPHRASES.items()}
    result = CliRunner().invoke(cli, list(args), env=env)
    assert result.exit_code == 0, (result.output, result.exception)
    return result.output


@contextmanager
def serving(app: Starlette) -> Iterator[str]:
    """Serve `app` on 127.0.0.1 (a free port) while the block runs; yields its base URL."""
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the loopback server did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join()
