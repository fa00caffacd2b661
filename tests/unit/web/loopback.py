"""A real HTTP server on loopback (uvicorn in a thread), for clients that speak HTTP themselves
(the CLI's `--server URL`)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from click.testing import CliRunner
from starlette.applications import Starlette
from tests.unit.service.election_world import LOW_COST, PASSPHRASES, TELLERS, Lifecycle
from tests.unit.service.world import CountingSalts, FixedClock, World

from clearcount.bootstrap import Config, Services, build
from clearcount.cli.common import passphrase_variable
from clearcount.cli.main import cli
from clearcount.service.roles.keys import save_long_term_key
from clearcount.storage.store import SqlStore

__all__ = ["role_world", "run_role", "serving", "teller_keys"]


def teller_keys(life: Lifecycle, folder: Path) -> list[str]:
    """Both tellers' key files written to `folder`, as `--teller-key` options."""
    options = []
    for name in TELLERS:
        path = folder / f"{name}.key"
        save_long_term_key(path, life.role_keys[name], PASSPHRASES[name], log2_n=LOW_COST)
        options += ["--teller-key", str(path)]
    return options


@contextmanager
def role_world(tmp_path: Path) -> Iterator[tuple[Lifecycle, Services]]:
    """The election world over a SQLite file, and the server's services over the same file."""
    url = f"sqlite:///{tmp_path / 'clearcount.db'}"
    store = SqlStore.open(url)
    life = Lifecycle(World(store, FixedClock(), CountingSalts()), tmp_path / "keys")
    services = build(Config(database_url=url, verifier_workers=1), clock=life.world.clock)
    try:
        yield life, services
    finally:
        services.close()
        store.close()


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
