"""The voters' side of a load test: sign-in codes by real SMTP, casts over HTTP (bench/server).

- `CodeSink`: a real SMTP server (aiosmtpd, as the tests use) on loopback. Point the server's
  `CLEARCOUNT_SMTP_*` settings at it (`CodeSink.environment()`); it reads each sign-in code out
  of the mail the server sends and hands it to the voter waiting for that address.
- `VoterClient`: an asyncio HTTP client (httpx2's `AsyncClient`, already a dev dependency for
  Starlette's TestClient, so a load test needs nothing new; one connection pool for all
  voters). `vote(ballot)` does what the booth does after encryption (WEB_CONTRACT.md): `POST
  /api/elections/{id}/code` {email}, waits for the code to arrive by mail, `POST .../cast`
  {email, code, ballot}. It returns a `CastResult`: the tracking code if and only if the server
  acknowledged the cast with one (HTTP 200), the HTTP status or the exception otherwise, and
  the latency of each request.
- `open_loop(client, ballots, rate)`: the voters arrive at `rate` per second whatever the server
  does (an open loop: a slow server builds a queue instead of slowing the arrivals, so the
  latencies are those a real crowd would see), each voter's `vote` as its own task.

The CSRF double-submit pair (web.security) is a fresh random token per voter, sent as the `csrf`
cookie and the `X-CSRF-Token` header, as a browser that loaded the booth page would.
"""

from __future__ import annotations

import asyncio
import re
import secrets
import socket
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from typing import Any

import httpx2
from aiosmtpd.controller import Controller

from .ballots import CastBallot

__all__ = [
    "CastResult",
    "CodeSink",
    "VoterClient",
    "all_at_once",
    "browser_headers",
    "free_port",
    "open_loop",
]

_CODE = re.compile(r"^    (\d{6})\r?$", re.MULTILINE)
"""How the sign-in mail shows the code (service.elections.sign_in._code_message)."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class CodeSink:
    """A real SMTP server on 127.0.0.1 that delivers each sign-in code to its waiting voter.

    Use as a context manager (or `start()`/`stop()`); `await code_for(email)` in the client's
    event loop. Codes that arrive before anyone waits are kept until asked for.
    """

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.received = 0
        """Every message accepted (codes and cast receipts)."""
        self._lock = threading.Lock()
        self._codes: dict[str, str] = {}
        self._waiting: dict[str, tuple[asyncio.AbstractEventLoop, asyncio.Future[str]]] = {}
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    def environment(self) -> dict[str, str]:
        """The settings that send a `clearcount serve` process's mail here."""
        return {
            "CLEARCOUNT_SMTP_HOST": "127.0.0.1",
            "CLEARCOUNT_SMTP_PORT": str(self.port),
            "CLEARCOUNT_SMTP_SECURITY": "plain",
            "CLEARCOUNT_SMTP_RETRY_DELAY": "0",
            "CLEARCOUNT_SMTP_FROM": "Bench Ballots <ballots@bench.example.org>",
        }

    def start(self) -> CodeSink:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def __enter__(self) -> CodeSink:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        """aiosmtpd's hook: take the message, find a code in it, wake whoever waits for it.
        A receipt (its subject says so, in ASCII for the bench's ASCII titles) is only counted:
        parsing it would charge the load generator for what a mail server does elsewhere."""
        if b"\nSubject: Your vote has been cast" in envelope.content[:4096]:
            with self._lock:
                self.received += 1
            return "250 OK"
        message = message_from_bytes(envelope.content, policy=policy.default)
        body = message.get_body(("plain",))
        text = body.get_content() if body is not None else ""

        found = _CODE.search(text)
        with self._lock:
            self.received += 1
            if found is None:
                return "250 OK"
            for address in envelope.rcpt_tos:
                key = address.casefold()
                waiter = self._waiting.pop(key, None)
                if waiter is None:
                    self._codes[key] = found.group(1)
                else:
                    loop, future = waiter
                    loop.call_soon_threadsafe(_settle, future, found.group(1))
        return "250 OK"

    async def code_for(self, email: str, timeout: float = 60.0) -> str:
        """The next sign-in code mailed to `email` (TimeoutError after `timeout` seconds)."""
        key = email.casefold()
        loop = asyncio.get_running_loop()
        with self._lock:
            code = self._codes.pop(key, None)
            if code is not None:
                return code
            future: asyncio.Future[str] = loop.create_future()
            self._waiting[key] = (loop, future)
        try:
            return await asyncio.wait_for(future, timeout)
        finally:
            with self._lock:
                if self._waiting.get(key, (None, None))[1] is future:
                    del self._waiting[key]


def _settle(future: asyncio.Future[str], code: str) -> None:
    if not future.done():
        future.set_result(code)


@dataclass(frozen=True, slots=True)
class CastResult:
    """One voter's attempt. `tracking_code` is set exactly when the server answered the cast
    with 200 and a tracking code; times are seconds (`started`: since the run's start)."""

    member_id: str
    started: float
    code_status: int
    code_latency: float
    mail_wait: float
    cast_status: int = 0
    cast_latency: float = 0.0
    tracking_code: str | None = None
    error: str = ""
    receipt: Mapping[str, Any] = field(default_factory=dict)

    @property
    def acknowledged(self) -> bool:
        return self.tracking_code is not None


class VoterClient:
    """Voters of one election on one server; `async with VoterClient(...) as client`."""

    def __init__(
        self,
        base_url: str,
        election_id: str,
        sink: CodeSink,
        *,
        timeout: float = 60.0,
        connections: int = 512,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.election_id = election_id
        self.sink = sink
        self.timeout = timeout
        limits = httpx2.Limits(
            max_connections=connections,
            max_keepalive_connections=connections,
            keepalive_expiry=2.0,  # under uvicorn's 5 s: never reuse a connection it is closing
        )
        self._http = httpx2.AsyncClient(base_url=self.base_url, timeout=timeout, limits=limits)
        self.t0 = time.perf_counter()

    async def __aenter__(self) -> VoterClient:
        await self._http.__aenter__()
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self._http.__aexit__(*exc)

    def _api(self, action: str) -> str:
        return f"/api/elections/{self.election_id}/{action}"

    async def request_code(self, email: str, headers: Mapping[str, str]) -> httpx2.Response:
        """`POST .../code` {email}: 202 whoever the address is (the code comes by mail)."""
        return await self._http.post(self._api("code"), json={"email": email}, headers=headers)

    async def cast(
        self, email: str, code: str, ballot: Mapping[str, Any], headers: Mapping[str, str]
    ) -> httpx2.Response:
        """`POST .../cast` {email, code, ballot}: 200 with the receipt, or a 4xx refusal."""
        body = {"email": email, "code": code, "ballot": ballot}
        return await self._http.post(self._api("cast"), json=body, headers=headers)

    async def vote(self, ballot: CastBallot) -> CastResult:
        """Ask for a code, read it from the mail, cast once; never raises (errors are recorded,
        and nothing is retried)."""
        headers = browser_headers()
        start = time.perf_counter()
        started = start - self.t0
        try:
            answer = await self.request_code(ballot.email, headers)
        except Exception as error:  # a refused or dropped connection, a timeout
            return CastResult(
                ballot.member_id,
                started,
                0,
                time.perf_counter() - start,
                0.0,
                error=f"code: {type(error).__name__}: {error}",
            )
        asked = time.perf_counter()
        if answer.status_code != 202:
            return CastResult(
                ballot.member_id,
                started,
                answer.status_code,
                asked - start,
                0.0,
                error=f"code: {answer.text[:200]}",
            )
        try:
            code = await self.sink.code_for(ballot.email, self.timeout)
        except TimeoutError:
            return CastResult(
                ballot.member_id,
                started,
                202,
                asked - start,
                time.perf_counter() - asked,
                error="no sign-in code arrived",
            )
        mailed = time.perf_counter()
        partial = CastResult(ballot.member_id, started, 202, asked - start, mailed - asked)
        try:
            cast = await self.cast(ballot.email, code, ballot.ballot, headers)
        except Exception as error:
            return _with(partial, 0, mailed, error=f"cast: {type(error).__name__}: {error}")
        if cast.status_code != 200:
            return _with(partial, cast.status_code, mailed, error=f"cast: {cast.text[:200]}")
        receipt = cast.json()
        seen = receipt.get("tracking_code")
        return _with(
            partial,
            200,
            mailed,
            tracking=seen or None,
            receipt=receipt,
            error="" if seen else "200 without a tracking code",
        )


def browser_headers() -> dict[str, str]:
    """A fresh CSRF double-submit pair (cookie and header), as one browser's booth page has."""
    token = secrets.token_urlsafe(32)
    return {"x-csrf-token": token, "cookie": f"csrf={token}"}


def _with(
    partial: CastResult,
    status: int,
    sent: float,
    *,
    tracking: str | None = None,
    receipt: Mapping[str, Any] | None = None,
    error: str = "",
) -> CastResult:
    return CastResult(
        partial.member_id,
        partial.started,
        partial.code_status,
        partial.code_latency,
        partial.mail_wait,
        status,
        time.perf_counter() - sent,
        tracking,
        error,
        receipt or {},
    )


async def open_loop(
    client: VoterClient, ballots: Iterable[CastBallot], rate: float
) -> list[CastResult]:
    """Each of `ballots`' voters starts at its arrival time (`rate` per second, evenly spaced
    from now), whether or not earlier voters are done; all their results, in arrival order."""
    loop = asyncio.get_running_loop()
    begin = loop.time()
    tasks: list[asyncio.Task[CastResult]] = []
    for i, ballot in enumerate(ballots):
        delay = begin + i / rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(client.vote(ballot)))
    return list(await asyncio.gather(*tasks))


async def all_at_once(
    client: VoterClient, ballots: Sequence[CastBallot], concurrency: int
) -> list[CastResult]:
    """The voters with at most `concurrency` in flight (a closed loop); results in order."""
    gate = asyncio.Semaphore(concurrency)

    async def one(ballot: CastBallot) -> CastResult:
        async with gate:
            return await client.vote(ballot)

    return list(await asyncio.gather(*(one(b) for b in ballots)))
