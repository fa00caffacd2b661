"""Rate limits on sign-in attempts from one network address (the per-account lock is stored
with the account: service.officials.accounts).

A sliding window in this process's memory: enough to slow a guesser down from one address to a
handful of tries a minute, without storing addresses in the database. Behind several server
processes each has its own window (the per-account lock still holds across them).
"""

from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta

__all__ = ["AttemptWindow"]


class AttemptWindow:
    """At most `limit` attempts per `period` from one key (an address)."""

    def __init__(self, limit: int, period: timedelta) -> None:
        self._limit = limit
        self._period = period
        self._seen: dict[str, deque[datetime]] = {}

    def allow(self, key: str, at: datetime) -> bool:
        """Record an attempt by `key` at `at`; False if it is over the limit (not recorded)."""
        window = self._seen.setdefault(key, deque())
        while window and window[0] <= at - self._period:
            window.popleft()
        if len(window) >= self._limit:
            return False
        window.append(at)
        if len(self._seen) > 10_000:  # forget idle addresses rather than grow without bound
            self._seen = {k: v for k, v in self._seen.items() if v and v[-1] > at - self._period}
        return True
