"""Appeals: the complaint, the panel's evidence bundle, the decision."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pytest
from tests.principals import officer, panel, voter
from tests.unit.service.election_world import ELECTION, Lifecycle
from tests.unit.service.world import World

from clearcount.record.archive import read_record
from clearcount.service.errors import ConflictError, NotFoundError, ValidationError


@pytest.fixture
def life(world: World, tmp_path: Path) -> Lifecycle:
    return Lifecycle(world, tmp_path / "keys")


def test_an_appeal_gets_an_evidence_bundle_and_one_decision(
    life: Lifecycle, tmp_path: Path
) -> None:
    life.open()
    life.casting.cast(voter("NTW-00001"), ELECTION, life.ballot("NTW-00001", {"chair": [0]}))
    life.count()
    with pytest.raises(ValidationError, match="grounds"):
        life.appeals.lodge(voter("Cal Jones"), ELECTION, " ")
    appeal = life.appeals.lodge(
        voter("Cal Jones"), ELECTION, "e-votes cast without members' knowledge (domain §4 row 2)"
    )
    assert appeal.appeal_id == f"{ELECTION}-appeal-1"
    bundle = life.appeals.evidence_bundle(
        officer("panel clerk"), appeal.appeal_id, tmp_path / "ev.zip"
    )
    assert bundle.verified
    with zipfile.ZipFile(bundle.path) as archive:
        names = set(archive.namelist())
        assert names == {
            "record.zip",
            "verifier-report.json",
            "audit-log.jsonl",
            "register-statistics.json",
            "appeal.json",
            "MANIFEST.json",
        }
        manifest = json.loads(archive.read("MANIFEST.json"))
        for name, digest in manifest["sha256"].items():
            assert hashlib.sha256(archive.read(name)).hexdigest() == digest
        (tmp_path / "r.zip").write_bytes(archive.read("record.zip"))
        stats = json.loads(archive.read("register-statistics.json"))
        log = [json.loads(line) for line in archive.read("audit-log.jsonl").splitlines()]
        complaint = json.loads(archive.read("appeal.json"))
        report = json.loads(archive.read("verifier-report.json"))
    assert read_record(tmp_path / "r.zip")[-1].hash == manifest["record_head"] == bundle.record_head
    assert report["verified"] is True
    assert (stats["voted"], stats["eligible"]) == (1, 5)
    actions = {e["action"] for e in log}
    assert {
        "election.defined",
        "election.setup",
        "election.closed",
        "election.declared",
        "appeal.lodged",
        "roll.frozen",
    } <= actions
    assert complaint["grounds"].startswith("e-votes")
    assert complaint["audit_chain"] == "intact"
    decided = life.appeals.decide(
        panel("appeal panel"), appeal.appeal_id, "dismissed", "no evidence"
    )
    assert (decided.decision, decided.decided_by) == ("dismissed", "appeal panel")
    with pytest.raises(ConflictError, match="already decided"):
        life.appeals.decide(panel("appeal panel"), appeal.appeal_id, "upheld", "second thoughts")
    with pytest.raises(NotFoundError):
        life.appeals.get(officer(), "nope")
    assert [a.decision for a in life.appeals.appeals(officer(), ELECTION)] == ["dismissed"]
