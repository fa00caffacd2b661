"""Server cast throughput with every proof checked (issue 12, issue 9): the curve to saturation.

    python -m bench.server.load                     # PostgreSQL then SQLite, each mode
    python -m bench.server.load --mode cast --database postgres --rates 100,200
    python -m bench.server.load --write-results     # and rewrite bench/RESULTS.md's section

Two modes (`--mode`, both by default): "cast", the cast request alone, which is what issue 12's
casts per second names (each step's voters sign in first, untimed: `bench.server.casts`), and
"flow", the whole voter flow described below.

For each database: an election with as many members as the run needs
(`bench.server.election`), one real ballot each made ahead in a process pool
(`bench.server.ballots`), `clearcount serve --workers N` on loopback (`bench.server.server`),
and voters arriving in an open loop (`bench.server.client.open_loop`) at stepped rates, each
asking for a sign-in code, reading it from the mail (a real SMTP server), and casting. The
server checks every ballot's proofs and signature before it answers. Each step reports the
casts acknowledged per second, the cast request's p50/p99 latency (the code request's apart),
and the CPU time of the server's processes, the database's and the load generator's; stepping
stops after the first saturated step. Then every tracking code the server acknowledged is
looked up on the board ("N acknowledged, N found"), and with `--count` the election is counted
and its record checked by the verifier.

PostgreSQL is a throwaway cluster of its own (`bench.server.postgres`; CLEARCOUNT_BENCH_POSTGRES_URL
names another server instead); SQLite is a file in WAL mode, the single-machine installation.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import uvloop

from clearcount.bootstrap import Config, build
from clearcount.record.events import tracking_code

from .ballots import CastBallot, make_ballots
from .casts import cast_loop, sign_in_ahead
from .client import CastResult, CodeSink, VoterClient, open_loop
from .election import PreparedElection, count_election, prepare_election
from .measure import Step, group_cpu, own_cpu, summarise
from .postgres import throwaway_cluster
from .rawhttp import Pool
from .server import ServerProcess

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "RESULTS.md"
HEADING = "## Server: casts per second with every proof checked (issue 12)"
WARM_UP = (20.0, 2.0)
"""Rate and seconds of the unreported first step (workers' imports, caches, connections)."""
MODES = {"cast": "the cast alone (voters signed in ahead)", "flow": "the whole voter flow"}
SETTLE = 0.3
"""Seconds waited after a step's last answer before its CPU is read: the receipt mails the
server sends after answering belong to the step."""


@dataclass(frozen=True, slots=True)
class Run:
    database: str
    mode: str
    workers: int
    members: int
    steps: tuple[Step, ...]
    acknowledged: int
    found: int
    on_board: int
    verified: str
    seconds: float


def _cpu(server: ServerProcess, database_pgid: int | None) -> tuple[float, float, float]:
    """CPU seconds so far: the server's processes, the database's, the load generator's."""
    return (group_cpu(server.process.pid),
            group_cpu(database_pgid) if database_pgid else 0.0, own_cpu())  # fmt: skip


async def _steps(server: ServerProcess, sink: CodeSink, prepared: PreparedElection,
                 ballots: Sequence[CastBallot], rates: Sequence[float], seconds: float,
                 database_pgid: int | None,
                 mode: str) -> tuple[list[Step], list[CastResult]]:  # fmt: skip
    """The warm-up, then each rate in turn until one saturates. In mode "cast" each step's
    voters sign in first, outside the timed window and its CPU readings."""
    steps: list[Step] = []
    every: list[CastResult] = []
    at = 0
    pool = Pool("127.0.0.1", server.port)
    async with VoterClient(server.base_url, prepared.election_id, sink) as client:
        for rate, count, reported in [(WARM_UP[0], int(WARM_UP[0] * WARM_UP[1]), False),
                                      *((r, int(r * seconds), True) for r in rates)]:  # fmt: skip
            voters = ballots[at : at + count]
            at += count
            if mode == "cast":
                signed_in = await sign_in_ahead(client, voters)
                await pool.warm(min(64, max(8, int(rate // 4))))
            before = _cpu(server, database_pgid)
            start = time.perf_counter()
            if mode == "cast":
                results = await cast_loop(pool, signed_in, rate)
            else:
                results = await open_loop(client, voters, rate)
            elapsed = time.perf_counter() - start
            await asyncio.sleep(SETTLE)
            after = _cpu(server, database_pgid)
            every += results
            if not reported:
                continue
            cpu = (after[0] - before[0], after[1] - before[1], after[2] - before[2])
            step = summarise(rate, results, elapsed, cpu)
            print(_row(step, mode), flush=True)
            steps.append(step)
            if step.saturated:
                break
    pool.close()
    return steps, every


def _on_board(prepared: PreparedElection) -> set[str]:
    services = build(Config(database_url=prepared.database_url, verifier_workers=2),
                     schema=prepared.schema)  # fmt: skip
    try:
        record = services.ballots.record(prepared.election_id)
    finally:
        services.close()
    return {tracking_code(e) for e in record if e.kind == "Ballot"}


def run_database(database: str, url: str, folder: Path, args: argparse.Namespace,
                 database_pgid: int | None, mode: str) -> Run:  # fmt: skip
    begun = time.perf_counter()
    rates = [float(r) for r in args.rates.split(",")]
    members = int(WARM_UP[0] * WARM_UP[1]) + sum(int(r * args.seconds) for r in rates)
    print(f"\n== {database}, {MODES[mode]}: {members} members, {args.workers} server workers",
          flush=True)  # fmt: skip
    prepared = prepare_election(url, folder, members=members)
    made = time.perf_counter()
    ballots = make_ballots(prepared, folder)
    print(f"  {len(ballots)} ballots made in {time.perf_counter() - made:.1f} s", flush=True)
    print(_header(mode), flush=True)
    with (
        CodeSink() as sink,
        ServerProcess.start(
            prepared, sink, workers=args.workers, log=folder / "server.log"
        ) as server,
    ):
        steps, results = asyncio.run(
            _steps(server, sink, prepared, ballots, rates, args.seconds, database_pgid, mode)
        )
    acknowledged = {r.tracking_code for r in results if r.tracking_code}
    board = _on_board(prepared)
    print(f"  {len(acknowledged)} acknowledged, {len(acknowledged & board)} found on the board "
          f"({len(board)} ballots on it)", flush=True)  # fmt: skip
    verified = "not run (--count)"
    if args.count:
        outcome = count_election(prepared, folder)
        verified = "VERIFIED" if outcome.verified else f"FAILED ({outcome.failed_checks} checks)"
    return Run(database, mode, args.workers, members, tuple(steps), len(acknowledged),
               len(acknowledged & board), len(board), verified,
               time.perf_counter() - begun)  # fmt: skip


_SIGN_IN_COLUMNS = ("code p50 ms", "code p99 ms", "mail p50 ms")


def _header(mode: str) -> str:
    columns = ["offered /s", "voters", "acknowledged", "casts/s", "cast p50 ms", "cast p99 ms",
               *(_SIGN_IN_COLUMNS if mode == "flow" else ()), "server CPU ms/cast",
               "database CPU ms/cast", "client CPU ms/cast", "load avg"]  # fmt: skip
    return "| " + " | ".join(columns) + " |\n|" + "---|" * len(columns)


def _row(s: Step, mode: str) -> str:
    per = max(1, s.acknowledged)
    errors = f" ({'; '.join(s.errors[:2])})" if s.errors else ""
    sign_in = (
        f"{s.code_p50 * 1000:.0f} | {s.code_p99 * 1000:.0f} | {s.mail_p50 * 1000:.0f} | "
        if mode == "flow"
        else ""
    )
    return (
        f"| {s.offered:g} | {s.voters} | {s.acknowledged}{errors} | **{s.casts_per_second:.1f}** "
        f"| {s.cast_p50 * 1000:.0f} | {s.cast_p99 * 1000:.0f} | {sign_in}"
        f"{s.server_cpu / per * 1000:.1f} | {s.database_cpu / per * 1000:.1f} | "
        f"{s.client_cpu / per * 1000:.1f} | {s.load_average:.2f} |"
    )


def machine() -> str:
    model = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")), platform.processor() or "unknown CPU",
    )  # fmt: skip
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"load average at the start {load}")  # fmt: skip


def section(runs: Sequence[Run], started_on: str, command: str) -> str:
    lines = [
        HEADING,
        "",
        f"Machine: {started_on}.",
        f"Command: `{command}`.",
        "",
        "Two measures. *The cast alone*: each step's voters first ask for a code and read it",
        "from the mail (real SMTP), untimed and outside the CPU readings; then the timed window",
        "holds only their `POST .../cast` {email, code, ballot} (prebuilt bytes over kept-alive",
        "connections, `bench/server/rawhttp.py`), each voter with its own CSRF pair. *The whole",
        "voter flow*: each voter `POST .../code`, the code read from the mail, `POST .../cast`",
        "(httpx2). Either way the server checks the code, every proof and the signature, commits",
        "durably before it answers, and mails the receipt. casts/s: acknowledged casts over the",
        "step's time from the first arrival to the last answer. CPU columns (user + system, from",
        "/proc): the server's processes, the database's, the load generator's (SMTP sink",
        "included), per acknowledged cast. Load avg: the machine's 1-minute load at the step's",
        "end; above the core count the machine was shared (other work ran beside the test) and",
        "the rates understate an idle machine's; the CPU per cast is the better measure then.",
        "",
    ]
    for run in runs:
        best = max(run.steps, key=lambda s: s.casts_per_second if not s.saturated else 0,
                   default=None)  # fmt: skip
        lines += [
            f"### {run.database}, {MODES[run.mode]}, `clearcount serve --workers "
            f"{run.workers}`, {run.members:,} members, {run.seconds:.0f} s in all",
            "",
            _header(run.mode),
            *(_row(s, run.mode) for s in run.steps),
            "",
            f"Sustained without saturation: **{best.casts_per_second:.1f} casts/s** at "
            f"{best.offered:g}/s offered (p99 {best.cast_p99 * 1000:.0f} ms)."
            if best is not None and not best.saturated
            else "Every step saturated.",
            f"{run.acknowledged} acknowledged, {run.found} found on the board "
            f"({run.on_board} ballots on it); record after counting: {run.verified}.",
            "",
        ]
    return "\n".join(lines)


def write_results(text: str) -> None:
    old = RESULTS.read_text(encoding="utf-8")
    start = old.find(HEADING)
    if start < 0:
        RESULTS.write_text(old.rstrip("\n") + "\n\n" + text, encoding="utf-8")
        return
    end = old.find("\n## ", start + len(HEADING))
    RESULTS.write_text(old[:start] + text + ("" if end < 0 else old[end:]), encoding="utf-8")


def main() -> None:
    # the load generator and its SMTP server on libuv's loop too: their CPU is the machine's
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("postgres", "sqlite", "both"), default="both")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--mode", choices=("cast", "flow", "both"), default="both",
                        help="the cast alone (voters signed in ahead), the whole voter flow, "
                        "or both")  # fmt: skip
    parser.add_argument("--rates", default="50,100,150,200,250,300",
                        help="PostgreSQL's rates per second for the cast alone")  # fmt: skip
    parser.add_argument("--flow-rates", default="20,30,40,50,60",
                        help="PostgreSQL's rates for the whole voter flow")  # fmt: skip
    parser.add_argument("--sqlite-rates", default="50,100,150,200",
                        help="SQLite's rates for the cast alone")  # fmt: skip
    parser.add_argument("--sqlite-flow-rates", default="20,30,40,50",
                        help="SQLite's rates for the whole voter flow")  # fmt: skip
    parser.add_argument("--seconds", type=float, default=8.0, help="seconds per step")
    parser.add_argument("--count", action="store_true", help="count and verify the record too")
    parser.add_argument("--folder", type=Path, default=Path("/tmp/clearcount-bench-server"))
    parser.add_argument("--write-results", action="store_true",
                        help=f"rewrite the section {HEADING!r} of bench/RESULTS.md")  # fmt: skip
    args = parser.parse_args()
    started_on = machine()
    print(f"machine: {started_on}")
    modes = ("cast", "flow") if args.mode == "both" else (args.mode,)
    runs: list[Run] = []
    if args.database in ("postgres", "both"):
        for mode in modes:
            folder = _fresh(args.folder / f"postgres-{mode}")
            chosen = args.rates if mode == "cast" else args.flow_rates
            rates = argparse.Namespace(**{**vars(args), "rates": chosen})
            with throwaway_cluster(folder / "cluster") as url:
                runs.append(
                    run_database("PostgreSQL", url, folder, rates, _pgid_of_port(url), mode)
                )
    if args.database in ("sqlite", "both"):
        for mode in modes:
            folder = _fresh(args.folder / f"sqlite-{mode}")
            chosen = args.sqlite_rates if mode == "cast" else args.sqlite_flow_rates
            rates = argparse.Namespace(**{**vars(args), "rates": chosen})
            runs.append(run_database("SQLite (WAL)", f"sqlite:///{folder / 'clearcount.db'}",
                                     folder, rates, None, mode))  # fmt: skip
    command = " ".join(["python -m bench.server.load", *sys.argv[1:]])
    text = section(runs, started_on, command)
    print("\n" + text)
    if args.write_results:
        write_results(text)
        print(f"written to {RESULTS}")


def _fresh(folder: Path) -> Path:
    """`folder`, emptied of an earlier run (its database, key files and ballots)."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def _pgid_of_port(url: str) -> int | None:
    """The process group of the PostgreSQL server listening on `url`'s port, if it is ours."""
    port = url.rsplit(":", 1)[1].split("/")[0]
    found = subprocess.run(["ss", "-Hltnp", f"sport = :{port}"], capture_output=True, text=True,
                           check=False).stdout  # fmt: skip
    if "pid=" not in found:
        return None
    pid = int(found.split("pid=")[1].split(",")[0])
    return os.getpgid(pid)


if __name__ == "__main__":
    main()
