"""Voters cast through a real `clearcount serve --workers 2` (issue 12): none acknowledged lost.

The load kit of bench/server, untimed: an election prepared through the services, 20 real
ballots, sign-in codes through a real SMTP server (aiosmtpd), casts over HTTP to two server
processes at once. Every tracking code the server acknowledged is on the board and counted,
there are no other ballots, and the published record verifies. On SQLite and (marked
`postgres`) PostgreSQL.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from bench.server.ballots import make_ballots
from bench.server.casts import cast_loop, sign_in_ahead
from bench.server.client import CastResult, CodeSink, VoterClient, all_at_once
from bench.server.election import PreparedElection, count_election, prepare_election
from bench.server.rawhttp import Pool
from bench.server.server import ServerProcess

from clearcount.bootstrap import Config, build
from clearcount.record.chain import Event
from clearcount.record.events import tracking_code

VOTERS = 20


def _cast(prepared: PreparedElection, folder: Path) -> list[CastResult]:
    ballots = make_ballots(prepared, folder, workers=2)
    with (
        CodeSink() as sink,
        ServerProcess.start(prepared, sink, workers=2, log=folder / "server.log") as server,
    ):

        async def run() -> list[CastResult]:
            async with VoterClient(server.base_url, prepared.election_id, sink) as client:
                return await all_at_once(client, ballots, concurrency=8)

        return asyncio.run(run())


def test_every_acknowledged_cast_is_on_the_board_and_the_record_verifies(
    tmp_path: Path, database: dict[str, str]
) -> None:
    url = database["CLEARCOUNT_DATABASE_URL"]
    schema = database.get("CLEARCOUNT_DB_SCHEMA")
    prepared = prepare_election(url, tmp_path, members=VOTERS, schema=schema)
    results = _cast(prepared, tmp_path)
    acknowledged = [r for r in results if r.acknowledged]
    assert len(acknowledged) == VOTERS, [r.error for r in results if not r.acknowledged]

    services = build(Config(database_url=url, verifier_workers=1), schema=schema)
    try:
        for result in acknowledged:
            assert result.tracking_code is not None
            found = services.casting.lookup(prepared.election_id, result.tracking_code)
            assert found.state == "counted"
            assert found.seq == result.receipt["seq"]
        record = services.ballots.record(prepared.election_id)
    finally:
        services.close()
    on_board = {tracking_code(e) for e in record if isinstance(e, Event) and e.kind == "Ballot"}
    assert on_board == {r.tracking_code for r in acknowledged}

    outcome = count_election(prepared, tmp_path)
    assert outcome.verified, f"{outcome.failed_checks} checks failed on {outcome.record}"


def test_the_cast_alone_load_acknowledges_every_cast(
    tmp_path: Path, database: dict[str, str]
) -> None:
    """bench.server.casts: voters signed in ahead, their prebuilt casts sent over fewer
    kept-alive connections than voters (bench.server.rawhttp)."""
    url = database["CLEARCOUNT_DATABASE_URL"]
    schema = database.get("CLEARCOUNT_DB_SCHEMA")
    prepared = prepare_election(url, tmp_path, members=8, schema=schema)
    ballots = make_ballots(prepared, tmp_path, workers=2)
    with CodeSink() as sink, ServerProcess.start(prepared, sink, workers=2) as server:

        async def run() -> list[CastResult]:
            pool = Pool("127.0.0.1", server.port)
            async with VoterClient(server.base_url, prepared.election_id, sink) as client:
                voters = await sign_in_ahead(client, ballots)
            await pool.warm(4)
            results = await cast_loop(pool, voters, rate=50.0)
            pool.close()
            return results

        results = asyncio.run(run())
    assert [r.cast_status for r in results] == [200] * len(ballots), [r.error for r in results]
    services = build(Config(database_url=url, verifier_workers=1), schema=schema)
    try:
        record = services.ballots.record(prepared.election_id)
    finally:
        services.close()
    on_board = {tracking_code(e) for e in record if isinstance(e, Event) and e.kind == "Ballot"}
    assert on_board == {r.tracking_code for r in results}
