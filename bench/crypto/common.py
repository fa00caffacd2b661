"""What every crypto benchmark shares: repeated timing, medians, peer calls, result files.

The machine is shared (2 cores, other work running), so every figure is the median of several
repeats, and the spread (min..max) is kept next to it so RESULTS.md can state the noise.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from statistics import median
from typing import Any

__all__ = [
    "BENCH_ROOT",
    "OUT_DIR",
    "PEERS_DIR",
    "REPO_ROOT",
    "Samples",
    "Timings",
    "machine",
    "parse_key_values",
    "per_ballot",
    "repeat_ms",
    "run_belenios",
    "run_electionguard",
    "timings",
    "write_result",
]

BENCH_ROOT = Path(__file__).resolve().parent
REPO_ROOT = BENCH_ROOT.parent.parent
PEERS_DIR = REPO_ROOT / "bench" / ".peers"
OUT_DIR = Path(os.environ.get("CLEARCOUNT_BENCH_OUT", REPO_ROOT / "bench" / "out" / "crypto"))


class Timings(list[float]):
    """Wall-time samples (ms) with the process CPU time of each beside them, in `cpu`."""

    cpu: list[float]


def Samples(values: list[float]) -> dict[str, object]:  # noqa: N802 - a record constructor
    """A sample list as stored in the result files: all samples, median, min and max.

    For in-process timings the median CPU time is kept too: on a shared machine, wall time also
    counts the time the process waited for a core, CPU time does not (it still shares caches).
    """
    if not values:
        return {"samples": [], "median": None, "min": None, "max": None}
    result: dict[str, object] = {
        "samples": [round(v, 4) for v in values],
        "median": round(median(values), 4),
        "min": round(min(values), 4),
        "max": round(max(values), 4),
    }
    cpu = getattr(values, "cpu", None)
    if cpu:
        result["cpu_median"] = round(median(cpu), 4)
    return result


def timings(wall: list[float], cpu: list[float] | None) -> Timings:
    """Wall samples with their CPU samples (from a peer harness's output)."""
    result = Timings(wall)
    result.cpu = list(cpu or [])
    return result


def per_ballot(values: dict[str, Any], total: str, base: str | None, n: int) -> Timings:
    """(total - base) / n for the wall and the CPU samples of a Belenios harness run."""

    def one(suffix: str) -> list[float]:
        totals = values.get(total + suffix) or []
        bases = values.get(base + suffix) if base else None
        bases = bases or [0.0] * len(totals)
        return [(t - b) / n for t, b in zip(totals, bases, strict=True)]

    return timings(one(""), one("_cpu"))


def repeat_ms(action: Callable[[], object], repeats: int, per: int = 1) -> Timings:
    """Run `action` `repeats` times; each sample is its wall time in ms divided by `per`."""
    samples = Timings()
    samples.cpu = []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        action()
        samples.cpu.append((time.process_time() - start_cpu) * 1000 / per)
        samples.append((time.perf_counter() - start) * 1000 / per)
    return samples


def machine() -> dict[str, object]:
    """Where and when the figures were taken, for the RESULTS.md header."""
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "load_avg_1m": round(load[0], 2),
    }


def parse_key_values(text: str) -> dict[str, list[float] | str]:
    """The `key=v1 v2 ...` lines printed by peers/belenios_ballot.sh."""
    result: dict[str, list[float] | str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if not sep:
            continue
        try:
            result[key] = [float(v) for v in value.split()]
        except ValueError:
            result[key] = value
    return result


def run_belenios(mode: str, n: int, repeats: int) -> dict[str, list[float] | str]:
    """Run the Belenios harness; raises if belenios-tool is missing or a step fails."""
    work = OUT_DIR / "belenios" / mode
    script = BENCH_ROOT / "peers" / "belenios_ballot.sh"
    done = subprocess.run(
        ["bash", str(script), mode, str(n), str(repeats), str(work)],
        capture_output=True,
        text=True,
        check=False,
    )
    values = parse_key_values(done.stdout)
    if done.returncode != 0 or "error" in values:
        raise RuntimeError(f"belenios harness ({mode}) failed: {done.stdout}{done.stderr}")
    return values


def run_electionguard(*args: str) -> dict[str, object]:
    """Run the ElectionGuard harness under its Python 3.10 venv (bench/.peers/eg)."""
    python = PEERS_DIR / "eg" / "bin" / "python"
    if not python.exists():
        raise RuntimeError(f"ElectionGuard venv missing: {python} (run bench/crypto/run.sh)")
    script = BENCH_ROOT / "peers" / "electionguard_ballot.py"
    done = subprocess.run(
        [str(python), str(script), *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"electionguard harness failed: {done.stdout}{done.stderr}")
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def write_result(name: str, result: dict[str, object]) -> Path:
    """Store one benchmark's figures as JSON under bench/out/crypto (read by report.py)."""
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    path = OUT_DIR / f"{name}.json"
    path.write_text(json.dumps({"machine": machine(), **result}, indent=2) + "\n")
    return path
