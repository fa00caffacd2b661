"""Issue 12's benchmark: an industrial action record at scale, generated, tallied, decrypted and
verified by the streaming verifier with 1 and 2 workers, against the libsodium floor.

The record (two yes/no questions, `protocol.simulate`, both cores, seeded) is generated once and
cached in bench/out/record/ with its phase timings (gitignored). Each verification runs in a
fresh process (`--one`) so its peak memory (ru_maxrss of the main process and of its largest
worker) is its own. The floor is the scalar multiplications per ballot (crypto/proofs/costs.py)
priced with rbcl in the same run (bench/crypto/floor.py).

    .venv/bin/python bench/record/scale_bench.py --voters 20000 [--workers 1 2] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench" / "record"))
sys.path.insert(0, str(ROOT / "bench" / "crypto"))

from floor import unit_costs  # noqa: E402
from verify_bench import OUT, floor_ms_per_ballot, record_path  # noqa: E402

NAME = "industrial-action"


def generate(voters: int) -> tuple[Path, dict[str, float]]:
    """The cached record and its generation timings (simulated once, both cores)."""
    from clearcount.protocol.simulate import make_scenario, simulate_election
    from clearcount.record.archive import write_record

    path = record_path(NAME, voters)
    timings_path = path.with_suffix(".timings.json")
    if path.exists() and timings_path.exists():
        return path, json.loads(timings_path.read_text())
    OUT.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}
    start = time.perf_counter()
    scenario = make_scenario(NAME, voters=voters)
    events, _ = simulate_election(
        scenario, b"bench/record", processes=2, board_checks=False, timings=timings
    )
    timings["total"] = time.perf_counter() - start
    write_record(events, path)
    timings["events"] = len(events)
    timings_path.write_text(json.dumps(timings, indent=2))
    return path, timings


def verify_one(path: Path, workers: int, profile: Path | None) -> dict[str, object]:
    """Verify in this process: seconds, peak memory (MiB) of this process and its workers."""
    from clearcount.verifier import verify_record

    profiler = cProfile.Profile() if profile else None
    start = time.perf_counter()
    if profiler:
        profiler.enable()
    report = verify_record(path, workers=workers)
    if profiler:
        profiler.disable()
        profiler.dump_stats(str(profile))
    seconds = time.perf_counter() - start
    ballots = next(o for o in report.outcomes if o.spec.id == "V-BALLOT-PROOF").detail
    return {
        "seconds": round(seconds, 2),
        "peak_main_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "peak_worker_mib": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
        "verified": report.ok,
        "events": report.events,
        "ballots": ballots,
        "failed": [o.spec.id for o in report.failed()],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--voters", type=int, default=20_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--generate-only", action="store_true")
    parser.add_argument("--profile", action="store_true", help="cProfile the 1-worker run")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--profile-to", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(verify_one(args.one, args.workers[0], args.profile_to)))
        return
    path, timings = generate(args.voters)
    print("generated", json.dumps(timings), file=sys.stderr)
    if args.generate_only:
        return
    costs = unit_costs(n=2000, repeats=5)
    floor = floor_ms_per_ballot(NAME, costs)["ballot"]
    runs = {}
    for workers in args.workers:
        command = [sys.executable, __file__, "--one", str(path), "--workers", str(workers)]
        if args.profile and workers == 1:
            command += ["--profile-to", str(OUT / f"profile-{args.voters}.pstats")]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        measured = json.loads(done.stdout)
        measured["ms_per_voter"] = round(1000 * measured["seconds"] / args.voters, 3)
        measured["cpu_ms_per_voter"] = round(measured["ms_per_voter"] * workers, 3)
        measured["x_floor_per_core"] = round(measured["cpu_ms_per_voter"] / floor, 2)
        runs[workers] = measured
        print(workers, "workers", json.dumps(measured), file=sys.stderr)
    if args.profile:
        stats = pstats.Stats(str(OUT / f"profile-{args.voters}.pstats"))
        stats.sort_stats("tottime").print_stats(25)
    result = {
        "voters": args.voters,
        "generation_s": timings,
        "floor_ms_per_voter": round(floor, 3),
        "unit_costs_us": costs,
        "runs": runs,
    }
    (OUT / f"scale-{args.voters}.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
