"""Group commit: the requests that arrive while one batch is written go in the next (issue 12).

Every cast of an election appends to one hash chain (spec §10.2), so casts queue on the
election's lock; holding it for one cast at a time limits a server to what one transaction's
round trips allow, whatever its cores. Group commit (Gray and Reuter, "Transaction Processing:
Concepts and Techniques", 1993, §9.4.7; PostgreSQL's `commit_delay` does the same for WAL
flushes) writes every request waiting at that moment in one transaction: one lock, one tail
read, one commit. No request waits for a timer: the first to arrive while no batch runs is
written at once, alone; those arriving meanwhile are written together by the next leader.

`GroupCommit.submit(key, item)` is called from the server's request threads. The thread that
finds no batch running leads: it takes the items waiting under the oldest one's key (an
election), in arrival order, at most `limit`, runs `write(key, items)` and hands each waiting
thread its outcome. No thread of its own is started, so a pre-forking server's parent stays
thread-free.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

__all__ = ["GroupCommit"]

Item = TypeVar("Item")
Outcome = TypeVar("Outcome")


@dataclass(slots=True, eq=False)  # a slot is itself, not its fields
class _Slot(Generic[Item, Outcome]):
    key: str
    item: Item
    done: bool = False
    outcome: Outcome | None = None
    error: BaseException | None = field(default=None, repr=False)


class GroupCommit(Generic[Item, Outcome]):
    """Leader and followers over one lock (see the module's docstring)."""

    def __init__(
        self, write: Callable[[str, Sequence[Item]], Sequence[Outcome]], limit: int = 64
    ) -> None:
        if limit < 1:
            raise ValueError(f"GroupCommit: limit must be at least 1, got {limit}")
        self._write = write
        self._limit = limit
        self._ready = threading.Condition()
        self._waiting: list[_Slot[Item, Outcome]] = []
        self._busy = False
        self.batches = 0
        """Batches written so far (what tests and benchmarks read)."""

    def submit(self, key: str, item: Item) -> Outcome:
        """`item`'s outcome once its batch is written; the batch's error if it failed."""
        slot: _Slot[Item, Outcome] = _Slot(key, item)
        with self._ready:
            self._waiting.append(slot)
        while True:
            with self._ready:
                while self._busy and not slot.done:
                    self._ready.wait()
                if slot.done:
                    return _outcome(slot)
                self._busy = True
                batch = self._take(self._waiting[0].key)  # the oldest first, whatever its key
            self._lead(batch)

    def _take(self, key: str) -> list[_Slot[Item, Outcome]]:
        """The first `limit` waiting slots of `key`, in arrival order, off the queue."""
        batch = [s for s in self._waiting if s.key == key][: self._limit]
        self._waiting = [s for s in self._waiting if s not in batch]
        return batch

    def _lead(self, batch: list[_Slot[Item, Outcome]]) -> None:
        outcomes: Sequence[Outcome] = ()
        error: BaseException | None = None
        try:
            outcomes = self._write(batch[0].key, [s.item for s in batch])
            if len(outcomes) != len(batch):
                raise RuntimeError(f"GroupCommit: {len(batch)} items, {len(outcomes)} outcomes")
        except BaseException as failed:  # every waiting thread must learn of it
            error = failed
        with self._ready:
            for index, slot in enumerate(batch):
                slot.error = error
                slot.outcome = None if error is not None else outcomes[index]
                slot.done = True
            self._busy = False
            self.batches += 1
            self._ready.notify_all()


def _outcome(slot: _Slot[Item, Outcome]) -> Outcome:
    if slot.error is not None:
        raise slot.error
    return slot.outcome  # type: ignore[return-value]  # set with done, None only if Outcome is
