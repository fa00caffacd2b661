"""Running independent pieces of verification on every core (spec §12.1).

The per-ballot proofs, the shuffle proofs and the decryption shares are independent of each other,
so they are cut into tasks for a process pool (the checks are CPU-bound Python: threads would not
help). Small jobs run inline: starting processes costs more than it saves.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

__all__ = ["chunks", "run_tasks", "worker_count"]

T = TypeVar("T")
R = TypeVar("R")


def worker_count(requested: int) -> int:
    """At most one worker per core, at least one."""
    return max(1, min(requested, os.cpu_count() or 1))


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def run_tasks(
    function: Callable[..., R],
    arguments: Sequence[tuple[Any, ...]],
    workers: int,
    *,
    inline: bool = False,
    done: Callable[[R], None] | None = None,
) -> list[R]:
    """`[function(*a) for a in arguments]`, in a pool of `workers` processes unless `inline`.

    `function` must be a module-level function (it is pickled by name). Results keep the order
    of `arguments`; `done` is called with each result as it is collected (progress reporting).
    """
    workers = worker_count(workers)
    results: list[R] = []
    if inline or workers == 1 or len(arguments) < 2:
        for args in arguments:
            results.append(function(*args))
            if done:
                done(results[-1])
        return results
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(function, *args) for args in arguments]
        for future in futures:
            results.append(future.result())
            if done:
                done(results[-1])
    return results
