"""The record as the checks see it: its events, their hashes, and facts derived once (spec §12.1).

Derived facts (the decoded Setup, the joint key, the counted ballots, the decrypted plaintexts)
are computed on first use and cached, failures included: a check that needs a fact whose
derivation failed gets `UnavailableError` and is reported as skipped, naming the fact, while the
check that owns the fact reports the failure itself.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TypeVar, cast

from clearcount.core.errors import ClearcountError
from clearcount.record.chain import Event

__all__ = ["Collector", "RecordView", "UnavailableError"]

T = TypeVar("T")


class UnavailableError(ClearcountError):
    """A fact a check needs could not be derived from the record (an earlier check says why)."""

    def __init__(self, fact: str, reason: str) -> None:
        self.fact = fact
        self.reason = reason
        super().__init__(f"needs {fact}, which could not be derived: {reason}")


class RecordView:
    """Events, their hashes, and a cache of facts derived from them. Read-only after creation."""

    __slots__ = ("_facts", "complete", "events", "hashes", "progress", "workers")

    def __init__(
        self,
        events: Sequence[Event],
        *,
        workers: int = 1,
        complete: bool = True,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        self.events = tuple(events)
        self.hashes = tuple(hashlib.sha256(event.encode()).hexdigest() for event in self.events)
        self.workers = workers
        self.complete = complete
        """Require a closed election ending in Result (spec §11); off for records in progress."""
        self.progress = progress
        """Called with the number of ballots just checked (for a progress bar)."""
        self._facts: dict[str, object] = {}

    def of_kind(self, kind: str) -> Iterator[Event]:
        return (event for event in self.events if event.kind == kind)

    @property
    def fingerprint(self) -> bytes:
        """The Setup event's hash as 32 bytes: every proof's context (spec §11.1)."""
        if not self.events or self.events[0].kind != "Setup":
            raise UnavailableError("the election fingerprint", "event 0 is not a Setup event")
        return bytes.fromhex(self.hashes[0])

    def derive(self, fact: str, compute: Callable[[], T]) -> T:
        """`compute()` once; its result, or UnavailableError if it raised a ClearcountError."""
        if fact not in self._facts:
            try:
                self._facts[fact] = compute()
            except UnavailableError as error:
                self._facts[fact] = error
            except ClearcountError as error:
                self._facts[fact] = UnavailableError(fact, str(error))
        value = self._facts[fact]
        if isinstance(value, UnavailableError):
            raise value
        return cast(T, value)


@dataclass(slots=True)
class Collector:
    """What one check gathers while it runs: its findings and a one-line detail."""

    findings: list[tuple[str, int | None, str | None]] = field(default_factory=list)
    detail: str = ""
    applicable: bool = True

    def fail(self, message: str, event: Event | None = None) -> None:
        self.findings.append((message, None if event is None else event.seq, _kind(event)))

    def fail_at(self, message: str, seq: int, kind: str | None = None) -> None:
        self.findings.append((message, seq, kind))

    def not_applicable(self, reason: str) -> None:
        self.applicable = False
        self.detail = reason


def _kind(event: Event | None) -> str | None:
    return None if event is None else event.kind
