"""`clearcount serve --workers N`: the pre-forking supervisor (cli/serve_supervisor.py).

A real `clearcount serve --workers 2` in its own process group: a worker killed with SIGKILL is
replaced and the site goes on answering; SIGTERM stops the supervisor and every worker; the
supervisor itself holds no database and runs one thread (an engine or a thread does not survive
a fork); a worker that cannot open the database stops the server with its one-line error. Then
the supervisor alone, over stand-in workers: one that stops beating is killed as hung and
replaced; ones that die before serving are restarted with a growing wait, said on stderr.
Untimed: every wait is a generous deadline for something to happen, never a measured time.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from bench.server.client import free_port
from bench.server.server import clearcount_command

from clearcount.storage.store import SqlStore

DEADLINE = 120.0
"""Seconds allowed for anything to happen on a loaded machine (never asserted as a time)."""


def _until(what: str, check: Callable[[], bool]) -> None:
    deadline = time.monotonic() + DEADLINE
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {DEADLINE} s: {what}")
        time.sleep(0.05)


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return bool(answer.status == 200)
    except OSError:
        return False


class Served:
    def __init__(self, process: subprocess.Popen[bytes], url: str, err: Path) -> None:
        self.process, self.url, self.err = process, url, err

    def workers(self) -> list[int]:
        return [p for p in _children(self.process.pid) if _alive(p)]

    def stderr(self) -> str:
        return self.err.read_text(errors="replace")


@contextmanager
def _running(command: list[str], err: Path) -> Iterator[subprocess.Popen[bytes]]:
    """COMMAND in its own process group, stderr to ERR; the group killed afterwards."""
    with err.open("wb") as sink:
        process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=sink, start_new_session=True
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@contextmanager
def _serve(tmp_path: Path, url: str) -> Iterator[Served]:
    port = free_port()
    err = tmp_path / "serve.err"
    command = [*clearcount_command(), "serve", "--db", url, "--port", str(port), "--workers", "2"]
    with _running(command, err) as process:
        yield Served(process, f"http://127.0.0.1:{port}/accessibility", err)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Served]:
    url = f"sqlite:///{tmp_path / 'clearcount.db'}"
    SqlStore.open(url).close()
    with _serve(tmp_path, url) as running:
        _until("the site answers", lambda: _answers(running.url))
        _until("two workers run", lambda: len(running.workers()) == 2)
        yield running


def _replaced(server: Served, victim: int) -> Callable[[], bool]:
    def check() -> bool:
        now = server.workers()
        return victim not in now and len(now) == 2

    return check


def test_a_killed_worker_is_replaced_and_the_site_keeps_answering(server: Served) -> None:
    for _round in range(3):
        victim = server.workers()[0]
        os.kill(victim, signal.SIGKILL)
        assert _answers(server.url), "the other worker answers meanwhile"
        _until("a new worker replaces the killed one", _replaced(server, victim))
        assert _answers(server.url)
    assert server.process.poll() is None
    # "before serving" when the victim was a replacement not yet started (then after a wait)
    assert server.stderr().count("was killed by SIGKILL") == 3


def test_sigterm_stops_the_supervisor_and_every_worker(server: Served) -> None:
    workers = server.workers()
    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(DEADLINE) == 0
    _until("every worker has exited", lambda: not any(_alive(p) for p in workers))
    assert not _answers(server.url)
    assert "Traceback" not in server.stderr()


def test_the_supervisor_holds_no_database_and_runs_one_thread(
    server: Served, tmp_path: Path
) -> None:
    """A connection or a thread does not survive a fork: each worker opens its own."""
    pid = server.process.pid
    status = Path(f"/proc/{pid}/status").read_text()
    assert "\nThreads:\t1\n" in status
    opened = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
    assert not [path for path in opened if path.startswith(str(tmp_path / "clearcount.db"))]
    worker = server.workers()[0]
    in_worker = [os.readlink(f"/proc/{worker}/fd/{fd}") for fd in os.listdir(f"/proc/{worker}/fd")]
    assert str(tmp_path / "clearcount.db") in in_worker


def test_a_worker_that_cannot_open_the_database_stops_the_server_with_its_error(
    tmp_path: Path,
) -> None:
    nowhere = f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/nothing"
    with _serve(tmp_path, nowhere) as running:
        assert running.process.wait(DEADLINE) == 2
        text = running.stderr()
    assert "cannot open the database" in text
    assert "before serving: stopping" in text
    assert "Traceback" not in text


_STAND_IN = """
import os, signal, sys, time
from clearcount.cli.serve_supervisor import Supervisor, listen

def hangs(sock, heartbeat):
    heartbeat.beat()  # it served once, then its loop blocks
    time.sleep(3600)
    return 0

def dies(sock, heartbeat):
    os.kill(os.getpid(), signal.SIGKILL)
    return 0

with listen("127.0.0.1", 0) as sock:
    main = hangs if sys.argv[1] == "hangs" else dies
    sys.exit(Supervisor(sock, 1, main, hung_after=float(sys.argv[2])).run())
"""


def test_a_worker_that_stops_beating_is_killed_as_hung_and_replaced(tmp_path: Path) -> None:
    err = tmp_path / "hangs.err"
    with _running([sys.executable, "-c", _STAND_IN, "hangs", "0.5"], err) as process:
        _until("a hung worker is killed twice", lambda: err.read_text().count("silent") >= 2)
        text = err.read_text()
        assert "silent for 0.5 s: killing it" in text
        assert "was killed by SIGKILL; starting another" in text
        process.send_signal(signal.SIGTERM)
        assert process.wait(DEADLINE) == 0


def test_workers_dying_before_they_serve_are_restarted_ever_more_slowly(tmp_path: Path) -> None:
    err = tmp_path / "dies.err"
    with _running([sys.executable, "-c", _STAND_IN, "dies", "60"], err) as process:
        _until("five failed starts", lambda: "(5 in a row)" in err.read_text())
        text = err.read_text()
        first = "was killed by SIGKILL before serving (1 in a row); starting another in 0 s"
        assert first in text
        assert "(2 in a row); starting another in 0 s" in text
        assert "(3 in a row); starting another in 0.5 s" in text
        assert "(4 in a row); starting another in 1 s" in text
        assert "(5 in a row); starting another in 2 s" in text
        process.send_signal(signal.SIGTERM)
        assert process.wait(DEADLINE) == 0
