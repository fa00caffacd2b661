"""Declaring the result (spec §11.9): the whole lifecycle on a real SQLite store."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.principals import officer, voter
from tests.unit.service.election_world import (
    CHAIR,
    ELECTION,
    LEADER,
    STRIKE,
    TRUSTEES,
    Lifecycle,
)
from tests.unit.service.world import OFFICER, World

from clearcount.service.errors import ConflictError, ElectionStateError


@pytest.fixture
def life(world: World, tmp_path: Path) -> Lifecycle:
    return Lifecycle(world, tmp_path / "keys")


def test_online_and_paper_ballots_are_declared_with_turnout_per_channel(life: Lifecycle) -> None:
    life.open()
    life.casting.cast(
        voter("NTW-00001"), ELECTION, life.ballot("NTW-00001", {"chair": [0], "strike": [0]})
    )
    life.casting.cast(
        voter("NTW-00002"), ELECTION, life.ballot("NTW-00002", {"chair": [1], "strike": [0]})
    )
    # re-vote: the last ballot counts
    life.casting.cast(
        voter("NTW-00002"), ELECTION, life.ballot("NTW-00002", {"chair": [0], "strike": [1]})
    )
    life.casting.cast(
        voter("NTW-00003"), ELECTION, life.ballot("NTW-00003", {"chair": [2], "strike": [0]})
    )
    # NTW-00003 then votes in the meeting: paper takes precedence, their online ballot is cancelled
    life.paper.enter(
        ELECTION,
        channel="meeting",
        voters=["NTW-00003", "NTW-00005"],
        cancelled=life.cancellation(["NTW-00003", "NTW-00005"]),
        papers={"chair": [[1], [1]], "strike": [[1], [0]]},
        tellers=life.tellers(),
        signed_in=2,
        rng=life.rng,
    )
    life.count()
    declaration = life.results.declaration(ELECTION)
    chair, strike = declaration.contests
    assert chair.totals == {"Ann Hale": 2, "Bob Irwin": 2, "Cal Jones": 0}
    assert strike.totals == {"Yes": 2, "No": 2}
    assert (chair.id, chair.method, strike.method) == ("chair", "fptp", "yes-no")
    turnout = declaration.turnout
    assert (turnout.eligible, turnout.voted, turnout.revotes, turnout.online_superseded) == (
        5,
        4,
        1,
        1,
    )
    by_channel = {c.channel: (c.voters, c.marks) for c in turnout.channels}
    assert by_channel == {"meeting": (2, 2), "postal": (0, 0), "online": (2, 4)}
    with pytest.raises(ConflictError, match="already declared"):
        life.results.declare(officer(OFFICER), ELECTION)


def test_a_preferential_contest_is_mixed_by_every_trustee_and_counted(life: Lifecycle) -> None:
    life.open(contests=(LEADER,))
    for member, ranking in (("NTW-00001", [0, 1]), ("NTW-00002", [1, 0]), ("NTW-00003", [0])):
        life.casting.cast(voter(member), ELECTION, life.ballot(member, {"leader": ranking}))
    life.count(trustees=TRUSTEES[1:])
    (leader,) = life.results.declaration(ELECTION).contests
    assert (leader.papers, leader.elected, leader.totals) == (3, ("Dee",), None)


def test_declaring_needs_threshold_trustees(life: Lifecycle) -> None:
    life.open(contests=(CHAIR, STRIKE))
    life.casting.cast(voter("NTW-00001"), ELECTION, life.ballot("NTW-00001", {"chair": [0]}))
    with pytest.raises(ElectionStateError, match="no result declared"):
        life.results.declaration(ELECTION)
    life.world.clock.advance(days=9)
    life.closing.close(officer(OFFICER), ELECTION)
    life.tally.tally(officer(OFFICER), ELECTION)
    life.tally.decrypt_with_key_file(
        ELECTION,
        life.trustee_file("Nia Cedar"),
        "nia-cedar-passphrase",
        life.signing("Nia Cedar"),
        rng=life.rng,
    )
    with pytest.raises(ElectionStateError, match=r"at least 2 trustees, got 1 \(\['Nia Cedar'\]\)"):
        life.results.declare(officer(OFFICER), ELECTION)
