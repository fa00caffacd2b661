"""The shared ports of the service layer: the clock, mail and the transaction.

The service never imports `clearcount.storage` (import-linter enforces it); storage implements
these Protocols and each part's repositories (`audit`, `membership.ports`, `elections.ports`,
`trigger.ports`), and the composition root (`bootstrap`) wires them. A unit of work is one
transaction: nothing is visible to others, and nothing is acknowledged to the caller, until
`commit()` has returned, and storage makes `commit()` return only once the write is durable.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Protocol, Self

__all__ = [
    "Clock",
    "MailMessage",
    "Mailer",
    "SaltSource",
    "SystemClock",
    "Transaction",
    "system_salts",
]


class Clock(Protocol):
    """The injected clock: every timestamp the service stores comes from here."""

    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        ...


class SystemClock:
    """The real clock (UTC)."""

    def now(self) -> datetime:
        return datetime.now(UTC)


SaltSource = Callable[[int], bytes]
"""Returns n secret random bytes; `secrets.token_bytes` in production, seeded in tests."""


def system_salts(n: int) -> bytes:
    return secrets.token_bytes(n)


@dataclass(frozen=True, slots=True)
class MailMessage:
    to: str
    subject: str
    body: str


class Mailer(Protocol):
    """Sends one message; raises on failure (the caller records the attempt)."""

    def send(self, message: MailMessage) -> None: ...


class Transaction(Protocol):
    """One transaction over the repositories a service names in its own unit-of-work Protocol
    (`audit.AuditedWork`, `membership.ports.UnitOfWork`, `elections.ports.ElectionUnitOfWork`);
    rolled back on exit unless committed."""

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None:
        """Make every write of this unit durable; returns only once it is."""
        ...
