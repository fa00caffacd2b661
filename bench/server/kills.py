"""kill -9 for the fault soak: a whole process group, or one worker of `clearcount serve`.

The soak runs PostgreSQL and `clearcount serve` (`server.ServerProcess`) each in its own process
group, so `kill_group` SIGKILLs the parent and everything it forked at once (the postmaster and
its backends; the serve supervisor and its workers), as a crash does. With `--workers N` the
supervisor (clearcount.cli.serve_supervisor) forks a new worker when one dies; `kill_worker`
SIGKILLs one at random and waits until the supervisor has N again. Every child of the
supervisor is a worker.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import time
from pathlib import Path

__all__ = ["kill_group", "kill_worker", "worker_pids"]


def kill_group(process: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    """SIGKILL `process`'s group, reap it, and wait until no process of the group is left
    (an orphaned PostgreSQL backend holding shared memory keeps a new postmaster out)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    raise RuntimeError(f"processes of group {process.pid} still alive {timeout} s after SIGKILL")


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def _age(pid: int) -> float:
    """Seconds since process `pid` started (/proc: clock ticks since boot)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        uptime = float(Path("/proc/uptime").read_text().split()[0])
    except (OSError, IndexError, ValueError):
        return 0.0
    return uptime - int(fields[19]) / os.sysconf("SC_CLK_TCK")


def worker_pids(supervisor: subprocess.Popen[bytes]) -> list[int]:
    """The live workers of a `clearcount serve --workers N` supervisor (its children)."""
    return _children(supervisor.pid)


def kill_worker(
    supervisor: subprocess.Popen[bytes],
    workers: int,
    rng: random.Random,
    *,
    min_age: float,
    timeout: float = 120.0,
) -> float:
    """SIGKILL one worker that has run at least `min_age` seconds (so it serves rather than
    starts), then wait (at most `timeout`) until the supervisor has `workers` again; the
    seconds waited (the supervisor forks the replacement as soon as it reaps the dead one)."""
    deadline = time.monotonic() + timeout
    while not (ready := [p for p in worker_pids(supervisor) if _age(p) >= min_age]):
        if time.monotonic() > deadline or supervisor.poll() is not None:
            raise RuntimeError(f"no worker older than {min_age} s within {timeout} s")
        time.sleep(0.05)
    victim = rng.choice(ready)
    os.kill(victim, signal.SIGKILL)
    killed = time.monotonic()
    while time.monotonic() < killed + timeout:
        pids = worker_pids(supervisor)
        if victim not in pids and len(pids) >= workers:
            break
        if supervisor.poll() is not None:
            raise RuntimeError(f"the server's supervisor exited after worker {victim} was killed")
        time.sleep(0.05)
    return time.monotonic() - killed  # a slow replacement is a finding, not a reason to stop
