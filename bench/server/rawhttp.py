"""A cheap HTTP/1.1 client for the cast-only load (bench/server/casts.py): prebuilt requests
written as bytes over kept-alive loopback connections.

httpx2 costs the load generator about 7 ms of CPU per voter (bench/RESULTS.md), a fifth of
what it measures; on 2 shared cores that CPU is taken from the server under test. Here each
request is built once, before the timed window, as the exact bytes sent; sending it is one
write and reading the answer one status line, the headers and a Content-Length body.
Connections are opened ahead (`warm`) and taken in turn (first in, first out), so the load is
spread over every connection and so over the server's workers (the kernel gives each accepted
connection to one worker).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from typing import Any

__all__ = ["Answer", "Pool", "post_request"]


def post_request(
    host: str, path: str, body: Mapping[str, Any], headers: Mapping[str, str]
) -> bytes:
    """The bytes of `POST path` with `body` as compact JSON, kept alive."""
    payload = json.dumps(body, separators=(",", ":")).encode()
    lines = [
        f"POST {path} HTTP/1.1",
        f"host: {host}",
        "content-type: application/json",
        f"content-length: {len(payload)}",
        *(f"{name}: {value}" for name, value in headers.items()),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + payload


class Answer:
    """A response: its status and its body's bytes (`json()` parses them)."""

    __slots__ = ("body", "status")

    def __init__(self, status: int, body: bytes) -> None:
        self.status = status
        self.body = body

    def json(self) -> Any:
        return json.loads(self.body)


class _Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    async def exchange(self, request: bytes) -> Answer:
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        length = 0
        closing = False
        for line in lines[1:]:
            name, _, value = line.partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "connection" and value.strip().lower() == "close":
                closing = True
            elif name == "transfer-encoding":
                raise ValueError("chunked answers are not read by this client")
        body = await self.reader.readexactly(length)
        if closing:
            self.close()
        return Answer(status, body)

    @property
    def open(self) -> bool:
        return not self.writer.is_closing()

    def close(self) -> None:
        self.writer.close()


class Pool:
    """Kept-alive connections to one loopback server, taken first in, first out."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self._idle: asyncio.Queue[_Connection] = asyncio.Queue()
        self.opened = 0

    async def _open(self) -> _Connection:
        reader, writer = await asyncio.open_connection(self.host, self.port)
        self.opened += 1
        return _Connection(reader, writer)

    async def warm(self, connections: int) -> None:
        """Drop the idle connections (the server may have timed them out) and open fresh."""
        self.close()
        for connection in await asyncio.gather(*(self._open() for _ in range(connections))):
            self._idle.put_nowait(connection)

    async def send(self, request: bytes) -> Answer:
        """One exchange on an idle connection (a new one when none is idle)."""
        connection = self._idle.get_nowait() if not self._idle.empty() else await self._open()
        try:
            answer = await connection.exchange(request)
        except BaseException:
            connection.close()
            raise
        if connection.open:
            self._idle.put_nowait(connection)
        return answer

    def close(self) -> None:
        while not self._idle.empty():
            self._idle.get_nowait().close()
