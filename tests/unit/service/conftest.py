"""Service tests run on a real SQLite store in a temporary file (storage's own tests add
PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.unit.service.world import CountingSalts, FixedClock, World

from clearcount.storage.store import SqlStore


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    store = SqlStore.open(f"sqlite:///{tmp_path / 'clearcount.db'}")
    yield World(store, FixedClock(), CountingSalts())
    store.close()
