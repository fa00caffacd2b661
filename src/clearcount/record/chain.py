"""The election record's hash chain of typed events (spec §10.2).

Each event's canonical bytes (spec §10.1) include the hash of the event before it, so removing,
reordering or rewriting any event changes every later hash; the last hash fingerprints the whole
record. This is Belenios' append-only event log, with RFC 8785 JSON as the encoding.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from clearcount.core.canonical import canonical_json
from clearcount.core.errors import RecordError

__all__ = [
    "EVENT_KINDS",
    "GENESIS",
    "SPEC_VERSION",
    "ChainError",
    "Event",
    "check_chain",
    "event_from_document",
    "next_event",
]

SPEC_VERSION = "clearcount/2"
"""Bumped from clearcount/1 by the batched decryption proof (spec §10.2.1, §11.9)."""
GENESIS = "0" * 64
"""The `prev` of the first event: no event comes before it."""

EVENT_KINDS = (
    "Setup",
    "Credentials",
    "Ballot",
    "Spoiled",
    "EndBallots",
    "PaperBatch",
    "PaperIssue",
    "PaperReplacement",
    "PaperReturns",
    "EncryptedTally",
    "Shuffle",
    "PartialDecryption",
    "Result",
    "Audit",
)


class ChainError(RecordError):
    """An event does not follow the one before it (wrong sequence number or previous hash)."""

    def __init__(self, seq: int, message: str) -> None:
        self.seq = seq
        super().__init__(f"event {seq}: {message}")


@dataclass(frozen=True, slots=True)
class Event:
    """One entry of the record: its place, its kind, its body and the hash it follows."""

    seq: int
    kind: str
    body: Mapping[str, object]
    prev: str
    spec_version: str = SPEC_VERSION
    _hash: str | None = field(default=None, init=False, repr=False, compare=False)
    """`hash`, once computed: a ballot's event is hashed for its successor's `prev`, the board
    and the receipt, and each hash is a canonical encoding (issue 12)."""

    def document(self) -> dict[str, object]:
        return {
            "spec_version": self.spec_version,
            "seq": self.seq,
            "type": self.kind,
            "prev": self.prev,
            "body": dict(self.body),
        }

    def encode(self) -> bytes:
        """Canonical bytes (spec §10.1): what is hashed, stored and compared."""
        return canonical_json(self.document())

    @property
    def hash(self) -> str:
        """SHA-256 of the canonical bytes, lowercase hex (spec §10.2)."""
        if self._hash is None:
            object.__setattr__(self, "_hash", hashlib.sha256(self.encode()).hexdigest())
        assert self._hash is not None
        return self._hash


def stored_head(seq: int, kind: str, stored_hash: str) -> Event:
    """A stored chain's last event as its columns give it, to append after (`next_event` reads
    only its hash): the body is not loaded (empty) and `hash` is the stored one, so parsing a
    ballot's document per append is saved (issue 12). Never encode, store or check it."""
    head = Event(seq, kind, {}, "")
    object.__setattr__(head, "_hash", stored_hash)
    return head


def next_event(chain: Sequence[Event], kind: str, body: Mapping[str, object]) -> Event:
    """The event that extends `chain` with `body`; the chain itself is not changed."""
    if kind not in EVENT_KINDS:
        raise RecordError(f"unknown event type {kind!r}; expected one of {', '.join(EVENT_KINDS)}")
    prev = chain[-1].hash if chain else GENESIS
    event = Event(len(chain), kind, body, prev)
    _ = event.hash  # refuse now, not at write time, a body that has no canonical form
    return event


def event_from_document(document: object, where: str) -> Event:
    """An Event from its parsed JSON document, checking the envelope's fields and types."""
    if not isinstance(document, dict):
        raise RecordError(f"{where}: expected an event object, got {type(document).__name__}")
    expected = {"spec_version", "seq", "type", "prev", "body"}
    if set(document) != expected:
        missing = sorted(expected - set(document))
        extra = sorted(set(document) - expected)
        raise RecordError(f"{where}: event fields wrong (missing {missing}, unexpected {extra})")
    seq, kind, prev = document["seq"], document["type"], document["prev"]
    body, version = document["body"], document["spec_version"]
    if version != SPEC_VERSION:
        raise RecordError(
            f"{where}: spec_version {version!r} is not {SPEC_VERSION!r}, the only record format "
            "this verifier reads; verify it with the clearcount release that wrote it"
        )
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
        raise RecordError(f"{where}: seq must be a non-negative integer, got {seq!r}")
    if kind not in EVENT_KINDS:
        raise RecordError(f"{where}: unknown event type {kind!r}")
    if not isinstance(prev, str) or len(prev) != 64 or prev.strip("0123456789abcdef"):
        raise RecordError(f"{where}: prev must be 64 lowercase hex digits, got {prev!r}")
    if not isinstance(body, dict):
        raise RecordError(f"{where}: body must be an object, got {type(body).__name__}")
    return Event(seq, kind, body, prev, version)


def check_chain(events: Sequence[Event]) -> None:
    """Raise ChainError at the first event out of sequence or not linked to its predecessor."""
    prev = GENESIS
    for position, event in enumerate(events):
        if event.seq != position:
            raise ChainError(position, f"sequence number {event.seq}, expected {position}")
        if event.prev != prev:
            raise ChainError(
                position, f"previous hash {event.prev[:16]}… does not match {prev[:16]}…"
            )
        prev = event.hash
