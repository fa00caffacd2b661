"""Defining a ballot, the key ceremony and the credentials (spec §11.2-§11.3)."""

from __future__ import annotations

import dataclasses
import stat
from pathlib import Path

import pytest
from tests.principals import officer
from tests.unit.service.election_world import (
    CHAIR,
    CLOSES,
    ELECTION,
    OPENS,
    PASSPHRASES,
    TELLERS,
    TRUSTEES,
    Lifecycle,
)
from tests.unit.service.world import OFFICER, World

from clearcount.crypto.group import Point
from clearcount.protocol.acts import UNSIGNED
from clearcount.record.events import Credentials
from clearcount.service.elections.ballots import BallotDefinition, contest
from clearcount.service.errors import (
    ConflictError,
    ElectionStateError,
    NotFoundError,
    ValidationError,
)
from clearcount.service.roles.ceremony_transport import CeremonyFolder
from clearcount.service.roles.credential_authority import (
    issue_credentials,
    recipients_from_snapshot,
)
from clearcount.service.roles.keys import load_role_key


@pytest.fixture
def life(world: World, tmp_path: Path) -> Lifecycle:
    return Lifecycle(world, tmp_path / "keys")


def definition(**changes: object) -> BallotDefinition:
    base = BallotDefinition(
        ELECTION,
        "northfold-twu",
        "Exec",
        OPENS,
        CLOSES,
        (CHAIR,),
        "Scrutineers",
        TRUSTEES,
        2,
        TELLERS,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_definitions_are_checked() -> None:
    with pytest.raises(ValidationError, match=r"contest 'x'.*method"):
        contest("x", "X", "borda", ("A", "B"))
    with pytest.raises(ValidationError, match=r"threshold: expected 1..3"):
        definition(threshold=4)
    with pytest.raises(ValidationError, match="closes: expected after opens"):
        definition(closes=OPENS)
    with pytest.raises(ValidationError, match="channels"):
        definition(channels=("meeting", "postal"))
    with pytest.raises(ValidationError, match="tellers"):
        definition(tellers=("Pat", "Pat"))
    d = definition(
        contests=(CHAIR, contest("leader", "Leader", "stv-scottish", ("A", "B", "C"), seats=2))
    )
    assert BallotDefinition.from_json(d.to_json()) == d


def test_the_ceremony_needs_every_card_and_each_trustee_keeps_its_own_share_file(
    life: Lifecycle, world: World
) -> None:
    with pytest.raises(NotFoundError, match="organisation"):
        life.ballots.define(officer(OFFICER), definition())
    life.define()
    with pytest.raises(ConflictError, match="already defined"):
        life.ballots.define(officer(OFFICER), definition())
    assert life.ballots.status(ELECTION).phase == "defined"
    folder = CeremonyFolder(life.key_dir / "early")
    with pytest.raises(ElectionStateError, match=r"missing trustee 'Tess Alder'.*role init"):
        life.ballots.ceremony_start(officer(OFFICER), ELECTION, folder)
    report = life.setup()
    for name in TRUSTEES:
        path = life.trustee_file(name)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        key = load_role_key(path, PASSPHRASES[name], role="trustee")
        setup_body = life.ballots.setup_event(ELECTION).body
        assert (key.name, key.election_id, key.joint_key) == (
            name,
            ELECTION,
            setup_body["joint_key"],
        )
    setup = life.ballots.setup_event(ELECTION)
    assert setup.hash == report.fingerprint
    assert setup.body["roll"]["eligible"] == 5
    listed = {t["name"]: t["key"] for t in setup.body["tellers"]}
    assert listed == {n: life.role_keys[n].card().to_json()["key"] for n in TELLERS}
    assert setup.body["officer"]["name"] == OFFICER
    assert [t["name"] for t in setup.body["trustee_keys"]] == list(TRUSTEES)
    assert len(setup.body["ceremony"]["round2"]) == len(TRUSTEES)
    with pytest.raises(ConflictError, match="already run"):
        life.ballots.ceremony_start(officer(OFFICER), ELECTION, CeremonyFolder(life.key_dir / "2"))
    status = life.ballots.status(ELECTION)
    assert (status.phase, status.roll_version, status.fingerprint) == ("setup", 1, setup.hash)
    assert [s.election_id for s in life.ballots.elections("northfold-twu")] == [ELECTION]


def test_credentials_must_match_the_eligible_count(life: Lifecycle) -> None:
    life.define()
    one = Credentials((Point.generator(),), (1,), UNSIGNED)
    with pytest.raises(ElectionStateError, match="key ceremony"):
        life.ballots.publish_credentials(officer(OFFICER), ELECTION, one)
    life.setup()
    with pytest.raises(ValidationError, match="expected 5"):
        life.ballots.publish_credentials(officer(OFFICER), ELECTION, one)
    setup = life.ballots.setup_event(ELECTION)
    snapshot = life.world.rolls.snapshot(officer(), ELECTION)
    members = {m.member_id: m for m in life.world.members.list_members(officer(), "northfold-twu")}
    material = issue_credentials(setup, recipients_from_snapshot(snapshot, members), life.rng)
    by_officer = material.credentials(life.signing(OFFICER))
    with pytest.raises(ValidationError, match="credential authority 'Harrow & Pell Scrutineers'"):
        life.ballots.publish_credentials(officer(OFFICER), ELECTION, by_officer)
    life.credentials()
    assert life.ballots.status(ELECTION).phase == "open"
    with pytest.raises(ConflictError, match="already published"):
        life.credentials()


def test_the_booth_served_when_defined_is_pinned_in_setup(life: Lifecycle, world: World) -> None:
    from clearcount.protocol.simulate import SIMULATED_BOOTH
    from clearcount.record.events import Setup
    from clearcount.service.elections.ballots import BallotService
    from clearcount.service.elections.records import BallotDefinition as Stored

    life.ballots = BallotService(world.store.unit_of_work, world.clock, lambda: SIMULATED_BOOTH)
    life.define()
    life.setup()
    setup = Setup.from_body(life.ballots.setup_event(ELECTION).body, "event 0")
    assert setup.booth == SIMULATED_BOOTH
    stored = definition(booth=SIMULATED_BOOTH).to_json()
    assert Stored.from_json(stored).booth == SIMULATED_BOOTH
    del stored["booth"]  # a definition stored before the booth was pinned
    assert Stored.from_json(stored).booth == {}
