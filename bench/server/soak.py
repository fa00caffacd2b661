"""The fault soak (issue 12): kill -9 under load, restart, and lose nothing that was acknowledged.

    .venv/bin/python -m bench.server.soak --backend postgres --kills 1000      # the recorded run
    .venv/bin/python -m bench.server.soak --backend sqlite --kills 30          # a quick look

One run: a prepared election (`election.prepare_election`, N members) on a throwaway
PostgreSQL cluster (`pg_cluster`) or an SQLite file in WAL mode; `clearcount serve --workers W`
(`server.ServerProcess`) with its mail going to a real SMTP server (`client.CodeSink`); voters
casting pre-made real ballots (`ballots.make_ballots`, a fresh encryption per voter and round)
at a few casts per second; and a killer that, at random moments, SIGKILLs one server worker, the
whole server, or PostgreSQL (the postmaster and every backend) (`kills`), restarts what died,
and goes on until `--kills` kills (or `--minutes`). A voter does what the booth does
(WEB_CONTRACT.md): ask for a sign-in code, read it from the mail, cast; when a cast gets no
answer (connection reset, timeout, 5xx) the voter sends the SAME ballot with the same code
again, as the booth's cast button does, until it is acknowledged. If the first send had been
stored, the board answers with its receipt (`"resent": true`, protocol.board.resent) and stores
nothing; a voter's later round is a re-vote with a freshly encrypted ballot, which replaces the
earlier one (spec §11.4; the receipt says `revote`).

Then `audit.audit` compares what the voters were told with the stopped server's database: every
acknowledged tracking code on the board, nothing half-written, the count equal to the voters
with an acknowledged ballot, the record verified. The report ends "N acknowledged, N found";
`--json` writes every number.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx2

from .audit import audit
from .ballots import CastBallot, make_ballots
from .client import CodeSink, VoterClient, browser_headers
from .election import PreparedElection, prepare_election
from .kills import kill_group, kill_worker
from .pg_cluster import ThrowawayPostgres
from .server import ServerProcess

__all__ = ["Attempt", "SoakPlan", "SoakReport", "main", "run_soak"]

KINDS = ("worker", "server", "postgres")


@dataclass(frozen=True, slots=True)
class SoakPlan:
    backend: str = "postgres"
    kills: int = 1000
    minutes: float | None = None
    """Stop killing after this long even if `kills` is not reached."""
    members: int = 3000
    rounds: int = 4
    """Ballots per member: the first round casts, the later ones re-vote."""
    workers: int = 3
    lanes: int = 6
    """Voters in flight at once."""
    rate: float = 4.0
    """At most this many cast requests per second (a modest load: the point is the kills)."""
    weights: tuple[float, float, float] = (0.8, 0.12, 0.08)
    """Worker, server, PostgreSQL kills (on SQLite the PostgreSQL share goes to workers)."""
    gap: tuple[float, float] = (0.1, 1.2)
    """Seconds between one restart being complete and the next kill, uniformly at random."""
    min_worker_age: float = 3.0
    """Only a worker that has run this long is killed: one still starting serves nothing yet
    (a forked worker starts in 0.1-0.3 s of CPU: seconds at nice 10 on a 2-core machine at a
    load of 20)."""
    seed: int = 12
    http_sample: int = 200


@dataclass(slots=True)
class Attempt:
    """One POST .../cast. `outcome`: acknowledged (200 and a tracking code), refused (a definite
    4xx: not stored), not sent (the connection was refused: no server listened), unanswered (sent,
    but no answer or a 5xx: stored or not, nobody can tell)."""

    member_id: str
    signature: str
    outcome: str
    status: int
    tracking_code: str | None = None
    seq: int | None = None
    revote: bool | None = None
    resent: bool | None = None
    error: str = ""


@dataclass(slots=True)
class SoakReport:
    plan: dict[str, Any]
    machine: dict[str, Any]
    seconds: float = 0.0
    kills: dict[str, int] = field(default_factory=dict)
    restart_seconds: dict[str, list[float]] = field(default_factory=dict)
    voters: int = 0
    attempts: int = 0
    acknowledged: int = 0
    found: int = 0
    refused: int = 0
    not_sent: int = 0
    """Casts whose connection was refused (the server was down): never reached it."""
    unanswered: int = 0
    unanswered_stored: int = 0
    """Unanswered sends that had been stored: their re-send was answered `resent`."""
    unanswered_kinds: dict[str, int] = field(default_factory=dict)
    """What the unanswered sends got: the client's exception, or the HTTP status and kind."""
    sign_in_retries: int = 0
    revote_receipts: int = 0
    storage: str = ""
    counted: int = 0
    voted: int = 0
    totals: dict[str, int] = field(default_factory=dict)
    verified: bool = False
    cli_verify: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def headline(self) -> str:
        return f"{self.acknowledged} acknowledged, {self.found} found"


class Pacer:
    """At most `rate` events per second, spread evenly (shared by every lane)."""

    def __init__(self, rate: float) -> None:
        self._gap = 1.0 / rate
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        async with self._lock:
            now = asyncio.get_running_loop().time()
            self._next = max(self._next + self._gap, now)
            delay = self._next - now
        if delay > 0:
            await asyncio.sleep(delay)


@dataclass(slots=True)
class Voter:
    """One voter's turn: their ballot, their browser's CSRF pair, their current code."""

    ballot: CastBallot
    headers: dict[str, str] = field(default_factory=browser_headers)
    code: str | None = None


@dataclass
class Soak:
    """The voters' side and the killer of one run."""

    plan: SoakPlan
    prepared: PreparedElection
    server: ServerProcess
    sink: CodeSink
    postgres: ThrowawayPostgres | None
    log: Path
    attempts: list[Attempt] = field(default_factory=list)
    kills: Counter[str] = field(default_factory=Counter)
    restarts: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    sign_in_retries: int = 0
    killing: bool = True

    def __post_init__(self) -> None:
        self.rng = random.Random(self.plan.seed)
        self.kinds = random.Random(self.plan.seed + 1)
        """Which kind each kill is follows from the seed alone (the tests rely on it)."""
        self.kill_rng = random.Random(self.plan.seed + 2)
        self.pacer = Pacer(self.plan.rate)
        self.busy: set[str] = set()

    async def _sign_in(self, client: VoterClient, voter: Voter) -> str:
        """A code by mail, asked for again while none comes: a kill may take the request, or
        the code after the 202 (it is stored and mailed after the answer). Within 30 s of a
        stored code the server mails nothing new (RESEND_GAP), so asking every 10 s is enough."""
        email = voter.ballot.email
        while True:
            try:
                asked = (await client.request_code(email, voter.headers)).status_code == 202
            except httpx2.HTTPError:
                asked = False
            if asked:
                try:
                    return await self.sink.code_for(email, timeout=10.0)
                except TimeoutError:
                    pass
            self.sign_in_retries += 1
            await asyncio.sleep(0.5)

    async def _cast(self, client: VoterClient, voter: Voter) -> Attempt:
        ballot = voter.ballot
        member, signature = ballot.member_id, str(ballot.ballot["signature"])
        await self.pacer.wait()
        try:
            answer = await client.cast(ballot.email, str(voter.code), ballot.ballot, voter.headers)
        except httpx2.ConnectError as error:  # nothing listens: the request never left
            return Attempt(member, signature, "not sent", 0, error=type(error).__name__)
        except httpx2.HTTPError as error:
            return Attempt(member, signature, "unanswered", 0, error=type(error).__name__)
        try:
            data = answer.json()
        except ValueError:
            data = {}
        if answer.status_code == 200 and data.get("tracking_code"):
            return Attempt(
                member,
                signature,
                "acknowledged",
                200,
                str(data["tracking_code"]),
                int(data["seq"]),
                bool(data["revote"]),
                bool(data.get("resent")),
            )
        outcome = "refused" if 400 <= answer.status_code < 500 else "unanswered"
        error = f"{data.get('kind', '')}: {data.get('error', answer.text[:120])}"
        return Attempt(member, signature, outcome, answer.status_code, error=error)

    async def vote(self, client: VoterClient, voter: Voter) -> None:
        """Cast until acknowledged; an unanswered cast is sent again as it was."""
        while True:
            if voter.code is None:
                voter.code = await self._sign_in(client, voter)
            attempt = await self._cast(client, voter)
            self.attempts.append(attempt)
            if attempt.outcome == "acknowledged":
                return
            if attempt.status == 403 and attempt.error.startswith("sign_in"):
                voter.code = None  # used or expired: the booth asks for a new code
            elif attempt.outcome == "refused":
                return  # a definite refusal: audit reports it as a problem
            else:  # the booth's voter presses "cast" again a moment later
                await asyncio.sleep(self.rng.uniform(0.5, 1.5))

    async def lane(self, client: VoterClient, voters: Iterator[Voter]) -> None:
        while self.killing:
            voter = next(voters, None)
            if voter is None:
                print("  every prepared ballot is cast: the soak stops here", flush=True)
                self.killing = False
                return
            member = voter.ballot.member_id
            while member in self.busy:  # one cast at a time per voter: their order is known
                await asyncio.sleep(0.1)
            self.busy.add(member)
            try:
                await self.vote(client, voter)
            finally:
                self.busy.discard(member)

    def _kind(self) -> str:
        worker, server, postgres = self.plan.weights
        if self.postgres is None:
            worker, postgres = worker + postgres, 0.0
        return self.kinds.choices(KINDS, [worker, server, postgres])[0]

    def _kill(self, kind: str) -> float:
        """One kill -9 and the restart of what died; the seconds until it serves again."""
        began = time.monotonic()
        if kind == "worker":
            return kill_worker(
                self.server.process,
                self.plan.workers,
                self.kill_rng,
                min_age=self.plan.min_worker_age,
            )
        if kind == "server":
            kill_group(self.server.process)
            self.server = ServerProcess.start(
                self.prepared,
                self.sink,
                workers=self.plan.workers,
                port=self.server.port,
                log=self.log,
            )
            return time.monotonic() - began
        assert self.postgres is not None
        self.postgres.kill9()
        return self.postgres.start()

    async def killer(self, deadline: float | None) -> None:
        try:
            while self.killing and sum(self.kills.values()) < self.plan.kills:
                if deadline is not None and time.monotonic() > deadline:
                    return
                await asyncio.sleep(self.kill_rng.uniform(*self.plan.gap))
                kind = self._kind()
                took = await asyncio.to_thread(self._kill, kind)
                self.kills[kind] += 1
                self.restarts[kind].append(round(took, 3))
                done = sum(self.kills.values())
                if done % 50 == 0:
                    acked = sum(a.outcome == "acknowledged" for a in self.attempts)
                    print(f"  {done} kills {dict(self.kills)}, {acked} acknowledged", flush=True)
        finally:
            self.killing = False

    async def drive(self, ballots: Sequence[CastBallot]) -> None:
        minutes = self.plan.minutes
        deadline = None if minutes is None else time.monotonic() + minutes * 60
        voters = (Voter(b) for b in ballots)
        async with VoterClient(
            self.server.base_url,
            self.prepared.election_id,
            self.sink,
            timeout=30.0,
            connections=self.plan.lanes * 2,
        ) as client:
            lanes = [asyncio.create_task(self.lane(client, voters)) for _ in range(self.plan.lanes)]
            await self.killer(deadline)
            await asyncio.gather(*lanes)

    def http_sample(self, size: int) -> dict[str, int]:
        """A sample of acknowledged tracking codes looked up on the public board page over HTTP
        (before the server stops): code -> HTTP status (200 found, 404 not on the board)."""
        codes = [a.tracking_code for a in self.attempts if a.tracking_code]
        statuses: dict[str, int] = {}
        with httpx2.Client(base_url=self.server.base_url, timeout=30.0) as http:
            for code in self.rng.sample(codes, min(size, len(codes))):
                check = f"/e/{self.prepared.election_id}/board/check"
                page = http.get(check, params={"code": code})
                statuses[code] = page.status_code
        return statuses


def machine() -> dict[str, Any]:
    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def run_soak(plan: SoakPlan, folder: Path) -> SoakReport:
    """One whole run in `folder` (election, ballots, logs); the report with every check."""
    if plan.backend not in ("postgres", "sqlite"):
        raise ValueError(f"backend: expected postgres or sqlite, got {plan.backend!r}")
    folder.mkdir(parents=True, exist_ok=True)
    report = SoakReport(asdict(plan), machine())
    postgres = ThrowawayPostgres() if plan.backend == "postgres" else None
    try:
        if postgres is not None:
            postgres.init()
        url = postgres.url if postgres is not None else f"sqlite:///{folder / 'clearcount.db'}"
        print(f"preparing {plan.members} members x {plan.rounds} ballots on {plan.backend}")
        prepared = prepare_election(url, folder / "election", members=plan.members)
        ballots = make_ballots(prepared, folder / "ballots", per_voter=plan.rounds, workers=2)
        with CodeSink() as sink:
            log = folder / "server.log"
            server = ServerProcess.start(prepared, sink, workers=plan.workers, log=log)
            soak = Soak(plan, prepared, server, sink, postgres, log)
            print(f"soak: {plan.kills} kills, at most {plan.rate} casts/s", flush=True)
            began = time.monotonic()
            try:
                asyncio.run(soak.drive(ballots))
                report.seconds = round(time.monotonic() - began, 1)
                sample = soak.http_sample(plan.http_sample)
            finally:
                soak.server.stop()
        report.kills = {k: soak.kills[k] for k in KINDS}
        report.restart_seconds = soak.restarts
        report.sign_in_retries = soak.sign_in_retries
        audit(report, prepared, ballots, soak.attempts, folder / "election", sample)
    finally:
        if postgres is not None:
            postgres.stop()
    return report


def print_report(report: SoakReport) -> None:
    kills = ", ".join(f"{k} {n}" for k, n in report.kills.items())
    print(
        f"\n{report.plan['backend']}: {sum(report.kills.values())} kills ({kills}) "
        f"in {report.seconds} s"
    )
    for kind, times in report.restart_seconds.items():
        if times:
            ordered = sorted(times)
            print(
                f"  {kind} restart: median {ordered[len(ordered) // 2]:.2f} s, "
                f"max {ordered[-1]:.2f} s"
            )
    print(
        f"  voters {report.voters}, cast requests {report.attempts}: acknowledged "
        f"{report.acknowledged}, refused {report.refused}, unanswered {report.unanswered} "
        f"({report.unanswered_stored} of them had been stored: their re-send was answered "
        "'resent')"
    )
    print(
        f"  unanswered: {report.unanswered_kinds}; not sent (connection refused): {report.not_sent}"
    )
    print(
        f"  re-vote receipts {report.revote_receipts}; sign-in codes asked again "
        f"{report.sign_in_retries}"
    )
    print(f"  storage: {report.storage}")
    print(
        f"  count: {report.counted} votes {report.totals}, turnout {report.voted}; "
        f"verifier: {'VERIFIED' if report.verified else 'NOT VERIFIED'}; "
        f"clearcount verify: {report.cli_verify}"
    )
    for problem in report.problems:
        print(f"  PROBLEM: {problem}")
    print(report.headline())


def main(argv: Sequence[str] | None = None) -> int:
    default = SoakPlan()
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--backend", choices=("postgres", "sqlite"), default=default.backend)
    parser.add_argument("--kills", type=int, default=default.kills)
    parser.add_argument("--minutes", type=float, default=None)
    parser.add_argument("--members", type=int, default=default.members)
    parser.add_argument("--rounds", type=int, default=default.rounds)
    parser.add_argument("--workers", type=int, default=default.workers)
    parser.add_argument("--lanes", type=int, default=default.lanes)
    parser.add_argument("--rate", type=float, default=default.rate)
    parser.add_argument("--seed", type=int, default=default.seed)
    parser.add_argument(
        "--weights",
        type=lambda text: tuple(float(w) for w in text.split(",")),
        default=default.weights,
        help="worker,server,postgres kill weights (default %(default)s)",
    )
    parser.add_argument(
        "--gap",
        type=lambda text: tuple(float(w) for w in text.split(",")),
        default=default.gap,
        help="least,most seconds between a restart and the next kill (default %(default)s)",
    )
    parser.add_argument("--min-worker-age", type=float, default=default.min_worker_age)
    parser.add_argument("--folder", type=Path, default=Path("bench/out/server-soak"))
    parser.add_argument("--json", type=Path, default=None, help="write the report here")
    args = parser.parse_args(argv)
    plan = SoakPlan(
        args.backend,
        args.kills,
        args.minutes,
        args.members,
        args.rounds,
        args.workers,
        args.lanes,
        args.rate,
        args.weights,
        args.gap,
        args.min_worker_age,
        seed=args.seed,
    )
    report = run_soak(plan, args.folder / args.backend)
    print_report(report)
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        document = {**asdict(report), "headline": report.headline(), "ok": report.ok}
        args.json.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
