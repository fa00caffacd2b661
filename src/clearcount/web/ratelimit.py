"""An in-memory rate limiter for logins, one-time codes and casts (issue 9).

A sliding window per key ("code:<ip>", "cast:<ip>"): at most `limit` hits in `window` seconds.
It lives in one server process; with several processes each keeps its own count, so the
effective limit is at most processes x limit (still a bound on guessing). The one-time codes'
own try counter (five tries) is in the database and holds across processes.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from starlette.requests import Request

__all__ = ["RateLimitedError", "RateLimiter", "limit"]


class RateLimitedError(Exception):
    """Too many requests for one key; `retry_after` whole seconds until the next is allowed."""

    def __init__(self, what: str, retry_after: int) -> None:
        super().__init__(f"too many {what} requests; try again in {retry_after} seconds")
        self.what = what
        self.retry_after = retry_after


@dataclass
class RateLimiter:
    """At most `limit` hits per key in any `window` seconds; `monotonic` is injectable."""

    what: str
    limit: int
    window: float
    monotonic: Callable[[], float] = time.monotonic
    _hits: dict[str, deque[float]] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def hit(self, key: str) -> None:
        """Count one request for `key`, or raise RateLimitedError (the request is not counted)."""
        now = self.monotonic()
        with self._lock:
            if len(self._hits) > 10_000:  # forget idle keys, so memory stays bounded
                self._forget(now)
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                raise RateLimitedError(self.what, max(1, int(hits[0] + self.window - now + 0.999)))
            hits.append(now)

    def _forget(self, now: float) -> None:
        for key in [k for k, v in self._hits.items() if not v or v[-1] <= now - self.window]:
            del self._hits[key]


def limit(request: Request, name: str) -> None:
    """Count this request against the app's limiter `name` ("login", "code", "cast") for the
    client's address; RateLimitedError (HTTP 429) when over."""
    limiter: RateLimiter = request.app.state.limits[name]
    limiter.hit(request.client.host if request.client else "unknown")
