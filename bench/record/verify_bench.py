"""Issue 4's benchmark: verify whole election records, and compare with the crypto floor.

Records (generated once with protocol.simulate and cached under bench/out/record/, gitignored):
- a 100,000-voter industrial action ballot (two yes/no questions, homomorphic);
- a 20,000-voter preferential selection (IRV, 8 candidates, 8 ranks, 3 trustees, 2 needed).

Each record is verified in a fresh process (`--one`), so its peak memory (the parent's plus the
worker processes') is its own. The floor is the scalar multiplications the proofs need per
ballot (crypto/proofs/costs.py) priced with rbcl timed in the same run (bench/crypto/floor.py).

    .venv/bin/python bench/record/verify_bench.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench" / "crypto"))
OUT = ROOT / "bench" / "out" / "record"

from floor import unit_costs  # noqa: E402

from clearcount.crypto.proofs.costs import disjunctive_cost, proof_costs  # noqa: E402
from clearcount.crypto.shuffle_proof import shuffle_costs  # noqa: E402

SHAPES = {
    "industrial-action": {"scenario": "industrial-action", "voters": 100_000, "candidates": None},
    "preferential": {"scenario": "preferential", "voters": 20_000, "candidates": 8},
}


def record_path(name: str, voters: int) -> Path:
    return OUT / f"{name}-{voters}.zip"


def generate(name: str, voters: int, candidates: int | None) -> Path:
    """Simulate and cache the record (minutes for the big ones; both cores)."""
    from clearcount.protocol.simulate import make_scenario, simulate_election
    from clearcount.record.archive import write_record

    path = record_path(name, voters)
    if path.exists():
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    scenario = make_scenario(name, voters=voters, candidates=candidates)
    events, _ = simulate_election(scenario, b"bench/record", processes=2, board_checks=False)
    write_record(events, path)
    print(
        f"generated {path.name}: {len(events)} events in {time.perf_counter() - start:.0f} s",
        file=sys.stderr,
    )
    return path


def verify_one(path: Path, workers: int) -> dict[str, object]:
    """Verify in this process; seconds, peak memory (MiB, self + children) and the verdict."""
    from clearcount.verifier import verify_record

    start = time.perf_counter()
    report = verify_record(path, workers=workers)
    seconds = time.perf_counter() - start
    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    ballots = next(o for o in report.outcomes if o.spec.id == "V-BALLOT-PROOF").detail
    return {
        "seconds": round(seconds, 2),
        "peak_mib": round(peak_self, 1),
        "peak_worker_mib": round(peak_children, 1),
        "verified": report.ok,
        "events": report.events,
        "ballots": ballots,
        "failed": [o.spec.id for o in report.failed()],
    }


def floor_ms_per_ballot(name: str, costs: dict[str, dict[str, float]]) -> dict[str, float]:
    """Scalar multiplications per ballot from costs.py, priced with this run's rbcl timings."""
    fixed = costs["base_mul"]["median"] / 1000
    variable = costs["var_mul"]["median"] / 1000
    schnorr = proof_costs()["schnorr"][1]
    if name == "industrial-action":  # 2 questions x (2 zero-one proofs + a [0, 1] sum proof)
        zero_one = proof_costs()["zero_one"][1]
        total_sum = disjunctive_cost(2)[1]  # yes/no may be left blank: min 0, max 1
        f = schnorr.fixed_base + 2 * (2 * zero_one.fixed_base + total_sum.fixed_base)
        v = schnorr.variable_base + 2 * (2 * zero_one.variable_base + total_sum.variable_base)
        return {"ballot": f * fixed + v * variable}
    k = 8  # 8 ranks, each proved in [0, 8]: 9 branches
    rank = disjunctive_cost(k + 1)[1]
    f = schnorr.fixed_base + k * rank.fixed_base
    v = schnorr.variable_base + k * rank.variable_base
    shuffle = shuffle_costs(1000, k)[1]
    per_shuffle = (shuffle.fixed_base * fixed + shuffle.variable_base * variable) / 1000
    decrypt = proof_costs()["decryption"][1]
    per_decrypt = k * 2 * (decrypt.fixed_base * fixed + decrypt.variable_base * variable)
    return {
        "ballot": f * fixed + v * variable,
        "shuffles": 3 * per_shuffle,
        "decryption": per_decrypt,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="1,000-voter records (smoke run)")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(verify_one(args.one, args.workers)))
        return
    results = {}
    costs = unit_costs(n=2000, repeats=5)
    for name, shape in SHAPES.items():
        voters = 1000 if args.quick else int(shape["voters"])  # type: ignore[call-overload]
        path = generate(str(shape["scenario"]), voters, shape["candidates"])  # type: ignore[arg-type]
        done = subprocess.run(
            [sys.executable, __file__, "--one", str(path), "--workers", str(args.workers)],
            capture_output=True,
            text=True,
            check=True,
        )
        measured = json.loads(done.stdout)
        floor = floor_ms_per_ballot(name, costs)
        measured["voters"] = voters
        measured["ms_per_voter"] = round(1000 * measured["seconds"] / voters, 3)
        measured["floor_ms_per_voter"] = {k: round(v, 3) for k, v in floor.items()}
        measured["floor_total_ms"] = round(sum(floor.values()), 3)
        results[name] = measured
        print(name, json.dumps(measured), file=sys.stderr)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / ("results-quick.json" if args.quick else "results.json")).write_text(
        json.dumps({"unit_costs_us": costs, "records": results}, indent=2)
    )


if __name__ == "__main__":
    main()
