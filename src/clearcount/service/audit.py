"""The append-only audit log: who did what, when, with the old and the new value.

Every change to a member's record, an organisation, a rule set or a frozen roll is one
`AuditEvent` per changed field (Croydon East 2023, shared/rules/domain.md §4 row 2: "who changed
it, when, old and new values"). Values are stored as canonical JSON (RFC 8785) text so that they
compare and hash the same in every backend.

Events form a hash chain: each event's `hash` is SHA-256 over the canonical JSON of all its other
fields, `prev_hash` included. Storage refuses UPDATE and DELETE on the table (triggers), and
`verify_audit_chain` detects an event altered, removed or reordered by someone who went around it.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Protocol

from clearcount.core.canonical import canonical_json
from clearcount.service.authorisation import Principal, authorise
from clearcount.service.errors import AuditChainError, ValidationError
from clearcount.service.ports import Clock, Transaction

__all__ = [
    "GENESIS",
    "AuditEvent",
    "AuditRepository",
    "AuditService",
    "AuditWriter",
    "AuditedWork",
    "Change",
    "Entry",
    "append_events",
    "format_instant",
    "jsonable",
    "verify_audit_chain",
]

GENESIS = "0" * 64


def jsonable(value: object) -> object:
    """A JSON-encodable form of a stored value: dates as ISO text, sets sorted, `to_json()`."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, datetime):
        return format_instant(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (frozenset, set)):
        return sorted((jsonable(v) for v in value), key=lambda v: canonical_json(v))
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    to_json = getattr(value, "to_json", None)
    if callable(to_json):
        return to_json()
    raise TypeError(f"cannot record a {type(value).__name__} in the audit log")


def encode_value(value: object) -> str:
    return canonical_json(jsonable(value)).decode("utf-8")


def format_instant(at: datetime) -> str:
    """UTC ISO 8601 with microseconds and a Z: the one text form of an instant we store."""
    if at.tzinfo is None:
        raise ValidationError("instant", "tzinfo", "a timezone-aware datetime", at)
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True, slots=True)
class Change:
    """One field's change: `old` is None when the field (or the object) did not exist."""

    field: str
    old: object
    new: object


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """One entry of the audit log (old and new are canonical JSON text, or None)."""

    seq: int
    at: str
    actor: str
    action: str
    organisation_id: str | None
    subject: str
    field: str | None
    old: str | None
    new: str | None
    note: str
    prev_hash: str
    hash: str

    def body(self) -> dict[str, object]:
        return {
            "seq": self.seq,
            "at": self.at,
            "actor": self.actor,
            "action": self.action,
            "organisation_id": self.organisation_id,
            "subject": self.subject,
            "field": self.field,
            "old": self.old,
            "new": self.new,
            "note": self.note,
            "prev_hash": self.prev_hash,
        }

    def expected_hash(self) -> str:
        return hashlib.sha256(b"clearcount/audit/v1\x00" + canonical_json(self.body())).hexdigest()


class AuditRepository(Protocol):
    """The append-only audit log. There is no update and no delete, here or in the tables."""

    def head(self) -> tuple[int, str]:
        """(seq, hash) of the last event, or (0, GENESIS); locks the head until commit."""
        ...

    def append_many(self, events: Sequence[AuditEvent]) -> None:
        """Insert `events` (consecutive, already chained) in one statement."""
        ...

    def list(
        self, *, organisation_id: str | None = None, subject: str | None = None
    ) -> Sequence[AuditEvent]:
        """Events in `seq` order, optionally only one organisation's or one subject's."""
        ...


class AuditedWork(Transaction, Protocol):
    """A unit of work that can append to the audit log: every part's unit of work is one."""

    audit: AuditRepository


@dataclass(frozen=True, slots=True)
class Entry:
    """What one act did to one subject: one event per change (one with no field if none)."""

    action: str
    organisation_id: str | None
    subject: str
    changes: Sequence[Change] = ()
    note: str = ""


class AuditWriter:
    """Appends entries to the chain within one transaction: the head is read (and, on
    PostgreSQL, locked) once, events are hashed in order and inserted a batch at a time, so a
    100,000-member import writes its million events without a query per event. Nothing else may
    append to the log through the same transaction while a writer is in use."""

    def __init__(self, uow: AuditedWork, *, at: datetime, actor: str) -> None:
        if not actor.strip():
            raise ValidationError("audit event", "actor", "the name of who acted", actor)
        self._uow = uow
        self._stamp = format_instant(at)
        self._actor = actor
        self._head: tuple[int, str] | None = None

    def write(self, entries: Iterable[Entry]) -> list[AuditEvent]:
        """Chain and insert the events of `entries`; returns them."""
        if self._head is None:
            self._head = self._uow.audit.head()
        seq, prev = self._head
        events: list[AuditEvent] = []
        for entry in entries:
            items: list[Change | None] = list(entry.changes) or [None]
            for change in items:
                seq += 1
                draft = AuditEvent(
                    seq=seq,
                    at=self._stamp,
                    actor=self._actor,
                    action=entry.action,
                    organisation_id=entry.organisation_id,
                    subject=entry.subject,
                    field=None if change is None else change.field,
                    old=None if change is None or change.old is None else encode_value(change.old),
                    new=None if change is None or change.new is None else encode_value(change.new),
                    note=entry.note,
                    prev_hash=prev,
                    hash="",
                )
                event = AuditEvent(**{**draft.body(), "hash": draft.expected_hash()})  # type: ignore[arg-type]
                events.append(event)
                prev = event.hash
        if events:
            self._uow.audit.append_many(events)
        self._head = (seq, prev)
        return events


def append_events(
    uow: AuditedWork,
    *,
    at: datetime,
    actor: str,
    action: str,
    organisation_id: str | None,
    subject: str,
    changes: Iterable[Change] = (),
    note: str = "",
) -> list[AuditEvent]:
    """Append one event per change (one event with no field when there are none)."""
    entry = Entry(action, organisation_id, subject, tuple(changes), note)
    return AuditWriter(uow, at=at, actor=actor).write([entry])


def verify_audit_chain(events: Sequence[AuditEvent]) -> None:
    """Raise AuditChainError unless `events` is the whole log, unaltered, from the first event."""
    prev = GENESIS
    for seq, event in enumerate(events, start=1):
        if event.seq != seq:
            raise AuditChainError(f"audit event {event.seq}: expected sequence number {seq}")
        if event.prev_hash != prev:
            raise AuditChainError(
                f"audit event {event.seq}: prev_hash {event.prev_hash} does not match the hash "
                f"{prev} of event {seq - 1} (an event was removed or reordered)"
            )
        if not hmac.compare_digest(event.hash, event.expected_hash()):
            raise AuditChainError(f"audit event {event.seq}: its content does not match its hash")
        prev = event.hash


class AuditService:
    """Reading the log: a member's history, who saw the roll, and the chain check."""

    def __init__(self, uow: Callable[[], AuditedWork], clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def history(
        self, principal: Principal, organisation_id: str, subject: str | None = None
    ) -> list[AuditEvent]:
        """The audit log (it names members: officers and the appeal panel)."""
        authorise(principal, "audit.history")
        with self._uow() as uow:
            return list(uow.audit.list(organisation_id=organisation_id, subject=subject))

    def verify(self) -> None:
        with self._uow() as uow:
            verify_audit_chain(uow.audit.list())

    def record_access(
        self, principal: Principal, organisation_id: str, what: str, purpose: str
    ) -> None:
        """Record that `actor` saw or exported personal data (domain.md §4 row 2: who saw it)."""
        authorise(principal, "audit.record_access")
        actor = principal.name
        with self._uow() as uow:
            append_events(
                uow,
                at=self._clock.now(),
                actor=actor,
                action="roll.accessed",
                organisation_id=organisation_id,
                subject=what,
                note=purpose,
            )
            uow.commit()
