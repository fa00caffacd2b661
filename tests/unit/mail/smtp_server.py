"""A real SMTP server (aiosmtpd) on 127.0.0.1, on a free port: the `smtp_server` fixture."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class Inbox:
    """The server's handler: keeps what it accepts, refuses what the test tells it to."""

    received: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    later: dict[str, int] = field(default_factory=dict)
    """address -> how many times to answer 451 (try again later) before accepting."""
    logins: list[tuple[str, str]] = field(default_factory=list)
    peers: list[object] = field(default_factory=list)
    """The client end (address, port) of each accepted message's connection."""
    gate: threading.Event | None = None
    """While set to an unset event, DATA waits for it (a slow mail server)."""

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if address in self.refuse:
            return f"550 5.1.1 <{address}>: mailbox unavailable"
        if self.later.get(address, 0) > 0:
            self.later[address] -= 1
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        while self.gate is not None and not self.gate.is_set():
            await asyncio.sleep(0.01)
        self.peers.append(session.peer)
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"

    def authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        login, password = auth_data.login.decode(), auth_data.password.decode()
        self.logins.append((login, password))
        return AuthResult(
            success=(login, password) == ("scrutineer", "s3cret-relay"), handled=False
        )


@dataclass
class SmtpServer:
    inbox: Inbox
    port: int


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    yield from _serve(smtputf8=True)


@pytest.fixture
def ascii_smtp_server() -> Iterator[SmtpServer]:
    """A server that does not advertise SMTPUTF8 (RFC 6531), as many relays still do not."""
    yield from _serve(smtputf8=False)


def _serve(*, smtputf8: bool) -> Iterator[SmtpServer]:
    inbox = Inbox()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=free_port(),
        authenticator=inbox.authenticate,
        auth_require_tls=False,  # loopback only, in tests
        enable_SMTPUTF8=smtputf8,
    )
    controller.start()
    try:
        yield SmtpServer(inbox, controller.port)
    finally:
        controller.stop()
