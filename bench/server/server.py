"""`clearcount serve` as a child process on loopback, for load tests (bench/server).

`ServerProcess.start(prepared, sink, workers=N)` runs the installed `clearcount serve --workers N`
(the same command an installation runs, not an in-process app) on a free port, over the
prepared election's database, its mail going to `sink`, with the rate limits lifted (one load
generator on one address is every voter at once: `UNLIMITED`, see docs/service/server.md), in
its own process group; it returns once the server answers. `stop()` ends the group (SIGTERM, then
SIGKILL after `grace` seconds). The process is the supervisor itself
(clearcount.cli.serve_supervisor): its children are the workers.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .client import CodeSink, free_port
from .election import PreparedElection

__all__ = ["UNLIMITED", "ServerProcess", "clearcount_command"]

UNLIMITED = "login=10/300 code=1000000000/1 cast=1000000000/1"
"""CLEARCOUNT_RATE_LIMITS for a load generator on one address (sign-in stays limited)."""


def clearcount_command() -> list[str]:
    """The `clearcount` script beside this Python (the venv's), else the one on PATH."""
    beside = Path(sys.executable).with_name("clearcount")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("clearcount")
    if found is None:
        raise RuntimeError("no `clearcount` command: pip install -e . first")
    return [found]


@dataclass
class ServerProcess:
    process: subprocess.Popen[bytes]
    base_url: str
    port: int

    @classmethod
    def start(
        cls,
        prepared: PreparedElection,
        sink: CodeSink,
        *,
        workers: int = 2,
        port: int | None = None,
        environment: Mapping[str, str] | None = None,
        timeout: float = 60.0,
        log: Path | None = None,
    ) -> ServerProcess:
        port = port or free_port()
        env = {
            **os.environ,
            **sink.environment(),
            "CLEARCOUNT_DATABASE_URL": prepared.database_url,
            "CLEARCOUNT_RATE_LIMITS": UNLIMITED,
            **({"CLEARCOUNT_DB_SCHEMA": prepared.schema} if prepared.schema else {}),
            **(environment or {}),
        }
        command = [*clearcount_command(), "serve", "--port", str(port), "--workers", str(workers)]
        out = open(log, "ab") if log is not None else subprocess.DEVNULL  # noqa: SIM115
        try:
            process = subprocess.Popen(
                command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        finally:
            if not isinstance(out, int):
                out.close()  # the server holds its own copy
        server = cls(process, f"http://127.0.0.1:{port}", port)
        server.wait_ready(prepared.election_id, timeout)
        return server

    def wait_ready(self, election_id: str, timeout: float) -> None:
        """Return once the booth's data answers 200 (every worker need not be up yet)."""
        deadline = time.monotonic() + timeout
        url = f"{self.base_url}/api/elections/{election_id}/booth"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"clearcount serve exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(url, timeout=5) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"clearcount serve did not answer {url} within {timeout} s")

    def stop(self, grace: float = 10.0) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(grace)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
