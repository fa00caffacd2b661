"""Running independent pieces of verification on every core, or on a cluster (spec §12.1).

The per-ballot proofs, the shuffle proofs and the decryption shares are independent of each other,
so they are cut into tasks (the checks are CPU-bound Python: threads would not help). A runner
takes the tasks: `LocalRunner` a process pool on this machine (small jobs inline: starting
processes costs more than it saves), `dask_runner.DaskRunner` the workers of a Dask cluster.
Either way the results come back in the order of the tasks, so the report does not depend on
which ran them. Tasks are submitted a window at a time: a stream of ballot chunks is never held
whole in memory.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from typing import Any, TypeVar

__all__ = [
    "LocalRunner",
    "Session",
    "TaskRunner",
    "chunks",
    "in_order",
    "run_tasks",
    "worker_count",
]

T = TypeVar("T")
R = TypeVar("R")

WINDOW_PER_WORKER = 3
"""Tasks in flight per worker: enough to keep each busy, few enough to bound memory."""


def worker_count(requested: int) -> int:
    """At most one worker per core, at least one."""
    return max(1, min(requested, os.cpu_count() or 1))


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


Session = tuple[Callable[[tuple[Any, ...]], Any], Callable[[Any], Any], int]
"""How a runner takes one batch of tasks: submit(args), result(handle), tasks in flight."""


class TaskRunner:
    """Runs `function(*shared, *a)` for each `a` of `arguments`; results in that order."""

    @property
    def workers(self) -> int:
        raise NotImplementedError

    def session(
        self, function: Callable[..., Any], shared: tuple[Any, ...], inline: bool
    ) -> AbstractContextManager[Session]:
        raise NotImplementedError

    def run(
        self,
        function: Callable[..., R],
        arguments: Iterable[tuple[Any, ...]],
        *,
        shared: tuple[Any, ...] = (),
        inline: bool = False,
        done: Callable[[R], None] | None = None,
    ) -> list[R]:
        """`function` must be a module-level function (it is pickled by name); `shared` is the
        same for every task (sent once per worker where the runner can); `inline` asks for the
        current process (a small job); `done` sees each result as it is collected."""
        with self.session(function, shared, inline) as (submit, result, window):
            return in_order(submit, result, arguments, window, done)


def in_order(
    submit: Callable[[tuple[Any, ...]], Any],
    result: Callable[[Any], R],
    arguments: Iterable[tuple[Any, ...]],
    window: int,
    done: Callable[[R], None] | None,
) -> list[R]:
    """Submit tasks keeping at most `window` in flight; collect their results in order."""
    results: list[R] = []
    pending: deque[Any] = deque()

    def collect() -> None:
        results.append(result(pending.popleft()))
        if done:
            done(results[-1])

    for args in arguments:
        pending.append(submit(args))
        if len(pending) >= window:
            collect()
    while pending:
        collect()
    return results


class LocalRunner(TaskRunner):
    """A process pool of up to one worker per core on this machine (or this process)."""

    def __init__(self, workers: int) -> None:
        self.requested = workers

    @property
    def workers(self) -> int:
        return worker_count(self.requested)

    @contextmanager
    def session(
        self, function: Callable[..., Any], shared: tuple[Any, ...], inline: bool
    ) -> Iterator[Session]:
        if inline or self.workers == 1:
            yield (lambda args: function(*shared, *args)), _same, 1
            return
        with ProcessPoolExecutor(max_workers=self.workers) as pool:
            yield (
                (lambda args: pool.submit(function, *shared, *args)),
                Future.result,
                WINDOW_PER_WORKER * self.workers,
            )


def _same(value: R) -> R:
    return value


def run_tasks(
    function: Callable[..., R],
    arguments: Sequence[tuple[Any, ...]],
    workers: int,
    *,
    inline: bool = False,
    done: Callable[[R], None] | None = None,
) -> list[R]:
    """`[function(*a) for a in arguments]` on this machine's process pool (see LocalRunner)."""
    return LocalRunner(workers).run(
        function, arguments, inline=inline or len(arguments) < 2, done=done
    )
