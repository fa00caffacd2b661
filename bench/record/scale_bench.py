"""Issue 12's benchmark: an industrial action record at scale, generated, tallied, decrypted and
verified by the streaming verifier with 1 and 2 workers, against the libsodium floor.

The record (two yes/no questions, `protocol.simulate`, both cores, seeded) is generated once and
cached in bench/out/record/ with its phase timings (gitignored). Each verification runs in a
fresh process (`--one`) so its peak memory (ru_maxrss of the main process and of its largest
worker) is its own. The floor is the libsodium calls one ballot's checks make, counted
(bench/crypto/floor.py `count_operations`) and priced with rbcl in the same run: the scalar
multiplications alone (crypto/proofs/costs.py's floor) and all point operations (additions,
subtractions and decodings too).

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

from floor import OPS, count_operations, floor_us, unit_costs  # noqa: E402
from verify_bench import OUT, record_path  # noqa: E402

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


def _own_peak_kib() -> int:
    """This process's own peak resident memory (VmHWM). ru_maxrss would do on a fresh shell, but
    Linux carries the parent's high-water mark across fork and exec, so a verification started
    by a parent that has just generated a record would report the parent's peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


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
    cpu = sum(
        getattr(resource.getrusage(who), field)
        for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
        for field in ("ru_utime", "ru_stime")
    )
    main = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "cpu_main_seconds": round(main.ru_utime + main.ru_stime, 2),
        "peak_main_mib": round(_own_peak_kib() / 1024, 1),
        "peak_worker_mib": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
        "verified": report.ok,
        "events": report.events,
        "ballots": ballots,
        "failed": [o.spec.id for o in report.failed()],
    }


def per_ballot(path: Path, sample: int = 200) -> dict[str, object]:
    """The per-ballot work alone, in this process: libsodium calls per ballot (counted) and CPU
    ms per ballot (best of 3), on the record's first `sample` ballots."""
    from clearcount.verifier import facts
    from clearcount.verifier.ballot_scan import BallotJob, ScanContext, scan_chunk
    from clearcount.verifier.view import FileSource, RecordView

    view = RecordView(FileSource(path), workers=1)
    setup = facts.setup(view)
    context = ScanContext(view.fingerprint, setup.joint_key.to_bytes(), setup.contests)
    jobs = [BallotJob(seq, line, 1, None) for seq, line in next(view.ballot_lines(sample))]
    with count_operations() as counts:
        scan_chunk(context, jobs)
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        scan_chunk(context, jobs)
        best = min(best, time.process_time() - start)
    return {
        "operations": {op: counts[op] / len(jobs) for op in OPS if counts[op]},
        "cpu_ms": 1000 * best / len(jobs),
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
    work = per_ballot(path)
    operations = work["operations"]
    assert isinstance(operations, dict)
    floor = floor_us(operations, costs, ("base_mul", "var_mul"), "cpu_min") / 1000
    floor_all = floor_us(operations, costs, tuple(OPS), "cpu_min") / 1000
    work["floor_ms"] = round(floor, 3)
    work["floor_all_ms"] = round(floor_all, 3)
    work["x_floor"] = round(float(work["cpu_ms"]) / floor, 2)  # type: ignore[arg-type]
    work["x_floor_all"] = round(float(work["cpu_ms"]) / floor_all, 2)  # type: ignore[arg-type]
    print("per ballot", json.dumps(work), file=sys.stderr)
    runs = {}
    for workers in args.workers:
        command = [sys.executable, __file__, "--one", str(path), "--workers", str(workers)]
        if args.profile and workers == 1:
            command += ["--profile-to", str(OUT / f"profile-{args.voters}.pstats")]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        measured = json.loads(done.stdout)
        measured["ms_per_voter"] = round(1000 * measured["seconds"] / args.voters, 3)
        measured["cpu_ms_per_voter"] = round(1000 * measured["cpu_seconds"] / args.voters, 3)
        measured["x_floor_per_core"] = round(measured["cpu_ms_per_voter"] / floor, 2)
        measured["x_floor_all_per_core"] = round(measured["cpu_ms_per_voter"] / floor_all, 2)
        runs[workers] = measured
        print(workers, "workers", json.dumps(measured), file=sys.stderr)
    if args.profile:
        stats = pstats.Stats(str(OUT / f"profile-{args.voters}.pstats"))
        stats.sort_stats("tottime").print_stats(25)
    result = {
        "voters": args.voters,
        "generation_s": timings,
        "per_ballot": work,
        "unit_costs_us": costs,
        "runs": runs,
    }
    (OUT / f"scale-{args.voters}.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
