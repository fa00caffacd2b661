"""The election tables on SQLite and PostgreSQL: migration 0002, append-only record and
register, serialised appends under concurrent casting, an unreachable database."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from tests.principals import officer, voter
from tests.unit.service.election_world import ELECTION, ELIGIBLE, Lifecycle
from tests.unit.service.world import CountingSalts, FixedClock, World

from clearcount.record.chain import check_chain
from clearcount.service.elections.records import PaperEntry
from clearcount.service.errors import ConflictError, StorageUnavailableError
from clearcount.storage.election_tables import ELECTION_APPEND_ONLY_TABLES, record_events
from clearcount.storage.engine import create_engine
from clearcount.storage.migrate import alembic_config, upgrade
from clearcount.storage.store import SqlStore

_AT = "2031-05-14T12:00:00+00:00"


def lifecycle(store: SqlStore, tmp_path: Path) -> Lifecycle:
    return Lifecycle(World(store, FixedClock(), CountingSalts()), tmp_path / "keys")


def migrated_to(
    backend: tuple[str, str | None], revision: str, elections: tuple[str, ...] = ("e",)
) -> sa.Engine:
    """A database at `revision` holding organisation 'o' and these elections of it, as a
    migration test starts from (raw SQL: the tables as they were then)."""
    url, schema = backend
    engine = create_engine(url, schema=schema)
    upgrade(engine, revision)
    with engine.begin() as c:
        c.exec_driver_sql(
            "INSERT INTO organisations (organisation_id, name, kind) VALUES ('o', 'O', 'union')"
        )
        for election in elections:
            c.exec_driver_sql(
                "INSERT INTO elections (election_id, organisation_id, definition, defined_by, "
                f"defined_at) VALUES ('{election}', 'o', '{{}}', 'officer', "
                "'2022-09-01T00:00:00Z')"
            )
    return engine


def test_record_and_register_are_append_only(store: SqlStore, tmp_path: Path) -> None:
    life = lifecycle(store, tmp_path)
    life.open()
    life.casting.cast(voter("NTW-00001"), ELECTION, life.ballot("NTW-00001", {"chair": [0]}))
    life.publication.publish(officer("officer"), ELECTION, tmp_path / "record.zip")
    with store.unit_of_work() as uow:
        uow.paper_entries.add(PaperEntry(ELECTION, "Pat Quinn", 7, None, _AT, _AT))
        uow.commit()
    for table in ELECTION_APPEND_ONLY_TABLES:
        for statement in (f"UPDATE {table} SET election_id = election_id", f"DELETE FROM {table}"):
            with (
                pytest.raises(sa.exc.DatabaseError, match="append-only"),
                store.engine.begin() as c,
            ):
                c.exec_driver_sql(statement)
    with store.engine.connect() as c:
        assert c.exec_driver_sql("SELECT count(*) FROM marked_register").scalar() == 1
    upgrade(store.engine)  # idempotent at 0002


def test_concurrent_casts_keep_one_chain(store: SqlStore, tmp_path: Path) -> None:
    life = lifecycle(store, tmp_path)
    life.open()
    ballots = {m: life.ballot(m, {"chair": [i % 3], "strike": [0]}) for i, m in enumerate(ELIGIBLE)}
    errors: list[BaseException] = []

    def cast(member: str) -> None:
        try:
            life.casting.cast(voter(member), ELECTION, ballots[member])
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=cast, args=(m,)) for m in ELIGIBLE]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    record = life.ballots.record(ELECTION)
    check_chain(record)
    assert sum(e.kind == "Ballot" for e in record) == len(ELIGIBLE)
    assert life.register.statistics(ELECTION).voted == len(ELIGIBLE)
    with store.engine.connect() as c:
        counted = c.execute(
            sa.select(record_events.c.kind, sa.func.count())
            .where(record_events.c.election_id == ELECTION)
            .group_by(record_events.c.kind)
        ).all()
    with store.unit_of_work() as uow:
        assert uow.board.counts(ELECTION) == {str(kind): int(n) for kind, n in counted}
        assert uow.board.counts(ELECTION)["Ballot"] == len(ELIGIBLE)


def test_migration_0013_counts_the_events_already_stored(
    backend: tuple[str, str | None],
) -> None:
    """A database written before 0013 gets its per-kind counts from the stored events."""
    engine = migrated_to(backend, "0012", ("e", "f"))
    with engine.begin() as c:
        kinds = ("Setup", "Credentials", "Ballot", "Ballot", "Ballot")
        for seq, kind in enumerate(kinds):
            c.exec_driver_sql(
                "INSERT INTO record_events (election_id, seq, kind, hash, document) "
                f"VALUES ('e', {seq}, '{kind}', '{seq:064x}', '{{}}')"
            )
    upgrade(engine)
    with engine.connect() as c:
        rows = c.exec_driver_sql(
            "SELECT election_id, kind, events FROM record_event_counts ORDER BY kind"
        ).all()
    assert [tuple(r) for r in rows] == [
        ("e", "Ballot", 3),
        ("e", "Credentials", 1),
        ("e", "Setup", 1),
    ]
    engine.dispose()


def test_migration_0014_keeps_the_credentials_paper_batches_cancelled(
    backend: tuple[str, str | None],
) -> None:
    """A database written before 0014 gets its cancelled credentials from the stored
    PaperBatch events; later appends keep the set, and it refuses UPDATE and DELETE."""
    url, schema = backend
    engine = create_engine(url, schema=schema)
    upgrade(engine, "0013")
    a, b, c = "a" * 64, "b" * 64, "c" * 64
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO organisations (organisation_id, name, kind) VALUES ('o', 'O', 'union')"
        )
        conn.exec_driver_sql(
            "INSERT INTO elections (election_id, organisation_id, definition, defined_by, "
            "defined_at) VALUES ('e', 'o', '{}', 'officer', '2022-09-01T00:00:00Z')"
        )
        batches = {2: [a, b], 4: [c]}
        for seq in range(5):
            kind = "PaperBatch" if seq in batches else "Ballot"
            body = {"cancelled_credentials": batches.get(seq, [])}
            document = json.dumps({"seq": seq, "type": kind, "body": body})
            conn.execute(
                sa.text(
                    "INSERT INTO record_events (election_id, seq, kind, hash, document) "
                    "VALUES ('e', :seq, :kind, :hash, :document)"
                ),
                {"seq": seq, "kind": kind, "hash": f"{seq:064x}", "document": document},
            )
    upgrade(engine)
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT election_id, credential, seq FROM cancelled_credentials ORDER BY credential"
        ).all()
    assert [tuple(r) for r in rows] == [("e", a, 2), ("e", b, 2), ("e", c, 4)]
    with SqlStore(engine).unit_of_work() as uow:
        assert uow.board.is_cancelled("e", b)
        assert not uow.board.is_cancelled("e", "d" * 64)
        assert uow.board.cancelled("e") == {a, b, c}
    for statement in ("UPDATE cancelled_credentials SET seq = 0",
                      "DELETE FROM cancelled_credentials"):  # fmt: skip
        with pytest.raises(sa.exc.DatabaseError, match="append-only"), engine.begin() as conn:
            conn.exec_driver_sql(statement)
    engine.dispose()


def test_an_unreachable_database_is_storage_unavailable() -> None:
    dead = SqlStore.open("postgresql://clearcount@127.0.0.1:9/clearcount", migrate=False)
    try:
        with (
            pytest.raises(StorageUnavailableError, match="database unavailable"),
            dead.unit_of_work(),
        ):
            pass
    finally:
        dead.close()


def test_migration_0004_keeps_register_lines_cut_to_their_day(
    backend: tuple[str, str | None],
) -> None:
    """A register written under 0002's shape (ordered ids, instants) comes out of 0004 keyed at
    random and dated to the day; downgrading goes back to 0002's shape."""
    engine = migrated_to(backend, "0003")
    with engine.begin() as c:
        for member, at in (("M2", "2022-09-12T10:00:01.5Z"), ("M1", "2022-09-13T08:00:00Z")):
            c.exec_driver_sql(
                "INSERT INTO marked_register (election_id, member_id, channel, at, recorded_by) "
                f"VALUES ('e', '{member}', 'online', '{at}', 'online')"
            )
    upgrade(engine)
    with engine.connect() as c:
        rows = c.exec_driver_sql(
            "SELECT member_id, day, mark_key FROM marked_register ORDER BY member_id"
        ).all()
    assert [(r.member_id, r.day) for r in rows] == [("M1", "2022-09-13"), ("M2", "2022-09-12")]
    assert all(len(r.mark_key) == 64 for r in rows)
    upgrade_to = alembic_config()
    with engine.begin() as c:
        upgrade_to.attributes["connection"] = c
        command.downgrade(upgrade_to, "0003")
    with engine.connect() as c:
        back = c.exec_driver_sql("SELECT member_id, at FROM marked_register ORDER BY member_id")
        assert [tuple(r) for r in back] == [
            ("M1", "2022-09-13T00:00:00Z"),
            ("M2", "2022-09-12T00:00:00Z"),
        ]
    engine.dispose()


def test_each_teller_enters_a_paper_number_once(store: SqlStore, tmp_path: Path) -> None:
    lifecycle(store, tmp_path).open()
    entry = PaperEntry(ELECTION, "Pat Quinn", 3, {"strike": (0,), "asos": ()}, _AT, _AT)
    with store.unit_of_work() as uow:
        uow.paper_entries.add(entry)
        uow.paper_entries.add(PaperEntry(ELECTION, "Sam Ortiz", 3, None, _AT, _AT))
        with pytest.raises(ConflictError, match="already entered paper 3"):
            uow.paper_entries.add(entry)
        with pytest.raises(ConflictError, match="nothing to correct"):
            uow.paper_entries.add(
                PaperEntry(ELECTION, "Sam Ortiz", 4, None, _AT, _AT), correction=True
            )
        corrected = PaperEntry(ELECTION, "Sam Ortiz", 3, {"strike": (1,), "asos": ()}, _AT, _AT)
        uow.paper_entries.add(corrected, correction=True)
        uow.commit()
    with store.unit_of_work() as uow:
        assert list(uow.paper_entries.list(ELECTION)) == [entry, corrected]
    with store.engine.connect() as c:
        assert c.exec_driver_sql("SELECT count(*) FROM paper_entries").scalar() == 3
