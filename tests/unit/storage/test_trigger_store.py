"""The trigger ballot's tables (migrations 0003, 0006) on SQLite and PostgreSQL: append-only."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from tests.principals import officer
from tests.unit.service.trigger_world import (
    AFFILIATES,
    TRIGGER,
    BranchLifecycle,
    officer_abstains,
    open_trigger,
    record_vote,
    vote_count_publish,
)
from tests.unit.service.world import OFFICER, CountingSalts, FixedClock, World

from clearcount.storage.store import SqlStore
from clearcount.storage.trigger_tables import TRIGGER_APPEND_ONLY_TABLES


def test_trigger_tables_are_append_only(store: SqlStore, tmp_path: Path) -> None:
    life = BranchLifecycle(World(store, FixedClock(), CountingSalts()), tmp_path / "keys")
    trigger = open_trigger(life)
    record_vote(trigger, AFFILIATES[0], "no", "Jo Secretary")
    record_vote(trigger, AFFILIATES[1], "abstain", "Kim Chair")
    vote_count_publish(life, tmp_path / "election.zip")
    officer_abstains(trigger, life, "Tram Yard Branch")
    trigger.declare(officer(OFFICER), TRIGGER)
    legacy = "trigger_affiliate_votes"  # 0003's unsigned votes: no longer written, so empty
    for table in (t for t in TRIGGER_APPEND_ONLY_TABLES if t != legacy):
        for statement in (f"UPDATE {table} SET trigger_id = trigger_id", f"DELETE FROM {table}"):
            with (
                pytest.raises(sa.exc.DatabaseError, match="append-only"),
                store.engine.begin() as c,
            ):
                c.exec_driver_sql(statement)
    with store.engine.connect() as c:
        # two affiliate votes and the returning officer's signed abstention
        assert c.exec_driver_sql("SELECT count(*) FROM trigger_signed_votes").scalar() == 3
        assert c.exec_driver_sql("SELECT count(*) FROM trigger_bodies").scalar() == 1
