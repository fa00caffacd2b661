"""A throwaway PostgreSQL cluster the fault soak can kill -9 and start again.

`with ThrowawayPostgres() as pg:` runs `initdb` into a fresh temporary folder (trust
authentication, loopback and a private socket folder only), then `postgres` itself as a child
in its own process group, so `kill9()` sends SIGKILL to the postmaster and every backend at
once: what a crashed database server leaves behind. `start()` again runs PostgreSQL's crash
recovery from its WAL, exactly as after a real crash. Durability settings are PostgreSQL's
defaults, stated explicitly (`fsync=on`, `synchronous_commit=on`, `full_page_writes=on`): what
a production cluster runs.

The binaries come from `CLEARCOUNT_PG_BINDIR`, else the newest /usr/lib/postgresql/*/bin
(Debian's packages, as .ci/postgres.sh installs them), else `PATH`. PostgreSQL refuses to run
as root, so under root the cluster runs as the `postgres` user (Debian's packages create it).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from .client import free_port
from .kills import kill_group

__all__ = ["PostgresMissingError", "ThrowawayPostgres", "find_bindir"]

USER = "clearcount"
DATABASE = "clearcount"


class PostgresMissingError(RuntimeError):
    """No PostgreSQL server binaries (initdb, postgres) on this machine."""


def find_bindir() -> Path:
    """The folder holding initdb and postgres, or PostgresMissingError saying how to get them."""
    named = os.environ.get("CLEARCOUNT_PG_BINDIR")
    candidates = [Path(named)] if named else []
    debian = Path("/usr/lib/postgresql")
    if debian.is_dir():
        versions = sorted(
            (p for p in debian.iterdir() if p.name.isdigit()), key=lambda p: int(p.name)
        )
        candidates += [v / "bin" for v in reversed(versions)]
    found = shutil.which("initdb")
    if found:
        candidates.append(Path(found).parent)
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "postgres").is_file():
            return folder
    raise PostgresMissingError(
        "no PostgreSQL server binaries (initdb, postgres) found: install Debian's postgresql "
        "package (bash .ci/postgres.sh does) or set CLEARCOUNT_PG_BINDIR"
    )


class ThrowawayPostgres:
    """One PostgreSQL cluster in `folder`, on 127.0.0.1:`port`, owned by this process."""

    def __init__(self, port: int | None = None) -> None:
        # Its own folder under the system's temporary folder, not the caller's: under root the
        # cluster runs as `postgres`, who cannot enter pytest's (or a user's) private folders.
        self.folder = Path(tempfile.mkdtemp(prefix="clearcount-pg-"))
        self.port = port or free_port()
        self.bindir = find_bindir()
        self.data = self.folder / "data"
        self.sockets = self.folder / "sockets"
        self.log = self.folder / "postgres.log"
        self.process: subprocess.Popen[bytes] | None = None
        self._owner = pwd.getpwnam("postgres") if os.geteuid() == 0 else None

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://{USER}@127.0.0.1:{self.port}/{DATABASE}"

    def _as_owner(self) -> dict[str, object]:
        if self._owner is None:
            return {}
        return {"user": self._owner.pw_uid, "group": self._owner.pw_gid, "extra_groups": []}

    def _run(self, *args: str) -> None:
        subprocess.run(args, check=True, capture_output=True, cwd=self.folder, **self._as_owner())  # type: ignore[call-overload]

    def init(self) -> None:
        """initdb into an empty folder and create clearcount's database."""
        self.sockets.mkdir(parents=True, exist_ok=True)
        if self._owner is not None:
            for path in (self.folder, self.sockets):
                os.chown(path, self._owner.pw_uid, self._owner.pw_gid)
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.data),
            "-U",
            USER,
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-locale",
        )
        self.start()
        self._run(
            str(self.bindir / "createdb"),
            "-h",
            str(self.sockets),
            "-p",
            str(self.port),
            "-U",
            USER,
            DATABASE,
        )

    def start(self, timeout: float = 120.0) -> float:
        """Start the postmaster (crash recovery included) and wait until it takes connections;
        returns the seconds it took."""
        began = time.monotonic()
        log = self.log.open("ab")
        command = [
            str(self.bindir / "postgres"),
            "-D",
            str(self.data),
            "-p",
            str(self.port),
            "-k",
            str(self.sockets),
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            "fsync=on",
            "-c",
            "synchronous_commit=on",
            "-c",
            "full_page_writes=on",
            "-c",
            "max_connections=200",
        ]
        self.process = subprocess.Popen(  # type: ignore[call-overload]
            command, stdout=log, stderr=log, start_new_session=True, **self._as_owner()
        )
        log.close()
        while time.monotonic() - began < timeout:
            if self.process.poll() is not None:
                code = self.process.returncode
                raise RuntimeError(f"postgres exited with {code}; see {self.log}")
            ready = subprocess.run(
                [str(self.bindir / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port)],
                check=False,
            )
            if ready.returncode == 0:
                return time.monotonic() - began
            time.sleep(0.1)
        raise RuntimeError(f"postgres did not take connections within {timeout} s; see {self.log}")

    def kill9(self) -> None:
        """SIGKILL the postmaster and every backend (its process group), and reap them."""
        process, self.process = self.process, None
        if process is not None:
            kill_group(process)

    def stop(self) -> None:
        """Shut down cleanly (fast mode) if running."""
        process, self.process = self.process, None
        if process is None:
            return
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            kill_group(process)
        with contextlib.suppress(RuntimeError):
            kill_group(process, timeout=10)  # backends that outlive a clean stop

    def __enter__(self) -> ThrowawayPostgres:
        self.init()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
