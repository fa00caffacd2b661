"""Same verdict and same report whichever runs the tasks: inline, the local process pool, or a
real Dask cluster of worker processes (docs/operations/verify-on-a-cluster.md)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from clearcount.record.archive import write_record
from clearcount.record.chain import GENESIS, Event, event_from_document
from clearcount.verifier import Report, Status, ballot_checks, verify_record
from clearcount.verifier.dask_runner import DaskRunner

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    """Two worker processes, one thread each: tasks really leave this process."""
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as local,
        distributed.Client(local) as client,
    ):
        yield client


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Three ballots per task, so a 14-ballot record makes several tasks (and uses the pool)."""
    monkeypatch.setattr(ballot_checks, "CHUNK", 3)


def _forged(events: list[Event], tmp_path: Path) -> Path:
    """A ballot proof altered, and another ballot's challenge copied, then re-chained."""
    documents = [copy.deepcopy(e.document()) for e in events]
    ballots = [d for d in documents if d["type"] == "Ballot"]
    proof = ballots[2]["body"]["contests"][0]["proofs"][0]
    ballots[2]["body"]["contests"][0]["proofs"][0] = ("0" if proof[0] != "0" else "1") + proof[1:]
    ballots[5]["body"]["contests"][1] = copy.deepcopy(ballots[4]["body"]["contests"][1])
    chain: list[Event] = []
    for position, document in enumerate(documents):
        prev = chain[-1].hash if chain else GENESIS
        chain.append(event_from_document({**document, "seq": position, "prev": prev}, "forged"))
    path = tmp_path / "forged.zip"
    write_record(chain, path)
    return path


def _failed(report: Report) -> set[str]:
    return {o.spec.id for o in report.outcomes if o.status is Status.FAILED}


def test_the_same_report_inline_on_the_pool_and_on_dask(record_zip: Path, cluster: Any) -> None:
    inline = verify_record(record_zip, workers=1)
    pool = verify_record(record_zip, workers=2)
    dask = verify_record(record_zip, runner=DaskRunner(cluster))
    assert inline.ok
    assert pool.to_json() == inline.to_json()
    assert dask.to_json() == inline.to_json()


def test_a_forged_record_fails_the_same_checks_on_dask(
    election: tuple[list[Event], object], tmp_path: Path, cluster: Any
) -> None:
    path = _forged(election[0], tmp_path)
    pool = verify_record(path, workers=2)
    dask = verify_record(path, runner=DaskRunner(cluster))
    assert {"V-BALLOT-PROOF", "V-CHALLENGE-1"} <= _failed(pool)
    assert _failed(dask) == _failed(pool)
    assert dask.to_json() == pool.to_json()


def test_the_scheduler_address_is_used(record_zip: Path, cluster: Any) -> None:
    address = cluster.scheduler.address
    assert verify_record(record_zip, scheduler=address).to_json() == (
        verify_record(record_zip, workers=1).to_json()
    )


def test_an_unreachable_scheduler_is_a_clear_error(record_zip: Path) -> None:
    from clearcount.core.errors import ClearcountError

    with pytest.raises(ClearcountError, match="cannot reach the Dask scheduler"):
        verify_record(record_zip, scheduler="tcp://127.0.0.1:9")
