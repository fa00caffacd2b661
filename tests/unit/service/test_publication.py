"""Publishing the record and running the independent verifier on the file (spec §10.3, §12)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.principals import officer, voter
from tests.unit.service.election_world import ELECTION, Lifecycle
from tests.unit.service.world import OFFICER, World

from clearcount.record.archive import read_record
from clearcount.service.errors import ElectionStateError


@pytest.fixture
def life(world: World, tmp_path: Path) -> Lifecycle:
    return Lifecycle(world, tmp_path / "keys")


def test_the_published_record_verifies(life: Lifecycle, tmp_path: Path) -> None:
    life.define()
    with pytest.raises(ElectionStateError, match="no record yet"):
        life.publication.publish(officer(OFFICER), ELECTION, tmp_path / "early.zip")
    life.setup()
    life.credentials()
    life.world.clock.advance(days=11)
    life.casting.cast(
        voter("NTW-00002"), ELECTION, life.ballot("NTW-00002", {"chair": [1], "strike": [0]})
    )
    interim = life.publication.publish(officer(OFFICER), ELECTION, tmp_path / "interim")
    assert interim.verified, interim.report.to_json()
    life.count()
    published = life.publication.publish(
        officer(OFFICER), ELECTION, tmp_path / "out" / "record.zip"
    )
    assert published.verified, published.report.to_json()
    events = read_record(tmp_path / "out" / "record.zip")
    assert (published.head, published.events) == (events[-1].hash, len(events))
    assert events[-1].kind == "Result"
    entries = life.publication.publications(ELECTION)
    assert [(e.verified, e.events) for e in entries] == [(True, 3), (True, len(events))]
