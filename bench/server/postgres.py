"""A throwaway PostgreSQL cluster on loopback, for load tests (bench/server).

`throwaway_cluster(folder)` runs Debian's PostgreSQL binaries (`.ci/postgres.sh` installs them)
as a cluster of its own: `initdb` into FOLDER/pgdata, `postgres` on a free 127.0.0.1 port with
its socket in FOLDER, trust authentication on loopback only, and the durable settings every
installation has (fsync and synchronous_commit on, full_page_writes on). It does not touch the
machine's `main` cluster (other work and the CI tests use that one), and is stopped and removed
at the end. Run as root, the cluster runs as the `postgres` user (initdb refuses root).
`CLEARCOUNT_BENCH_POSTGRES_URL` names an existing server instead.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .client import free_port

__all__ = ["postgres_binaries", "throwaway_cluster"]


def postgres_binaries() -> Path:
    """The newest /usr/lib/postgresql/<version>/bin, or RuntimeError saying how to get one."""
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"), key=_version)
    if not versions:
        raise RuntimeError("no PostgreSQL binaries: run `bash .ci/postgres.sh` (as root) first")
    return versions[-1].parent


def _version(path: Path) -> tuple[int, ...]:
    return tuple(int(p) for p in path.parent.parent.name.split(".") if p.isdigit())


def _as_owner() -> list[str]:
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


@contextmanager
def throwaway_cluster(folder: Path, *, max_connections: int = 200) -> Iterator[str]:
    """A running cluster while the block runs; yields its SQLAlchemy URL."""
    given = os.environ.get("CLEARCOUNT_BENCH_POSTGRES_URL")
    if given:
        yield given
        return
    bin_dir = postgres_binaries()
    folder.mkdir(parents=True, exist_ok=True)
    data = folder / "pgdata"
    if data.exists():
        shutil.rmtree(data)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    sudo = _as_owner()
    subprocess.run(
        [*sudo, str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres",
         "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8"],
        check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    port = free_port()
    settings = {
        "listen_addresses": "127.0.0.1",
        "port": str(port),
        "unix_socket_directories": str(folder),
        "max_connections": str(max_connections),
        "shared_buffers": "256MB",
        "fsync": "on",
        "synchronous_commit": "on",
        "full_page_writes": "on",
    }
    command = [*sudo, str(bin_dir / "postgres"), "-D", str(data)]
    for name, value in settings.items():
        command += ["-c", f"{name}={value}"]
    log = open(folder / "postgres.log", "ab")  # noqa: SIM115
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)  # fmt: skip
    log.close()
    try:
        _wait(bin_dir, port, server)
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        os.killpg(server.pid, signal.SIGINT)  # postgres's fast shutdown
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        shutil.rmtree(data, ignore_errors=True)


def _wait(bin_dir: Path, port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"postgres exited with {server.returncode} (see postgres.log)")
        ready = subprocess.run(
            [str(bin_dir / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(port)], check=False
        )
        if ready.returncode == 0:
            return
        time.sleep(0.2)
    raise RuntimeError("postgres did not start within 60 s")
