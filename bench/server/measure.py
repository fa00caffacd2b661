"""What a load step measured: latencies, throughput and CPU time (bench/server/load.py).

CPU time is read from /proc for whole process groups (`group_cpu`): the server's supervisor and
workers, the database's processes, and the load generator itself, so a figure taken on a shared
machine can be read against the CPU the load test's own processes used.
"""

from __future__ import annotations

import os
import resource
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .client import CastResult

__all__ = ["Step", "group_cpu", "own_cpu", "percentile", "summarise"]

_TICK = os.sysconf("SC_CLK_TCK")


def group_cpu(pgid: int) -> float:
    """User + system CPU seconds of the live processes of process group `pgid` and of their
    reaped children."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2 :].split()
        if int(fields[2]) == pgid:  # field 5 of stat: pgrp
            total += sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
    return total / _TICK


def own_cpu() -> float:
    """This process's CPU seconds (the load generator, its SMTP sink thread included)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def percentile(values: Sequence[float], p: float) -> float:
    """The `p`-th percentile (nearest rank) of `values`; 0.0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


@dataclass(frozen=True, slots=True)
class Step:
    """One arrival rate held for a while, and what it gave."""

    offered: float
    voters: int
    acknowledged: int
    failed: int
    seconds: float
    """From the first arrival to the last answer."""
    cast_p50: float
    cast_p99: float
    code_p50: float
    code_p99: float
    mail_p50: float
    server_cpu: float
    database_cpu: float
    client_cpu: float
    load_average: float
    errors: tuple[str, ...]

    @property
    def casts_per_second(self) -> float:
        return self.acknowledged / self.seconds if self.seconds else 0.0

    @property
    def saturated(self) -> bool:
        """The server no longer keeps up: under 90% of the offered rate, p99 over 1 s, or
        refusals and dropped answers."""
        return (
            self.casts_per_second < 0.9 * self.offered
            or self.cast_p99 > 1.0
            or self.failed > 0.01 * self.voters
        )


def summarise(
    offered: float, results: Sequence[CastResult], seconds: float, cpu: tuple[float, float, float]
) -> Step:
    ok = [r for r in results if r.acknowledged]
    answered = [r for r in results if r.cast_status]
    errors: dict[str, int] = {}
    for r in results:
        if not r.acknowledged:
            key = r.error.split(":")[0:2]
            errors[":".join(key)[:80]] = errors.get(":".join(key)[:80], 0) + 1
    return Step(
        offered,
        len(results),
        len(ok),
        len(results) - len(ok),
        seconds,
        percentile([r.cast_latency for r in answered], 50),
        percentile([r.cast_latency for r in answered], 99),
        percentile([r.code_latency for r in results if r.code_status], 50),
        percentile([r.code_latency for r in results if r.code_status], 99),
        percentile([r.mail_wait for r in results if r.code_status == 202], 50),
        *cpu,
        os.getloadavg()[0],
        tuple(f"{n} x {e}" for e, n in sorted(errors.items(), key=lambda x: -x[1])),
    )
