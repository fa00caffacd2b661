"""Rate limits per address in the database (issue 9 review): shared by every server process,
atomic increments on SQLite and PostgreSQL, windows that end and are forgotten, limits set per
address from the settings."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.unit.service.world import FixedClock

from clearcount.bootstrap.config import load_config
from clearcount.core.errors import ConfigError
from clearcount.service.rate_limits import Limit, RateLimitedError, RateLimits, RateLimitService
from clearcount.storage.store import SqlStore

START = datetime(2031, 4, 1, 9, 0, tzinfo=UTC)


def hits(service: RateLimitService, name: str, address: str, n: int) -> int:
    """How many of `n` requests were allowed."""
    allowed = 0
    for _ in range(n):
        try:
            service.hit(name, address)
            allowed += 1
        except RateLimitedError:
            pass
    return allowed


def windows(store: SqlStore) -> int:
    with store.engine.connect() as c:
        return int(c.execute(sa.text("SELECT count(*) FROM rate_limit_windows")).scalar_one())


def test_a_window_allows_its_hits_then_refuses_until_it_ends(store: SqlStore) -> None:
    clock = FixedClock(START)
    service = RateLimitService(store.unit_of_work, clock, RateLimits(code=Limit(3, 600)))
    assert hits(service, "code", "192.0.2.1", 3) == 3
    clock.advance(seconds=100)
    with pytest.raises(RateLimitedError) as refused:
        service.hit("code", "192.0.2.1")
    assert refused.value.retry_after == 500
    assert "too many code requests" in str(refused.value)
    assert hits(service, "code", "192.0.2.2", 1) == 1  # another address has its own
    assert hits(service, "cast", "192.0.2.1", 1) == 1  # and another limit
    clock.advance(seconds=500)
    assert hits(service, "code", "192.0.2.1", 4) == 3  # a new window
    assert windows(store) == 1  # the ended windows were forgotten when the new one began


def test_two_processes_on_one_database_share_the_count(backend: tuple[str, str | None]) -> None:
    url, schema = backend
    first, second = SqlStore.open(url, schema=schema), SqlStore.open(url, schema=schema)
    try:
        clock = FixedClock(START)
        limits = RateLimits(cast=Limit(4, 600))
        a = RateLimitService(first.unit_of_work, clock, limits)
        b = RateLimitService(second.unit_of_work, clock, limits)
        assert hits(a, "cast", "198.51.100.7", 2) + hits(b, "cast", "198.51.100.7", 5) == 4
    finally:
        first.close()
        second.close()


def test_concurrent_hits_are_counted_atomically(backend: tuple[str, str | None]) -> None:
    url, schema = backend
    stores = [SqlStore.open(url, schema=schema) for _ in range(4)]
    clock = FixedClock(START)
    limits = RateLimits(cast=Limit(25, 600))
    allowed: list[int] = []
    gate = threading.Barrier(len(stores))

    def worker(store: SqlStore) -> None:
        service = RateLimitService(store.unit_of_work, clock, limits)
        gate.wait()
        allowed.append(hits(service, "cast", "203.0.113.9", 20))

    try:
        threads = [threading.Thread(target=worker, args=(s,)) for s in stores]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sum(allowed) == 25  # 80 tries, exactly the limit allowed: no lost update
    finally:
        for store in stores:
            store.close()


def test_one_address_may_have_its_own_limit(store: SqlStore) -> None:
    limits = RateLimits(cast=Limit(2, 600), addresses={"127.0.0.1": {"cast": Limit(1000, 600)}})
    service = RateLimitService(store.unit_of_work, FixedClock(START), limits)
    assert hits(service, "cast", "127.0.0.1", 50) == 50
    assert hits(service, "cast", "192.0.2.1", 50) == 2
    assert hits(service, "code", "127.0.0.1", 50) == RateLimits().code.hits  # only cast raised


def test_addresses_are_stored_only_hashed(store: SqlStore) -> None:
    service = RateLimitService(store.unit_of_work, FixedClock(START))
    service.hit("code", "192.0.2.77")
    with store.engine.connect() as c:
        rows = c.execute(sa.text("SELECT * FROM rate_limit_windows")).all()
    assert rows
    assert all("192.0.2.77" not in str(value) for row in rows for value in row)


def test_the_limits_come_from_the_settings_file(tmp_path: Path) -> None:
    path = tmp_path / "clearcount.toml"
    path.write_text(
        '[rate_limits]\ncast = [30, 120]\n\n[rate_limits.address."127.0.0.1"]\n'
        "cast = [1000000, 600]\ncode = [1000000, 600]\n"
    )
    limits = load_config(path, {}).rate_limits
    assert limits.cast == Limit(30, 120)
    assert limits.code == RateLimits().code
    assert limits.limit("cast", "127.0.0.1") == Limit(1_000_000, 600)
    assert limits.limit("login", "127.0.0.1") == RateLimits().login
    for bad, message in (
        ("[rate_limits]\ncast = 20\n", r"rate_limits.cast: expected \[requests, seconds\]"),
        ("[rate_limits]\ncasts = [1, 1]\n", "rate_limits.casts: no such limit"),
        ('[rate_limits.address."::1"]\ncode = [0, 60]\n', 'address."::1".code: expected'),
    ):
        path.write_text(bad)
        with pytest.raises(ConfigError, match=message):
            load_config(path, {})


def test_the_clock_s_window_boundaries_are_whole_windows(store: SqlStore) -> None:
    clock = FixedClock(START + timedelta(seconds=59))
    service = RateLimitService(store.unit_of_work, clock, RateLimits(login=Limit(1, 60)))
    service.hit("login", "a")
    clock.advance(seconds=1)  # the next minute: a new window
    service.hit("login", "a")


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(
    before=st.lists(st.sampled_from("abc"), max_size=6),
    batch=st.lists(st.sampled_from("abc"), min_size=1, max_size=10),
    allowed=st.integers(1, 4),
)
def test_a_batch_is_counted_exactly_as_its_requests_one_by_one(
    store: SqlStore, before: list[str], batch: list[str], allowed: int
) -> None:
    """`count_many` (a batch of casts, one statement) refuses the same requests, with the same
    retry-after, as `count_in` request by request, whatever was counted before."""
    run = uuid.uuid4().hex
    clock = FixedClock(START + timedelta(seconds=len(before)))
    service = RateLimitService(store.unit_of_work, clock, RateLimits(cast=Limit(allowed, 600)))
    for way in ("alone", "together"):
        for address in before:
            hits(service, "cast", f"{run}-{way}-{address}", 1)
    alone = []
    for address in batch:
        with store.unit_of_work() as uow:
            alone.append(service.count_in(uow, "cast", f"{run}-alone-{address}"))
            uow.commit()
    with store.unit_of_work() as uow:
        together = service.count_many(uow, "cast", [f"{run}-together-{a}" for a in batch])
        uow.commit()
    assert [None if r is None else r.retry_after for r in together] == [
        None if r is None else r.retry_after for r in alone
    ]
    for address in "abc":  # and the windows hold the same counts afterwards
        assert hits(service, "cast", f"{run}-alone-{address}", 5) == hits(
            service, "cast", f"{run}-together-{address}", 5
        )
