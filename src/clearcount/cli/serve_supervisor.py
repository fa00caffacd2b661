"""The pre-forking supervisor of `clearcount serve --workers N` (Linux and other POSIX systems).

What gunicorn's `--preload` does: the parent has imported the web app's modules and bound the
listening socket; it forks N workers, which inherit both, so a new worker serves milliseconds
after it is forked (uvicorn's own multi-process mode starts each worker in a fresh interpreter
that imports everything again: seconds of CPU per replaced worker, the pace of the fault soak).
The parent opens no database connection and starts no thread (neither survives a fork): each
worker builds its own services after the fork (`serve_worker`). Randomness stays each worker's
own: libsodium, OpenSSL and `secrets` draw from the kernel, and Python reseeds `random` in a
forked child.

Each worker writes a byte to its heartbeat pipe from its event loop every second (`Heartbeat`).
The parent replaces a worker that dies at once; once `PATIENCE` new workers in a row have died
before serving (a database that is down, say) it waits longer each time (up to
`MAX_BACKOFF_SECONDS`) until one serves, and says so on stderr; until a first
worker has served, a worker that exits with a status (a configuration error, which it printed)
ends the server with that status. A worker silent for `hung_after` seconds (a blocked event
loop) is killed and replaced. On SIGTERM or SIGINT the parent asks every worker to stop
(SIGTERM: the requests in flight finish), kills what is left after `grace` seconds, and returns.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import socket
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType

__all__ = [
    "HEARTBEAT_SECONDS",
    "MAX_BACKOFF_SECONDS",
    "PATIENCE",
    "Heartbeat",
    "Supervisor",
    "listen",
]

HEARTBEAT_SECONDS = 1.0
MAX_BACKOFF_SECONDS = 30.0
PATIENCE = 3
"""Workers in a row that may die before serving and be replaced at once (a kill while one
starts is no crash loop); from then on the wait doubles from 0.5 s, until one serves."""
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def listen(host: str, port: int, backlog: int = 2048) -> socket.socket:
    """A listening TCP socket on HOST:PORT, inherited by the forked workers."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, port))
        listener.listen(backlog)
    except OSError:
        listener.close()
        raise
    listener.set_inheritable(True)
    return listener


class Heartbeat:
    """A worker's end of its heartbeat pipe."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def beat(self) -> bool:
        """Tell the supervisor this worker's event loop runs; False once the supervisor is
        gone (the worker should then stop)."""
        try:
            os.write(self.fd, b".")
        except BlockingIOError:  # the pipe is full: the supervisor is behind, not gone
            return True
        except BrokenPipeError:
            return False
        return True


WorkerMain = Callable[[socket.socket, Heartbeat], int]
"""What a forked worker runs: serve on the socket, beat, return the exit status."""


@dataclass(slots=True)
class _Worker:
    pid: int
    beats: int
    """The read end of its heartbeat pipe."""
    heard: float
    """When it last beat (or was forked), time.monotonic()."""
    served: bool = False


def _describe(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"was killed by {signal.Signals(os.WTERMSIG(status)).name}"
    return f"exited with status {os.waitstatus_to_exitcode(status)}"


class Supervisor:
    """Keeps `workers` forked processes running `main` on `listener` until SIGTERM/SIGINT."""

    def __init__(
        self,
        listener: socket.socket,
        workers: int,
        main: WorkerMain,
        *,
        hung_after: float,
        grace: float = 30.0,
    ) -> None:
        self.listener = listener
        self.size = workers
        self.main = main
        self.hung_after = hung_after
        self.grace = grace
        self.workers: dict[int, _Worker] = {}
        self.stopping = False
        self.status = 0
        self.served = False
        self.failures = 0
        """Workers in a row that died before they served."""
        self.next_start = 0.0
        self._wake_r, self._wake_w = os.pipe()

    def _say(self, text: str) -> None:
        print(f"clearcount serve: {text}", file=sys.stderr, flush=True)

    def _on_stop(self, _sig: int, _frame: FrameType | None) -> None:
        self.stopping = True

    def run(self) -> int:
        """Supervise until asked to stop; the exit status (0, or a failed first worker's)."""
        for fd in (self._wake_r, self._wake_w):
            os.set_blocking(fd, False)
        previous = {sig: signal.signal(sig, self._on_stop) for sig in STOP_SIGNALS}
        previous[signal.SIGCHLD] = signal.signal(signal.SIGCHLD, lambda _s, _f: None)
        old_wakeup = signal.set_wakeup_fd(self._wake_w)
        try:
            while not self.stopping:
                self._reap()
                self._start_missing()
                self._kill_hung()
                self._wait()
        finally:
            self._stop_all()
            signal.set_wakeup_fd(old_wakeup)
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            os.close(self._wake_r)
            os.close(self._wake_w)
        return self.status

    def _fork(self) -> None:
        beats, beat = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the worker: never returns into the supervisor's stack
            status = 1
            try:
                os.close(beats)
                self._forget_parent()
                os.set_blocking(beat, False)
                status = self.main(self.listener, Heartbeat(beat))
            except SystemExit as stop:
                status = stop.code if isinstance(stop.code, int) else 1
            except BaseException:
                traceback.print_exc()
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(status)
        os.close(beat)
        os.set_blocking(beats, False)
        self.workers[pid] = _Worker(pid, beats, time.monotonic())

    def _forget_parent(self) -> None:
        """In a new worker: the supervisor's signal handling and descriptors are not its own."""
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        for fd in (self._wake_r, self._wake_w, *(w.beats for w in self.workers.values())):
            os.close(fd)

    def _reap(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            worker = self.workers.pop(pid, None)
            if worker is None:
                continue
            os.close(worker.beats)
            if not self.stopping:
                self._lost(worker, status)

    def _lost(self, worker: _Worker, status: int) -> None:
        if worker.served:
            self._say(f"worker {worker.pid} {_describe(status)}; starting another")
            return
        if not self.served and os.WIFEXITED(status):
            self.status = os.waitstatus_to_exitcode(status) or 1
            self._say(f"worker {worker.pid} {_describe(status)} before serving: stopping")
            self.stopping = True
            return
        self.failures += 1
        delay = 0.0
        if self.failures >= PATIENCE:
            delay = min(MAX_BACKOFF_SECONDS, 0.5 * 2 ** (self.failures - PATIENCE))
        self.next_start = time.monotonic() + delay
        self._say(
            f"worker {worker.pid} {_describe(status)} before serving ({self.failures} in a "
            f"row); starting another in {delay:g} s"
        )

    def _start_missing(self) -> None:
        if self.stopping or time.monotonic() < self.next_start:
            return
        while len(self.workers) < self.size:
            self._fork()

    def _kill_hung(self) -> None:
        now = time.monotonic()
        for worker in self.workers.values():
            if now - worker.heard > self.hung_after:
                self._say(f"worker {worker.pid} silent for {self.hung_after:g} s: killing it")
                with contextlib.suppress(ProcessLookupError):
                    os.kill(worker.pid, signal.SIGKILL)
                worker.heard = now  # once: it is replaced when reaped

    def _wait(self) -> None:
        """Until a heartbeat, a signal (a worker's death included) or the next check."""
        timeout = HEARTBEAT_SECONDS
        if len(self.workers) < self.size:
            timeout = max(0.0, min(timeout, self.next_start - time.monotonic()))
        fds = [self._wake_r, *(w.beats for w in self.workers.values())]
        readable, _, _ = select.select(fds, [], [], timeout)
        now = time.monotonic()
        by_fd = {w.beats: w for w in self.workers.values()}
        for fd in readable:
            with contextlib.suppress(BlockingIOError):
                data = os.read(fd, 4096)
                worker = by_fd.get(fd)
                if worker is not None and data:
                    if not worker.served:  # a worker starts: not a crash loop
                        self.failures = 0
                    worker.heard, worker.served = now, True
                    self.served = True

    def _stop_all(self) -> None:
        for worker in self.workers.values():
            with contextlib.suppress(ProcessLookupError):
                os.kill(worker.pid, signal.SIGTERM)
        deadline = time.monotonic() + self.grace
        while self.workers and time.monotonic() < deadline:
            self._reap()
            time.sleep(0.05)
        for worker in self.workers.values():
            with contextlib.suppress(ProcessLookupError):
                os.kill(worker.pid, signal.SIGKILL)
        while self.workers:
            try:
                pid, _status = os.waitpid(-1, 0)
            except ChildProcessError:
                return
            gone = self.workers.pop(pid, None)
            if gone is not None:
                os.close(gone.beats)
