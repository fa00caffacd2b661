"""Whole-process counts of one BLT file (issue 12): `clearcount count` and pyrankvote, same run.

Each measurement is one process as a user starts it, from reading the file to printing the
winners: `clearcount count FILE -m stv-scottish|irv --format json` against `pyrankvote_blt.py`
(the shortest pyrankvote script for a BLT file). Wall time, CPU time (user + system) and peak
RSS come from `os.wait4` of that process alone. Tools alternate within each repeat, so a change
of machine load hits both; the load average is recorded before and after.

    .venv/bin/python bench/counting/whole_process.py --ballots 1000000 --repeat 3
    .venv/bin/python bench/counting/whole_process.py --ballots 20000 --repeat 1   # smoke
    .venv/bin/python bench/counting/whole_process.py --ballots 10000000 --repeat 1 \\
        --blt /tmp/10m.blt --timeout 600        # 10M papers, ~180 MiB; pyrankvote bounded
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from generate import ElectionSpec, candidate_names, rankings, write_blt
from run import environment

__all__ = ["main", "measure"]

HERE = Path(__file__).resolve().parent
TOOLS = ("clearcount", "pyrankvote")
METHODS = ("stv", "irv")


def command(tool: str, method: str, blt: Path) -> list[str]:
    if tool == "pyrankvote":
        return [sys.executable, str(HERE / "pyrankvote_blt.py"), str(blt), method]
    script = Path(sys.executable).with_name("clearcount")
    start = [str(script)] if script.exists() else [sys.executable, "-m", "clearcount"]
    rule = ["-m", "stv-scottish"] if method == "stv" else ["-m", "irv", "--seats", "1"]
    return [*start, "count", str(blt), *rule, "--format", "json"]


def measure(tool: str, method: str, blt: Path, timeout: float | None = None) -> dict[str, Any]:
    """One process: wall s, CPU s, peak MiB and the winners it printed; killed after `timeout`
    seconds (then `timed_out`, with the figures up to the kill)."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        child = subprocess.Popen(command(tool, method, blt), stdout=out, stderr=subprocess.PIPE)
        timer = threading.Timer(timeout, child.kill) if timeout else None
        if timer:
            timer.start()
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        if timer:
            timer.cancel()
        child.returncode = os.waitstatus_to_exitcode(status)
        error = child.stderr.read().decode() if child.stderr else ""
        out.seek(0)
        printed = out.read().decode()
    figures = {
        "wall_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "peak_mib": usage.ru_maxrss / 1024,
    }
    if timeout and child.returncode == -signal.SIGKILL and wall >= timeout:
        return {**figures, "timed_out": timeout, "elected": []}
    if child.returncode != 0:
        raise RuntimeError(f"{tool} {method} failed: {error.strip().splitlines()[-1:]}")
    elected = json.loads(printed)
    return {**figures, "elected": elected["elected"] if isinstance(elected, dict) else elected}


def report(runs: dict[tuple[str, str], list[dict[str, Any]]], env: dict[str, Any]) -> str:
    out = [
        f"Machine: {env['cpu']}, {env['cpus']} CPUs shared with other work; Python "
        f"{env['python']}; {env['date']}; load average {env['loadavg_start'][0]:.2f} at the "
        f"start, {env['loadavg_end'][0]:.2f} at the end. Versions: "
        + ", ".join(f"{k} {v}" for k, v in env["versions"].items() if k != "votekit")
        + ".",
        "",
        "| method | tool | wall s, median (min) | CPU s, median (min) | peak RSS MiB | elected |",
        "|---|---|---|---|---|---|",
    ]
    for method in METHODS:
        for tool in TOOLS:
            rs = runs[(tool, method)]
            if not rs:
                continue
            if any("timed_out" in r for r in rs):
                limit = rs[0]["timed_out"]
                out.append(
                    f"| {method} | {tool} | did not finish in {limit:g} s (killed) | "
                    f"{max(r['cpu_s'] for r in rs):.2f} by then | "
                    f"{max(r['peak_mib'] for r in rs):.0f} by then | - |"
                )
                continue
            wall = [r["wall_s"] for r in rs]
            cpu = [r["cpu_s"] for r in rs]
            out.append(
                f"| {method} | {tool} | {statistics.median(wall):.2f} ({min(wall):.2f}) | "
                f"{statistics.median(cpu):.2f} ({min(cpu):.2f}) | "
                f"{max(r['peak_mib'] for r in rs):.0f} | {', '.join(rs[0]['elected'])} |"
            )
    out += ["", "| method | pyrankvote / clearcount: wall | CPU | peak memory | same winners |"]
    out.append("|---|---|---|---|---|")
    for method in METHODS:
        ours, peer = runs[("clearcount", method)], runs[("pyrankvote", method)]
        if not ours or not peer or any("timed_out" in r for r in ours + peer):
            continue

        def ratio(key: str, a: list[dict[str, Any]] = ours, b: list[dict[str, Any]] = peer) -> str:
            peer_value = statistics.median(r[key] for r in b)
            return f"{peer_value / statistics.median(r[key] for r in a):.1f}x"

        same = set(ours[0]["elected"]) == set(peer[0]["elected"])
        order = "" if ours[0]["elected"] == peer[0]["elected"] else " (other order)"
        out.append(
            f"| {method} | {ratio('wall_s')} | {ratio('cpu_s')} | {ratio('peak_mib')} | "
            f"{'yes' if same else 'NO'}{order if same else ''} |"
        )
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--seats", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--blt", type=Path, help="use (or write once) this BLT file")
    parser.add_argument("--json", type=Path, help="write every figure here")
    parser.add_argument(
        "--timeout", type=float, help="kill a process after this many seconds (reported as such)"
    )
    parser.add_argument("--tools", nargs="+", choices=TOOLS, default=list(TOOLS))
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="clearcount-whole-") as scratch:
        blt = args.blt or Path(scratch) / "election.blt"
        if not blt.exists():
            spec = ElectionSpec(ballots=args.ballots, seed=args.seed, seats=args.seats)
            write_blt(blt, candidate_names(spec), spec.seats, rankings(spec), compressed=False)
        env = environment()
        runs: dict[tuple[str, str], list[dict[str, Any]]] = {
            (t, m): [] for t in TOOLS for m in METHODS
        }
        for turn in range(args.repeat):
            for method in METHODS:
                for tool in args.tools if turn % 2 == 0 else args.tools[::-1]:
                    result = measure(tool, method, blt, args.timeout)
                    runs[(tool, method)].append(result)
                    print(f"{tool} {method}: {result}", file=sys.stderr)
        env["loadavg_end"] = os.getloadavg()
        env["blt_mib"] = blt.stat().st_size / 2**20
    print(report(runs, env))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        rows = [{"tool": t, "method": m, "runs": r} for (t, m), r in runs.items()]
        args.json.write_text(json.dumps({"env": env, "results": rows}, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
