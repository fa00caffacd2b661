"""Rate limits per client address, counted in the database so that every server process (and
every machine) shares them (issue 9 review: `clearcount serve --workers N`).

A fixed window per (limit, address): the window of `seconds` that holds the current time is a
row whose counter one atomic statement increments and reads back (`RateLimitRepository.hit`,
an INSERT ... ON CONFLICT DO UPDATE ... RETURNING on SQLite and PostgreSQL), so two processes
never both take the last allowed hit. More than `hits` in a window is refused until the
window ends (`RateLimitedError.retry_after`); a refused request still counts, which only keeps
a flooding address refused to the window's end. Windows that have ended are deleted whenever
a new one starts. The address is stored only as a SHA-256 hash with the limit's name.

The limits: `login` (each step of an official's sign-in), `code` (a voter's request for a
sign-in code), `cast` (casts and audited ballots). `RateLimits.addresses` gives one address
its own limits (a load test's client: docs/service/server.md); the per-account lock of officials
and the five tries of a sign-in code are separate and unchanged.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from clearcount.service.errors import ServiceError
from clearcount.service.ports import Clock, Transaction

__all__ = [
    "LIMIT_NAMES",
    "Limit",
    "RateLimitRepository",
    "RateLimitService",
    "RateLimitWork",
    "RateLimitedError",
    "RateLimits",
]


class RateLimitedError(ServiceError):
    """Too many requests from one address; `retry_after` whole seconds until the window ends."""

    def __init__(self, what: str, retry_after: int) -> None:
        super().__init__(f"too many {what} requests; try again in {retry_after} seconds")
        self.what = what
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class Limit:
    """At most `hits` requests in each window of `seconds`."""

    hits: int
    seconds: int

    def __post_init__(self) -> None:
        if self.hits < 1 or self.seconds < 1:
            raise ValueError(f"a rate limit needs hits >= 1 and seconds >= 1, got {self}")


LIMIT_NAMES = {"login": "sign-in", "code": "code", "cast": "cast"}
"""Each limit's name and the word its refusal uses."""


@dataclass(frozen=True, slots=True)
class RateLimits:
    """The limits per client address; `addresses` overrides some of them for one address."""

    login: Limit = Limit(10, 300)
    code: Limit = Limit(5, 600)
    cast: Limit = Limit(20, 600)
    addresses: Mapping[str, Mapping[str, Limit]] = field(default_factory=dict)

    def given(self, limits: Mapping[str, tuple[int, float]]) -> RateLimits:
        """These limits with some replaced for every address ({name: (hits, seconds)}, as
        `clearcount serve --rate-limit` gives them; a window is whole seconds, at least 1)."""

        def pick(name: str) -> Limit:
            if name not in limits:
                found: Limit = getattr(self, name)
                return found
            hits, seconds = limits[name]
            return Limit(hits, max(1, math.ceil(seconds)))

        return RateLimits(pick("login"), pick("code"), pick("cast"), self.addresses)

    def limit(self, name: str, address: str) -> Limit:
        own = self.addresses.get(address, {})
        found: Limit = own.get(name) or getattr(self, name)
        return found


class RateLimitRepository(Protocol):
    def hit(self, bucket: str, window_start: int, window_end: int) -> int:
        """Count one hit in `bucket`'s window starting at `window_start` (made if new, to
        expire at `window_end`), atomically; the window's count with this hit."""
        ...

    def hit_many(self, windows: Mapping[str, tuple[int, int, int]]) -> Mapping[str, int]:
        """`hit` for several buckets at once, atomically: {bucket: (window_start, window_end,
        hits)} counts `hits` in each; each window's count with them."""
        ...

    def expire(self, now: int) -> None:
        """Delete every window that ended at or before `now`."""
        ...


class RateLimitWork(Transaction, Protocol):
    rate_limits: RateLimitRepository


class RateLimitService:
    """Counts requests per (limit, address) in the database; raises RateLimitedError."""

    def __init__(
        self, uow: Callable[[], RateLimitWork], clock: Clock, limits: RateLimits | None = None
    ) -> None:
        self._uow = uow
        self._clock = clock
        self.limits = limits or RateLimits()

    def hit(self, name: str, address: str) -> None:
        """Count one `name` request from `address`, or raise RateLimitedError if over."""
        with self._uow() as uow:
            refused = self.count_in(uow, name, address)
            uow.commit()
        if refused is not None:
            raise refused

    def count_in(self, uow: RateLimitWork, name: str, address: str) -> RateLimitedError | None:
        """Count one `name` request from `address` in the caller's transaction (the booth's
        cast: one transaction instead of two); the refusal to raise if over, else None. A
        caller that rolls back after a refusal calls `hit`, so the refused request counts."""
        return self.count_many(uow, name, [address])[0]

    def count_many(
        self, uow: RateLimitWork, name: str, addresses: Sequence[str]
    ) -> list[RateLimitedError | None]:
        """`count_in` for several requests in arrival order (a batch of casts), with one
        statement per address: each the refusal if it is over its address's limit, else
        None, exactly as if they had been counted one by one."""
        if not addresses:
            return []
        now = int(self._clock.now().timestamp())
        windows: dict[str, tuple[int, int, int]] = {}
        asked: list[tuple[str, int, int]] = []
        for address in addresses:
            limit = self.limits.limit(name, address)
            start = now - now % limit.seconds
            bucket = hashlib.sha256(f"{name}\x00{address}".encode()).hexdigest()
            hits = windows.get(bucket, (0, 0, 0))[2]
            windows[bucket] = (start, start + limit.seconds, hits + 1)
            asked.append((bucket, start + limit.seconds, limit.hits))
        counts = uow.rate_limits.hit_many(windows)
        if any(counts[bucket] == hits for bucket, (_, _, hits) in windows.items()):
            uow.rate_limits.expire(now)  # a new window: forget the ended ones
        seen: dict[str, int] = {}
        found: list[RateLimitedError | None] = []
        for bucket, end, allowed in asked:
            seen[bucket] = seen.get(bucket, 0) + 1
            count = counts[bucket] - windows[bucket][2] + seen[bucket]
            over = count > allowed
            found.append(RateLimitedError(LIMIT_NAMES[name], max(1, end - now)) if over else None)
        return found
