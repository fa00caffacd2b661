"""Closing (spec §11.6): EndBallots, early only with a reason."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.principals import officer, voter
from tests.unit.service.election_world import CLOSES, ELECTION, Lifecycle
from tests.unit.service.world import OFFICER, World

from clearcount.service.errors import ElectionStateError, ValidationError


@pytest.fixture
def life(world: World, tmp_path: Path) -> Lifecycle:
    return Lifecycle(world, tmp_path / "keys")


def test_closing_fixes_the_ballots_and_early_closing_needs_a_reason(life: Lifecycle) -> None:
    life.open()
    receipt = life.casting.cast(
        voter("NTW-00001"), ELECTION, life.ballot("NTW-00001", {"chair": [0]})
    )
    with pytest.raises(ValidationError, match='acknowledged with --reason "WHY"'):
        life.closing.close(officer(OFFICER), ELECTION)
    report = life.closing.close(officer(OFFICER), ELECTION, reason="NEC direction 14/2022")
    assert (report.ballots, report.last_ballot, report.early) == (1, receipt.event_hash, True)
    with pytest.raises(ElectionStateError, match="already closed"):
        life.closing.close(officer(OFFICER), ELECTION, reason="again")
    notes = [
        e.note for e in life.world.audit.history(officer(), "northfold-twu", f"election:{ELECTION}")
    ]
    assert "NEC direction 14/2022" in notes
    assert life.ballots.status(ELECTION).phase == "closed"


def test_closing_on_time_and_before_the_ceremony(life: Lifecycle) -> None:
    life.define()
    with pytest.raises(ElectionStateError, match="key ceremony"):
        life.closing.close(officer(OFFICER), ELECTION, reason="x")
    life.setup()
    life.credentials()
    life.world.clock.at = CLOSES
    assert not life.closing.close(officer(OFFICER), ELECTION).early
