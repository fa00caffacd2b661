"""CPU time and database round trips of one booth cast, in process (issue 12).

    python -m bench.server.cast_cpu --database sqlite --casts 300
    python -m bench.server.cast_cpu --database postgres      # a throwaway cluster of its own

On a shared machine the load curve's rates say more about the neighbours than about the server;
the CPU a cast costs, and the statements it sends, do not. This runs what `POST .../cast` runs
after the HTTP layer - the booth's cast (`Services.booth`: code check, rate limit, every proof
and the signature, the durable commit, the code used up) - for voters signed in ahead, in this
process, and reports the process's CPU time (user + system) per cast and the SQL statements,
commits and connection checkouts per cast. The receipt mail is left out (a kept-in-memory
mailer), as is the HTTP layer (bench/server/load.py measures the whole server).

With a tree that predates `Services.booth` on PYTHONPATH it runs that tree's cast instead
(rate limit, `authenticate`, `cast` and `confirm_cast`, four transactions), for a comparison.
"""

from __future__ import annotations

import argparse
import re
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from clearcount.bootstrap import Config, build
from clearcount.service.ports import MailMessage
from clearcount.service.rate_limits import Limit, RateLimits

from .ballots import CastBallot, make_ballots
from .election import prepare_election
from .postgres import throwaway_cluster

ADDRESS = "192.0.2.1"


class _Codes:
    """A Mailer keeping each sign-in code by address."""

    def __init__(self) -> None:
        self.codes: dict[str, str] = {}

    def send(self, message: MailMessage) -> None:
        found = re.search(r"^    (\d{6})$", message.body, re.MULTILINE)
        if found:
            self.codes[message.to] = found.group(1)


def measure(url: str, folder: Path, casts: int, threads: int = 1) -> dict[str, float]:
    prepared = prepare_election(url, folder, members=casts + 1)
    ballots = make_ballots(prepared, folder)
    lifted = RateLimits(cast=Limit(10**9, 1), code=Limit(10**9, 1))
    mail = _Codes()
    services = build(Config(database_url=url, verifier_workers=1, rate_limits=lifted),
                     mailer=mail)  # fmt: skip
    election = prepared.election_id
    try:
        for ballot in ballots:
            services.sign_in.request_code(election, ballot.email)
        booth: Any = getattr(services, "booth", None)

        def cast(b: CastBallot) -> None:
            code = mail.codes[b.email]
            if booth is not None:
                booth.cast(election, b.email, code, None, b.ballot, ADDRESS)
                return
            services.rate_limits.hit("cast", ADDRESS)
            voter = services.sign_in.authenticate(election, b.email, code, None)
            services.casting.cast(voter, election, b.ballot)
            services.sign_in.confirm_cast(voter, election, b.email, ["receipt"])

        cast(ballots[0])  # the election loaded and checked once, connections opened
        counts = {"statements": 0, "commits": 0, "checkouts": 0}
        engine = services.store.engine

        def count(name: str) -> Any:
            return lambda *args, **kwargs: counts.__setitem__(name, counts[name] + 1)

        sa.event.listen(engine, "before_cursor_execute", count("statements"))
        sa.event.listen(engine, "commit", count("commits"))
        sa.event.listen(engine.pool, "checkout", count("checkouts"))
        group = getattr(booth, "group", None)
        batches = group.batches if group is not None else 0
        begun = time.process_time()
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(cast, ballots[1:]))
        cpu = time.process_time() - begun
        batches = (group.batches if group is not None else 0) - batches
    finally:
        services.close()
    n = len(ballots) - 1
    found = {"cpu_ms": cpu / n * 1000, **{k: v / n for k, v in counts.items()}}
    return {**found, "casts_per_batch": n / batches if batches else 1.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--casts", type=int, default=300)
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="cast from this many threads at once (a server's thread pool)",
    )
    parser.add_argument("--folder", type=Path, default=Path("/tmp/clearcount-cast-cpu"))
    args = parser.parse_args()
    shutil.rmtree(args.folder, ignore_errors=True)
    args.folder.mkdir(parents=True)
    if args.database == "sqlite":
        found = measure(f"sqlite:///{args.folder / 'clearcount.db'}", args.folder, args.casts,
                        args.threads)  # fmt: skip
    else:
        with throwaway_cluster(args.folder / "cluster") as url:
            found = measure(url, args.folder, args.casts, args.threads)
    print(f"{args.database}: {found['cpu_ms']:.2f} ms CPU per cast; per cast "
          f"{found['statements']:.1f} statements, {found['commits']:.1f} commits, "
          f"{found['checkouts']:.1f} connection checkouts; "
          f"{found['casts_per_batch']:.1f} casts per batch ({args.threads} threads)")  # fmt: skip


if __name__ == "__main__":
    main()
