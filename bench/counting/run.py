"""The counting benchmark (issue 2): clearcount against pyrankvote and votekit, one run.

Generates the synthetic election (generate.py), writes it as BLT, then measures every
(tool, method) pair in its own subprocess (measure.py) one after another, with a timeout, and
prints a Markdown report with load and count times, peak memory, ratios and winner agreement.

    .venv/bin/python bench/counting/run.py --ballots 100000,1000000 --profile \\
        --json bench/out/counting/results.json                  # the recorded run
    .venv/bin/python bench/counting/run.py --ballots 10000      # smoke mode
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from generate import ElectionSpec, candidate_names, fingerprint, rankings, write_blt
from peers import ADAPTERS

__all__ = ["main"]

HERE = Path(__file__).resolve().parent
TOOLS = (
    "clearcount",
    "clearcount-blt",
    "clearcount-packed",
    "pyrankvote",
    "votekit",
    "votekit-fast",
)
PEERS = ("pyrankvote", "votekit", "votekit-fast")
METHODS = {"irv": "IRV (1 seat)", "stv": "STV (5 seats; clearcount: stv-scottish)"}


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def environment() -> dict[str, Any]:
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu": _cpu_model(),
        "cpus": os.cpu_count(),
        "loadavg_start": os.getloadavg(),
        "versions": {p: _version(p) for p in ("clearcount", "pyrankvote", "votekit", "numpy")},
    }


def prepare(spec: ElectionSpec, workdir: Path) -> dict[str, Any]:
    """Generate the papers once, store them for the workers, write the BLT file."""
    started = time.perf_counter()
    ranked = list(rankings(spec))
    generate_s = time.perf_counter() - started
    with (workdir / "rankings.pickle").open("wb") as f:
        pickle.dump(ranked, f, protocol=pickle.HIGHEST_PROTOCOL)
    names, title = candidate_names(spec), f"Synthetic election, seed {spec.seed}"
    blt = workdir / "election.blt"
    lines = write_blt(blt, names, spec.seats, ranked, compressed=False, title=title)
    packed = workdir / "election-packed.blt"
    packed_lines = write_blt(packed, names, spec.seats, ranked, compressed=True, title=title)
    meta = {
        "candidates": list(names),
        "seats": spec.seats,
        "seed": spec.seed,
        "papers": len(ranked),
        "distinct_rankings": packed_lines,
        "mean_depth": sum(map(len, ranked)) / len(ranked),
        "blt": blt.name,
        "blt_lines": lines,
        "blt_bytes": blt.stat().st_size,
        "packed_blt": packed.name,
        "packed_blt_bytes": packed.stat().st_size,
        "fingerprint": fingerprint(ranked),
        "generate_s": generate_s,
    }
    (workdir / "meta.json").write_text(json.dumps(meta, indent=1))
    return meta


def run_one(
    workdir: Path, tool: str, method: str, timeout: float, repeat: int, profile: bool = False
) -> dict[str, Any]:
    command = [
        sys.executable,
        str(HERE / "measure.py"),
        "--workdir",
        str(workdir),
        "--tool",
        tool,
        "--method",
        method,
        "--repeat",
        str(repeat),
    ]
    if profile:
        command.append("--profile")
    started = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"tool": tool, "method": method, "status": f"timeout after {timeout:.0f} s"}
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["(no stderr)"])[-1]
        return {"tool": tool, "method": method, "status": f"failed: {tail}", "wall_s": elapsed}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["status"] = "ok"
    result["process_wall_s"] = elapsed
    return result


def _fmt(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return f"{seconds:.3f}" if seconds < 10 else f"{seconds:.1f}"


def _ratio(peer: float | None, base: float | None) -> str:
    if peer is None or base is None or base <= 0:
        return "-"
    return f"{peer / base:.1f}x"


def _total(r: dict[str, Any], clock: str) -> float:
    return float(r[f"load_{clock}_s"] + r[f"count_{clock}_s"])


def _pair(r: dict[str, Any], base: dict[str, Any], phase: str) -> str:
    cpu = _ratio(r[f"{phase}_cpu_s"], base[f"{phase}_cpu_s"])
    wall = _ratio(r[f"{phase}_wall_s"], base[f"{phase}_wall_s"])
    return f"{cpu} ({wall})"


def report(meta: dict[str, Any], env: dict[str, Any], results: list[dict[str, Any]]) -> str:
    """The Markdown tables for bench/RESULTS.md."""
    out = [
        f"Papers: {meta['papers']:,} ({meta['distinct_rankings']:,} distinct rankings, mean depth "
        f"{meta['mean_depth']:.2f}), {len(meta['candidates'])} candidates, seed {meta['seed']}, "
        f"fingerprint `{meta['fingerprint'][:16]}`; BLT {meta['blt_bytes'] / 2**20:.1f} MiB "
        f"(packed {meta['packed_blt_bytes'] / 2**20:.1f} MiB).",
        f"Machine: {env['cpu']}, {env['cpus']} CPUs (shared), Python {env['python']}, "
        f"{env['date']}; load average at start {env['loadavg_start'][0]:.2f}, at end "
        f"{env.get('loadavg_end', (float('nan'),))[0]:.2f}.",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in env["versions"].items()) + ".",
        "",
        "| method | tool | call | load s (wall/cpu) | count s (wall/cpu) | peak RSS MiB "
        "(+ over input) | elected | same winners as clearcount |",
        "|---|---|---|---|---|---|---|---|",
    ]
    by_key = {(r["tool"], r["method"]): r for r in results}
    for method in METHODS:
        base = by_key.get(("clearcount", method), {})
        base_set = set(base.get("elected", ())) if base.get("status") == "ok" else None
        for tool in TOOLS:
            r = by_key.get((tool, method))
            if r is None:
                continue
            if r["status"] != "ok":
                out.append(f"| {method} | {tool} | | {r['status']} | | | | |")
                continue
            agree = (
                "-"
                if base_set is None or tool == "clearcount"
                else ("yes" if set(r["elected"]) == base_set else "NO")
            )
            if agree == "yes" and tuple(r["elected"]) != tuple(base.get("elected", ())):
                agree = "yes (other order)"
            runs = r["count_runs_wall_s"]
            best = f" (best of {len(runs)}: {_fmt(min(runs))})" if len(runs) > 1 else ""
            out.append(
                f"| {method} | {tool} | {r['call']} | {_fmt(r['load_wall_s'])} / "
                f"{_fmt(r['load_cpu_s'])} | {_fmt(r['count_wall_s'])} / {_fmt(r['count_cpu_s'])}"
                f"{best} | {r['peak_mib']:.0f} (+{r['peak_mib'] - r['input_peak_mib']:.0f}) | "
                f"{', '.join(r['elected'])} | {agree} |"
            )
    out += [
        "",
        "Ratios are peer / clearcount on CPU time (wall time in brackets); memory is the peak RSS "
        "increase over the input.",
        "",
        "| method | peer | count time | load time | load + count | peak memory |",
        "|---|---|---|---|---|---|",
    ]
    for method in METHODS:
        base = by_key.get(("clearcount", method), {})
        if base.get("status") != "ok":
            continue
        base_mem = base["peak_mib"] - base["input_peak_mib"]
        for tool in PEERS:
            r = by_key.get((tool, method))
            if r is None or r["status"] != "ok":
                continue
            out.append(
                f"| {method} | {tool} | {_pair(r, base, 'count')} | {_pair(r, base, 'load')} | "
                f"{_ratio(_total(r, 'cpu'), _total(base, 'cpu'))} "
                f"({_ratio(_total(r, 'wall'), _total(base, 'wall'))}) | "
                f"{_ratio(r['peak_mib'] - r['input_peak_mib'], base_mem)} |"
            )
    out += [
        "",
        "| method | clearcount count s, CPU (wall) | fastest peer, count s CPU (wall) | speed-up "
        "(CPU) | target >= 20x | target < 3 s (CPU) |",
        "|---|---|---|---|---|---|",
    ]
    for method in METHODS:
        base = by_key.get(("clearcount", method), {})
        peers = [r for t in PEERS if (r := by_key.get((t, method), {})).get("status") == "ok"]
        if base.get("status") != "ok" or not peers:
            continue
        fastest = min(peers, key=lambda r: r["count_cpu_s"])
        speedup = fastest["count_cpu_s"] / base["count_cpu_s"]
        out.append(
            f"| {method} | {_fmt(base['count_cpu_s'])} ({_fmt(base['count_wall_s'])}) | "
            f"{fastest['tool']}: {_fmt(fastest['count_cpu_s'])} ({_fmt(fastest['count_wall_s'])})"
            f" | {speedup:.1f}x | {'met' if speedup >= 20 else 'NOT met'} | "
            f"{'met' if base['count_cpu_s'] < 3 else 'NOT met'} |"
        )
    return "\n".join(out)


def run_size(args: argparse.Namespace, papers: int, workdir: Path) -> dict[str, Any]:
    """Every chosen (method, tool) pair on one generated election, one after another."""
    spec = ElectionSpec(ballots=papers, seed=args.seed, seats=args.seats)
    workdir.mkdir(parents=True, exist_ok=True)
    env = environment()
    meta = prepare(spec, workdir)
    print(f"generated {meta['papers']:,} papers -> {workdir}", file=sys.stderr)
    results: list[dict[str, Any]] = []
    for method in args.methods:
        for tool in args.tools:
            if not any(a.tool == tool and a.method == method for a in ADAPTERS):
                continue
            print(f"  {method} / {tool} ...", end="", file=sys.stderr, flush=True)
            result = run_one(workdir, tool, method, args.timeout, args.repeat)
            results.append(result)
            shown = _fmt(result.get("count_cpu_s")) + " s CPU" if result["status"] == "ok" else ""
            print(f" {result['status']} {shown}", file=sys.stderr)
    profiles: dict[str, str] = {}
    if args.profile:
        for method in args.methods:
            profiled = run_one(workdir, "clearcount", method, args.timeout, 1, profile=True)
            profiles[method] = profiled.get("profile") or profiled["status"]
    env["loadavg_end"] = os.getloadavg()
    return {"meta": meta, "env": env, "results": results, "profiles": profiles}


def _csv(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--ballots", default="1000000", help="papers; a comma-separated list runs each size"
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--seats", type=int, default=5)
    parser.add_argument("--tools", type=_csv, default=list(TOOLS), help="comma-separated subset")
    parser.add_argument("--methods", type=_csv, default=list(METHODS), help="irv,stv or one")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per measurement")
    parser.add_argument("--repeat", type=int, default=3, help="count runs (fast counters)")
    parser.add_argument("--profile", action="store_true", help="also cProfile clearcount counts")
    parser.add_argument("--workdir", type=Path, help="keep the generated files here")
    parser.add_argument("--json", type=Path, help="write every figure here")
    args = parser.parse_args(argv)
    for tool in args.tools:
        if tool not in TOOLS:
            parser.error(f"--tools: unknown tool {tool!r}; expected some of {', '.join(TOOLS)}")
    for method in args.methods:
        if method not in METHODS:
            parser.error(f"--methods: unknown method {method!r}; expected irv and/or stv")
    try:
        sizes = [int(size) for size in _csv(args.ballots)]
    except ValueError:
        parser.error(f"--ballots: expected whole numbers separated by commas, got {args.ballots!r}")

    runs = []
    with tempfile.TemporaryDirectory(prefix="clearcount-bench-") as scratch:
        for papers in sizes:
            workdir = (args.workdir or Path(scratch)) / f"{papers}"
            runs.append(run_size(args, papers, workdir))
    for run in runs:
        print(f"\n### {run['meta']['papers']:,} papers\n")
        print(report(run["meta"], run["env"], run["results"]))
        for method, profile_text in run["profiles"].items():
            print(f"\n#### cProfile of clearcount {method}\n```\n{profile_text}\n```")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"runs": runs}, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
