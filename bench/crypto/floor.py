"""The floor: what the group operations alone cost, timed with rbcl (libsodium) directly.

A verification cannot be cheaper than the scalar multiplications and additions it needs, each a
libsodium call that decodes its inputs and encodes its output. `unit_costs` times those calls in a
tight loop; `count_operations` counts the calls clearcount's own code makes (by wrapping the
binding inside clearcount.crypto.group); floor = Σ count x unit cost. The gap between a measured
verification and its floor is Python: object creation, transcript hashing, checks.
"""

from __future__ import annotations

import contextlib
import time
from collections import Counter
from collections.abc import Callable, Iterator
from statistics import median

import rbcl

__all__ = ["OPS", "Counts", "count_operations", "floor_us", "unit_costs"]

OPS = {
    "base_mul": "crypto_scalarmult_ristretto255_base",
    "var_mul": "crypto_scalarmult_ristretto255",
    "add": "crypto_core_ristretto255_add",
    "sub": "crypto_core_ristretto255_sub",
    "from_hash": "crypto_core_ristretto255_from_hash",
    "is_valid_point": "crypto_core_ristretto255_is_valid_point",
}
"""The point operations priced in the floor (scalar arithmetic costs < 1 us and is left out)."""

Counts = dict[str, int]


def unit_costs(n: int = 2000, repeats: int = 7) -> dict[str, dict[str, float]]:
    """Median, min and max cost in us of each operation in OPS over `repeats` loops of n calls."""
    scalars = [rbcl.crypto_core_ristretto255_scalar_random() for _ in range(n)]
    points = [rbcl.crypto_core_ristretto255_random() for _ in range(n)]
    others = points[1:] + points[:1]
    hashes = [rbcl.randombytes(64) for _ in range(n)]
    calls: dict[str, Callable[[], object]] = {
        "base_mul": lambda: [rbcl.crypto_scalarmult_ristretto255_base(s) for s in scalars],
        "var_mul": lambda: [
            rbcl.crypto_scalarmult_ristretto255(s, p) for s, p in zip(scalars, points, strict=True)
        ],
        "add": lambda: [
            rbcl.crypto_core_ristretto255_add(p, q) for p, q in zip(points, others, strict=True)
        ],
        "sub": lambda: [
            rbcl.crypto_core_ristretto255_sub(p, q) for p, q in zip(points, others, strict=True)
        ],
        "from_hash": lambda: [rbcl.crypto_core_ristretto255_from_hash(h) for h in hashes],
        "is_valid_point": lambda: [rbcl.crypto_core_ristretto255_is_valid_point(p) for p in points],
    }
    costs = {}
    for name, call in calls.items():
        wall, cpu = [], []
        for _ in range(repeats):
            start, start_cpu = time.perf_counter(), time.process_time()
            call()
            cpu.append((time.process_time() - start_cpu) * 1e6 / n)
            wall.append((time.perf_counter() - start) * 1e6 / n)
        costs[name] = {
            "median": median(wall),
            "min": min(wall),
            "max": max(wall),
            "cpu_median": median(cpu),
            "cpu_min": min(cpu),
        }
    return costs


class _CountingBinding:
    """Stands in for the rbcl module inside clearcount.crypto.group and counts each call."""

    def __init__(self, real: object, counts: Counter[str]) -> None:
        self._real = real
        self._counts = counts

    def __getattr__(self, name: str) -> object:
        target = getattr(self._real, name)
        if not callable(target):
            return target
        counts = self._counts

        def counted(*args: object) -> object:
            counts[name] += 1
            return target(*args)

        return counted


@contextlib.contextmanager
def count_operations() -> Iterator[Counter[str]]:
    """Count the binding calls made by clearcount inside the block, keyed by OPS names."""
    from clearcount.crypto import group

    raw: Counter[str] = Counter()
    real = group.rbcl
    group.rbcl = _CountingBinding(real, raw)  # type: ignore[assignment]
    named: Counter[str] = Counter()
    try:
        yield named
    finally:
        group.rbcl = real
        by_function = {function: op for op, function in OPS.items()}
        for function, calls in raw.items():
            named[by_function.get(function, function)] += calls


def floor_us(
    counts: Counts, costs: dict[str, dict[str, float]], ops: tuple[str, ...], key: str = "min"
) -> float:
    """Σ counts[op] x unit cost, over the operations `ops`.

    The unit cost is the fastest of the repeats (`key="min"`, wall time; `"cpu_min"` for CPU
    time): on a shared machine other work only ever adds time, so the minimum is the best
    estimate of what the operation itself costs. Compare wall with wall, CPU with CPU.
    """
    return sum(counts.get(op, 0) * costs[op].get(key, costs[op]["min"]) for op in ops)
