"""verify-trigger (issue 5): a tampered trigger declaration fails the right check."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.principals import officer
from tests.unit.service.trigger_world import (
    AFFILIATES,
    TRIGGER,
    BranchLifecycle,
    open_trigger,
    vote_count_publish,
)
from tests.unit.service.world import OFFICER, CountingSalts, FixedClock, World

from clearcount.core.canonical import canonical_json
from clearcount.record.archive import read_record_bytes
from clearcount.storage.store import SqlStore
from clearcount.verifier import Report, Status, verify_record
from clearcount.verifier.trigger import TRIGGER_CATALOGUE, verify_trigger, verify_trigger_document

Records = dict[str, tuple[Report, bytes]]


@pytest.fixture(scope="module")
def declared(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, Path, Records]:
    tmp = tmp_path_factory.mktemp("trigger")
    store = SqlStore.open(f"sqlite:///{tmp / 'clearcount.db'}")
    try:
        life = BranchLifecycle(World(store, FixedClock(), CountingSalts()), tmp / "keys")
        trigger = open_trigger(life)
        trigger.record_affiliate_vote(
            officer(OFFICER), TRIGGER, AFFILIATES[0], "yes", "Jo Secretary"
        )
        trigger.record_affiliate_vote(officer(OFFICER), TRIGGER, AFFILIATES[1], "yes", "Kim Chair")
        record = tmp / "branch.zip"
        vote_count_publish(life, record)
        entry = trigger.declare(officer(OFFICER), TRIGGER)
    finally:
        store.close()
    data = entry.document.encode("utf-8")
    (tmp / "declaration.json").write_bytes(data)
    records = {str(record): (verify_record(record, workers=1), read_record_bytes(record))}
    return data, tmp, records


def _tamper(data: bytes, change: Callable[[dict[str, object]], None]) -> bytes:
    document = json.loads(data)
    change(document)
    return canonical_json(document)


def test_the_untouched_declaration_verifies(declared: tuple[bytes, Path, Records]) -> None:
    data, tmp, _ = declared
    report = verify_trigger(tmp / "declaration.json", [tmp / "branch.zip"], workers=1)
    assert report.ok
    assert [o.spec.id for o in report.outcomes] == [c.id for c in TRIGGER_CATALOGUE]
    assert all(o.status is Status.PASSED for o in report.outcomes)
    # two of three bodies support the MP: not triggered under labour-2021
    assert json.loads(data)["triggered"] is False


def _branch(key: str, value: object) -> Callable[[dict[str, object]], None]:
    def change(document: dict[str, object]) -> None:
        branches = document["branches"]
        assert isinstance(branches, list)
        branches[0][key] = value

    return change


def _affiliate_no(document: dict[str, object]) -> None:
    affiliates = document["affiliates"]
    assert isinstance(affiliates, list)
    affiliates[0]["vote"] = "no"


def _flip_verdict(document: dict[str, object]) -> None:
    document["triggered"] = not document["triggered"]


@pytest.mark.parametrize(
    ("change", "check"),
    [
        (_branch("yes", 2), "V-TRIG-TALLY-1"),
        (_branch("record_head", "0" * 64), "V-TRIG-HEAD-1"),
        (_branch("election_id", "some-other-election"), "V-TRIG-BRANCH-1"),
        (_affiliate_no, "V-TRIG-COUNT-1"),
        (_flip_verdict, "V-TRIG-VERDICT-1"),
    ],
    ids=["tally", "hash", "election", "affiliate-vote", "verdict"],
)
def test_a_tampered_declaration_fails_the_right_check(
    declared: tuple[bytes, Path, Records],
    change: Callable[[dict[str, object]], None],
    check: str,
) -> None:
    data, _, records = declared
    report = verify_trigger_document(_tamper(data, change), records)
    assert not report.ok
    assert report.outcome(check).status is Status.FAILED
    assert check in {o.spec.id for o in report.failed()}


def test_a_changed_tally_is_also_a_changed_count(declared: tuple[bytes, Path, Records]) -> None:
    data, _, records = declared

    def change(document: dict[str, object]) -> None:
        _branch("yes", 5)(document)
        count = document["count"]
        assert isinstance(count, dict)
        count["valid_votes"] = "99"

    report = verify_trigger_document(_tamper(data, change), records)
    assert {o.spec.id for o in report.failed()} == {"V-TRIG-TALLY-1", "V-TRIG-COUNT-1"}


def test_unreadable_or_non_canonical_declarations_fail_read(
    declared: tuple[bytes, Path, Records],
) -> None:
    data, _, records = declared
    for bad in (b"not json", data + b"\n", json.dumps(json.loads(data), indent=1).encode()):
        report = verify_trigger_document(bad, records)
        assert report.outcome("V-TRIG-READ-1").status is Status.FAILED
        assert not report.ok


def test_a_missing_branch_record_is_reported(declared: tuple[bytes, Path, Records]) -> None:
    data, _, _ = declared
    report = verify_trigger_document(data, {})
    assert report.outcome("V-TRIG-BRANCH-1").status is Status.FAILED
    assert report.outcome("V-TRIG-COUNT-1").status is Status.SKIPPED


def test_both_documents_list_every_trigger_check() -> None:
    docs = Path(__file__).parents[3] / "docs"
    for name in ("verifier.md", "spec/12-verifier.md"):
        text = (docs / name).read_text(encoding="utf-8")
        for check in TRIGGER_CATALOGUE:
            assert f"`{check.id}`" in text, (name, check.id)
