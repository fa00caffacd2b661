"""The cast alone under load (issue 12's "casts per second"): voters signed in ahead, untimed.

`sign_in_ahead(client, ballots)` has each voter ask for a code and read it from the mail (a real
SMTP server) before the timed window, each with its own browser's CSRF pair (its own
session), and builds its `POST .../cast` {email, code, ballot} as the exact bytes to send
(`rawhttp.post_request`). `cast_loop(pool, voters, rate)` then sends only those casts, voters
arriving at `rate` per second in an open loop over kept-alive connections: the timed window
holds the cast request alone (the sign-in code check, every proof and the signature, the
durable commit, the receipt mail), and the load generator does little beside it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass

from .ballots import CastBallot
from .client import CastResult, VoterClient, browser_headers
from .rawhttp import Pool, post_request

__all__ = ["SignedIn", "cast_loop", "sign_in_ahead"]


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A voter holding a mailed code, and their cast request ready to send."""

    member_id: str
    request: bytes


async def sign_in_ahead(
    client: VoterClient, ballots: Sequence[CastBallot], concurrency: int = 32
) -> list[SignedIn]:
    """Every voter's code requested and read from the mail (untimed); their casts prebuilt."""
    gate = asyncio.Semaphore(concurrency)
    host = client.base_url.split("//", 1)[1]
    path = f"/api/elections/{client.election_id}/cast"

    async def one(ballot: CastBallot) -> SignedIn:
        headers = browser_headers()
        async with gate:
            answer = await client.request_code(ballot.email, headers)
            if answer.status_code != 202:
                raise RuntimeError(f"code request for {ballot.email}: {answer.text[:200]}")
            code = await client.sink.code_for(ballot.email, client.timeout)
        body = {"email": ballot.email, "code": code, "ballot": ballot.ballot}
        return SignedIn(ballot.member_id, post_request(host, path, body, headers))

    return list(await asyncio.gather(*(one(b) for b in ballots)))


async def _cast(pool: Pool, voter: SignedIn, t0: float) -> CastResult:
    start = time.perf_counter()
    try:
        answer = await pool.send(voter.request)
    except Exception as error:  # a refused or dropped connection
        latency = time.perf_counter() - start
        return CastResult(voter.member_id, start - t0, 202, 0.0, 0.0, 0, latency,
                          error=f"cast: {type(error).__name__}: {error}")  # fmt: skip
    latency = time.perf_counter() - start
    if answer.status != 200:
        return CastResult(voter.member_id, start - t0, 202, 0.0, 0.0, answer.status, latency,
                          error=f"cast: {answer.body[:200].decode(errors='replace')}")  # fmt: skip
    receipt = answer.json()
    seen = receipt.get("tracking_code")
    return CastResult(voter.member_id, start - t0, 202, 0.0, 0.0, 200, latency, seen or None,
                      "" if seen else "200 without a tracking code", receipt)  # fmt: skip


async def cast_loop(pool: Pool, voters: Sequence[SignedIn], rate: float) -> list[CastResult]:
    """Each voter casts at its arrival time (`rate` per second, evenly spaced from now),
    whether or not earlier casts are answered; their results in arrival order."""
    loop = asyncio.get_running_loop()
    t0 = time.perf_counter()
    begin = loop.time()
    tasks: list[asyncio.Task[CastResult]] = []
    for i, voter in enumerate(voters):
        delay = begin + i / rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(_cast(pool, voter, t0)))
    return list(await asyncio.gather(*tasks))
