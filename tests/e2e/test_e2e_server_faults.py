"""kill -9 under load (issue 12): no acknowledged ballot lost, nothing half-written, verified.

A short run of the fault soak (bench/server/soak.py; the long run is in bench/RESULTS.md):
`clearcount serve --workers 2` on an SQLite file in WAL mode, and on a throwaway PostgreSQL
cluster of its own (marked `postgres`: Debian's server binaries, as .ci/postgres.sh installs;
required under CLEARCOUNT_REQUIRE_POSTGRES=1), voters casting real ballots over HTTP while 25
kills at random moments hit a worker, the whole server or PostgreSQL. Afterwards every tracking
code a voter received is on the board and the voter's last one counts, every Ballot event is a
ballot a voter sent (once), the tables agree with one another, and the count equals the voters
with an acknowledged ballot in a record `clearcount verify` accepts. Untimed: it asserts what
happened, never how fast.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from bench.server.pg_cluster import PostgresMissingError, find_bindir
from bench.server.soak import SoakPlan, run_soak

KILLS = 25


def _require_postgres_binaries() -> None:
    try:
        find_bindir()
    except PostgresMissingError as missing:
        if os.environ.get("CLEARCOUNT_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"CLEARCOUNT_REQUIRE_POSTGRES=1 but {missing}")
        pytest.skip(str(missing))


BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_kill_9_at_random_moments_loses_no_acknowledged_ballot(
    backend: str, tmp_path: Path
) -> None:
    if backend == "postgres":
        _require_postgres_binaries()
    plan = SoakPlan(
        backend,
        kills=KILLS,
        members=20,
        rounds=100,  # a supply that outlasts 25 kills however fast the casts go: the run
        workers=2,  # stops at the 25th kill, not when the ballots run out
        lanes=3,
        rate=4.0,
        weights=(0.6, 0.2, 0.2),
        http_sample=20,
    )
    report = run_soak(plan, tmp_path)
    assert report.problems == []
    assert sum(report.kills.values()) == KILLS, "the voters ran out of ballots first"
    assert report.kills["worker"] > 0
    assert report.kills["server"] > 0
    assert (report.kills["postgres"] > 0) == (backend == "postgres")
    assert report.acknowledged == report.found > 0
    assert report.counted == report.voted > 0
    assert report.verified
    assert report.cli_verify.startswith("VERIFIED")
