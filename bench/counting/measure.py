"""One measurement in a fresh process: load and count one method with one tool.

Run by run.py, one subprocess per (tool, method), so each peak-memory figure (ru_maxrss, a
high-water mark that cannot be reset) belongs to that measurement alone and a slow peer can be
stopped by a timeout. Prints one JSON object on the last line of stdout.

    python bench/counting/measure.py --workdir DIR --tool clearcount --method stv [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import pickle
import pstats
import resource
import sys
import time
from pathlib import Path
from typing import Any

from peers import Election, adapter, import_modules

__all__ = ["main", "measure"]


def _peak_mib() -> float:
    """Peak resident set of this process so far (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _current_mib() -> float:
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return float("nan")
    return pages * resource.getpagesize() / 2**20


def load_election(workdir: Path) -> Election:
    meta = json.loads((workdir / "meta.json").read_text())
    with (workdir / "rankings.pickle").open("rb") as f:
        rankings = pickle.load(f)
    files = {key: workdir / meta[key] if meta.get(key) else None for key in ("blt", "packed_blt")}
    return Election(
        tuple(meta["candidates"]), meta["seats"], rankings, files["blt"], files["packed_blt"]
    )


def measure(workdir: Path, tool: str, method: str, repeat: int, profile: bool) -> dict[str, Any]:
    chosen = adapter(tool, method)
    started = time.perf_counter()
    import_modules(chosen)
    import_s = time.perf_counter() - started

    election = load_election(workdir)
    gc.collect()
    input_mib = _peak_mib()

    wall, cpu = time.perf_counter(), time.process_time()
    loaded = chosen.load(election, method)
    load_wall, load_cpu = time.perf_counter() - wall, time.process_time() - cpu
    after_load_mib = _peak_mib()
    held_mib = _current_mib()

    counts: list[tuple[float, float]] = []
    profile_text = ""
    elected: tuple[str, ...] = ()
    for _ in range(max(1, repeat)):
        profiler = cProfile.Profile() if profile else None
        wall, cpu = time.perf_counter(), time.process_time()
        if profiler is not None:
            profiler.enable()
        elected = chosen.count(loaded, election, method)
        if profiler is not None:
            profiler.disable()
        counts.append((time.perf_counter() - wall, time.process_time() - cpu))
        if profiler is not None:
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out).strip_dirs()
            stats.sort_stats("tottime").print_stats(20)
            stats.sort_stats("cumulative").print_stats(20)
            profile_text = out.getvalue()
            break
        if counts[0][0] > 30:  # one run of a slow counter is enough
            break

    return {
        "tool": tool,
        "method": method,
        "call": chosen.call,
        "papers": len(election.rankings),
        "import_s": import_s,
        "load_wall_s": load_wall,
        "load_cpu_s": load_cpu,
        "count_wall_s": counts[0][0],
        "count_cpu_s": counts[0][1],
        "count_runs_wall_s": [c[0] for c in counts],
        "count_min_wall_s": min(c[0] for c in counts),
        "input_peak_mib": input_mib,
        "after_load_peak_mib": after_load_mib,
        "after_load_rss_mib": held_mib,
        "peak_mib": _peak_mib(),
        "elected": list(elected),
        "profiled": profile,
        "profile": profile_text,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--tool", required=True)
    parser.add_argument("--method", required=True, choices=("irv", "stv"))
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--profile", action="store_true", help="cProfile the count (slows it)")
    args = parser.parse_args(argv)
    result = measure(args.workdir, args.tool, args.method, args.repeat, args.profile)
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
