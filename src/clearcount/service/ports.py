"""The ports of the service layer: what it needs from storage, the clock and mail.

The service never imports `clearcount.storage` (import-linter enforces it); storage implements
these Protocols and the composition root (`bootstrap`) wires them. A unit of work is one
transaction: nothing is visible to others, and nothing is acknowledged to the caller, until
`commit()` has returned, and storage makes `commit()` return only once the write is durable.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import TYPE_CHECKING, Protocol, Self

if TYPE_CHECKING:
    from clearcount.service.audit import AuditEvent
    from clearcount.service.eligibility import EligibilityRules, StoredRules
    from clearcount.service.members import Member
    from clearcount.service.organisations import Organisation, Unit
    from clearcount.service.roll_snapshot import RollSnapshot, SnapshotHeader

__all__ = [
    "AuditRepository",
    "BallotRulesRepository",
    "Clock",
    "MailMessage",
    "Mailer",
    "MemberRepository",
    "OrganisationRepository",
    "SaltSource",
    "SnapshotRepository",
    "SystemClock",
    "UnitOfWork",
    "UnitOfWorkFactory",
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


class OrganisationRepository(Protocol):
    def add(self, organisation: Organisation) -> None: ...
    def get(self, organisation_id: str) -> Organisation | None: ...
    def add_unit(self, unit: Unit) -> None: ...
    def units(self, organisation_id: str) -> Sequence[Unit]: ...


class MemberRepository(Protocol):
    """Member records. Storage only writes; the service audits every change before calling."""

    def get(self, organisation_id: str, member_id: str) -> Member | None: ...
    def add(self, member: Member) -> None: ...
    def replace(self, member: Member) -> None: ...
    def list(self, organisation_id: str) -> Sequence[Member]: ...


class AuditRepository(Protocol):
    """The append-only audit log. There is no update and no delete, here or in the tables."""

    def head(self) -> tuple[int, str]:
        """(seq, hash) of the last event, or (0, GENESIS); locks the head until commit."""
        ...

    def append(self, event: AuditEvent) -> None: ...

    def list(
        self, *, organisation_id: str | None = None, subject: str | None = None
    ) -> Sequence[AuditEvent]:
        """Events in `seq` order, optionally only one organisation's or one subject's."""
        ...


class BallotRulesRepository(Protocol):
    """Eligibility rule sets, versioned per ballot; a new version never replaces an old one."""

    def add(self, rules: EligibilityRules, version: int, set_by: str, set_at: datetime) -> None: ...
    def get(self, ballot_id: str, version: int | None = None) -> StoredRules | None: ...
    def for_organisation(self, organisation_id: str) -> Sequence[StoredRules]:
        """The latest version of each ballot's rules."""
        ...


class SnapshotRepository(Protocol):
    """Frozen rolls, versioned per ballot; stored snapshots are immutable."""

    def add(self, snapshot: RollSnapshot) -> None: ...
    def get(self, ballot_id: str, version: int | None = None) -> RollSnapshot | None: ...
    def headers(self, organisation_id: str) -> Sequence[SnapshotHeader]:
        """The latest snapshot header of each frozen ballot of the organisation."""
        ...

    def salt(self, ballot_id: str, member_id: str) -> bytes | None: ...
    def add_salt(self, ballot_id: str, member_id: str, salt: bytes) -> None: ...


class UnitOfWork(Protocol):
    """One transaction over every repository; rolled back on exit unless committed."""

    organisations: OrganisationRepository
    members: MemberRepository
    audit: AuditRepository
    rules: BallotRulesRepository
    snapshots: SnapshotRepository

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


UnitOfWorkFactory = Callable[[], UnitOfWork]
