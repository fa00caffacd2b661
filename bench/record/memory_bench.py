"""Issue 12: where the verifier's main process holds memory, per voter, check by check.

Runs the verification of a cached record (bench/record/scale_bench.py makes it) the way
`verify_events` does, under tracemalloc: after the first reading pass and after each check it
prints what Python holds (current) and the most it held during that step (peak), in bytes per
voter, then ru_maxrss of the whole process. The per-ballot checks run on `--workers` processes
(2 by default), so what they hold is not the main process's.

    .venv/bin/python bench/record/memory_bench.py --voters 20000 [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench" / "record"))

from verify_bench import OUT, record_path  # noqa: E402


def main() -> None:
    from clearcount.verifier.registry import CATALOGUE
    from clearcount.verifier.runner import IMPLEMENTATIONS, _run
    from clearcount.verifier.view import FileSource, RecordView

    parser = argparse.ArgumentParser()
    parser.add_argument("--voters", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    path = record_path("industrial-action", args.voters)
    voters = args.voters
    rows: list[tuple[str, float, float]] = []

    def step(name: str) -> None:
        current, peak = tracemalloc.get_traced_memory()
        rows.append((name, round(current / voters), round(peak / voters)))
        print(f"{name:24} current {current / voters:7.0f} B/voter  peak {peak / voters:7.0f}")
        tracemalloc.reset_peak()

    tracemalloc.start()
    step("start")
    view = RecordView(FileSource(path), workers=args.workers)
    step("first pass (the view)")
    failed = []
    for check in CATALOGUE:
        function = IMPLEMENTATIONS.get(check.id)
        if function is not None:
            outcome = _run(check, function, view)
            if outcome.status.value == "failed":
                failed.append(check.id)
            step(check.id)
    overall = max(peak for _, _, peak in rows)
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"highest peak {overall} B/voter; ru_maxrss {maxrss:.1f} MiB; failed {failed}")
    (OUT / f"memory-{voters}.json").write_text(
        json.dumps({"rows": rows, "ru_maxrss_mib": maxrss, "failed": failed}, indent=2)
    )


if __name__ == "__main__":
    main()
