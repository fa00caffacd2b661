import threading
from datetime import date

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from tests.principals import officer
from tests.unit.service.world import OFFICER, CountingSalts, FixedClock, World

from clearcount.record.roll import verify_inclusion
from clearcount.service.errors import CommitUncertainError, StorageUnavailableError
from clearcount.service.membership.eligibility import EligibilityRules
from clearcount.service.membership.members import Member
from clearcount.storage.engine import create_engine, normalise_url
from clearcount.storage.migrate import current_revision, head_revision, upgrade
from clearcount.storage.store import SqlStore
from clearcount.storage.tables import APPEND_ONLY_TABLES, metadata


def world(store: SqlStore) -> World:
    return World(store, FixedClock(), CountingSalts())


def test_migrations_reach_head_and_match_the_tables(store: SqlStore) -> None:
    assert current_revision(store.engine) == head_revision() == "0014"
    with store.engine.connect() as c:
        diff = compare_metadata(MigrationContext.configure(c), metadata)
    assert diff == []
    upgrade(store.engine)  # idempotent


def test_append_only_tables_refuse_update_and_delete(store: SqlStore) -> None:
    w = world(store)
    org = w.party()
    w.load(org, "ashby_vale_clp.csv")
    w.eligibility.set_rules(
        officer(OFFICER), EligibilityRules("av-sel", org, "selection", "NEC", date(2021, 11, 9))
    )
    w.rolls.freeze(officer(OFFICER), "av-sel", "timetable")
    for table in APPEND_ONLY_TABLES:
        for statement in (
            f"UPDATE {table} SET ballot_id = ballot_id"
            if table != "audit_events"
            else "UPDATE audit_events SET actor = 'mallory'",
            f"DELETE FROM {table}",
        ):
            with (
                pytest.raises(sa.exc.DatabaseError, match="append-only"),
                store.engine.begin() as c,
            ):
                c.exec_driver_sql(statement)
    if store.engine.dialect.name == "postgresql":
        with pytest.raises(sa.exc.DatabaseError, match="append-only"), store.engine.begin() as c:
            c.exec_driver_sql("TRUNCATE audit_events CASCADE")
    w.audit.verify()


def test_commit_is_durable_and_uncommitted_work_is_rolled_back(store: SqlStore) -> None:
    with store.engine.connect() as c:
        if c.dialect.name == "sqlite":
            assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert c.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        else:
            assert c.exec_driver_sql("SHOW synchronous_commit").scalar() == "on"
    w = world(store)
    org = w.party()
    with store.unit_of_work() as uow:
        uow.members.add(Member(org, "AV1", "Ann", "Arbel", date(2015, 3, 2)))
    assert w.members.list_members(officer(), org) == []


def test_a_connection_lost_during_commit_is_uncertain_not_nothing_stored(store: SqlStore) -> None:
    """PostgreSQL killed after writing the commit record, before answering: the transaction
    may be durable. The fault soak (bench/server/soak.py) showed the old "nothing was stored"
    could be false; the error now says it cannot tell."""
    w = world(store)
    org = w.party()

    def lost(_connection: sa.Connection) -> None:
        raise sa.exc.OperationalError("COMMIT", {}, Exception("server closed the connection"))

    sa.event.listen(store.engine, "commit", lost)
    try:
        with store.unit_of_work() as uow:
            uow.members.add(Member(org, "AV1", "Ann", "Arbel", date(2015, 3, 2)))
            with pytest.raises(CommitUncertainError, match="may or may not have been stored"):
                uow.commit()
    finally:
        sa.event.remove(store.engine, "commit", lost)
    assert issubclass(CommitUncertainError, StorageUnavailableError)


def test_concurrent_appends_keep_one_chain(store: SqlStore) -> None:
    w = world(store)
    org = w.party()
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(8):
                w.audit.record_access(officer(f"teller {n}"), org, f"roll:{i}", "count check")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len([e for e in w.audit.history(officer(), org) if e.action == "roll.accessed"]) == 24
    w.audit.verify()


def test_a_whole_roll_round_trips(backend: tuple[str, str | None]) -> None:
    url, schema = backend
    first = SqlStore.open(url, schema=schema)
    w = world(first)
    org = w.union()
    w.clock.set_day(date(2025, 11, 1))
    w.load(org, "northfold_twu.csv")
    w.eligibility.set_rules(
        officer(OFFICER),
        EligibilityRules(
            "ntwu-ia-2025",
            org,
            "industrial-action",
            "s.227 TULRCA: depot drivers",
            date(2025, 11, 1),
            units=frozenset({"northfold-branch"}),
        ),
    )
    header = w.rolls.freeze(officer(OFFICER), "ntwu-ia-2025", "ballot notice served")
    first.close()

    again = SqlStore.open(url, schema=schema)
    w2 = world(again)
    assert w2.rolls.snapshot(officer(), "ntwu-ia-2025").header == header
    w2.rolls.recheck("ntwu-ia-2025")
    receipt = w2.rolls.receipt(officer(), "ntwu-ia-2025", "NTW-00002")
    verify_inclusion(receipt.entry, receipt.proof, receipt.root)
    assert w2.members.get(officer(), org, "NTW-00004").categories == {"engineer", "driver"}
    assert header.eligible == 5  # tram yard is not under the branch
    w2.audit.verify()
    again.close()


def test_migrations_downgrade_and_upgrade(backend: tuple[str, str | None]) -> None:
    url, schema = backend
    engine = create_engine(url, schema=schema)
    upgrade(engine)
    from alembic import command

    from clearcount.storage.migrate import alembic_config

    config = alembic_config()
    with engine.begin() as c:
        config.attributes["connection"] = c
        command.downgrade(config, "base")
    assert sa.inspect(engine).get_table_names() == ["alembic_version"]
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_urls() -> None:
    assert normalise_url(None) == "sqlite:///clearcount.db"
    assert normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    with pytest.raises(ValueError, match="sqlite or postgresql"):
        create_engine("mysql://u@h/db")
    with pytest.raises(ValueError, match="schema"):
        create_engine("sqlite://", schema="x")


def test_members_by_email_find_every_case_folding_of_the_address(store: SqlStore) -> None:
    """Sign-in looks a member up by address (no whole-roll scan): SQL's lower() is ASCII only,
    so every non-ASCII address is a candidate too, and the caller compares exactly."""
    org = world(store).party()
    addresses = {
        "AV1": "Ann.Arbel@Example.org",
        "AV2": "ANN.STRAẞE@example.org",  # capital sharp s: casefolds to "ss"
        "AV3": "ben.brask@example.org",
        "AV4": "",
    }
    with store.unit_of_work() as uow:
        for member_id, email in addresses.items():
            uow.members.add(Member(org, member_id, "A", "B", date(2015, 3, 2), email=email))
        uow.commit()
    with store.unit_of_work() as uow:
        found = {m.member_id for m in uow.members.with_email(org, "ann.arbel@example.org")}
        assert "AV1" in found
        assert "AV3" not in found
        assert "AV4" not in found
        sharp = uow.members.with_email(org, "ann.strasse@example.org")
        assert [
            m.member_id for m in sharp if m.email.strip().casefold() == "ann.strasse@example.org"
        ] == ["AV2"]
