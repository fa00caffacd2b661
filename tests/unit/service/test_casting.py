"""Casting online (spec §11.4-§11.5): durable before the tracking code, refusals leave nothing."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from types import TracebackType
from typing import Any

import pytest
from tests.principals import ANY_VOTER, officer, voter
from tests.unit.service.election_world import (
    CLOSES,
    ELECTION,
    INELIGIBLE,
    OPENS,
    Lifecycle,
)
from tests.unit.service.world import World

from clearcount.crypto.group import Scalar, seeded_scalars
from clearcount.crypto.proofs.schnorr import SchnorrProof
from clearcount.protocol.casting import make_ballot
from clearcount.protocol.challenge import spoil
from clearcount.protocol.credentials import CredentialSecret
from clearcount.service.elections.casting import CastingService, tracking_prefix
from clearcount.service.elections.state import cached_election
from clearcount.service.errors import (
    BallotRefusedError,
    CommitUncertainError,
    CredentialBoundError,
    ElectionStateError,
    IneligibleVoterError,
    NotFoundError,
    StorageUnavailableError,
    ValidationError,
)
from clearcount.storage.store import SqlStore
from clearcount.verifier import Status, verify_events


@pytest.fixture
def life(world: World, tmp_path: Path) -> Lifecycle:
    return Lifecycle(world, tmp_path / "keys")


def board_and_register(life: Lifecycle) -> tuple[int, int]:
    events = life.ballots.record(ELECTION)
    return sum(e.kind == "Ballot" for e in events), len(
        life.register.member_marks(voter("NTW-00001"), ELECTION, "NTW-00001")
    )


def test_a_cast_returns_a_tracking_code_found_on_the_board(life: Lifecycle) -> None:
    life.open()
    first = life.casting.cast(
        voter("NTW-00001"), ELECTION, life.ballot("NTW-00001", {"chair": [0]})
    )
    assert not first.revote
    assert len(first.tracking_code) == 39
    assert first.event_hash.startswith(tracking_prefix(first.tracking_code))
    assert life.casting.lookup(ELECTION, first.tracking_code).state == "counted"
    again = life.casting.cast(
        voter("NTW-00001"), ELECTION, life.ballot("NTW-00001", {"chair": [1]})
    )
    assert again.revote
    assert life.casting.lookup(ELECTION, first.tracking_code.lower()).state == "replaced"
    assert life.casting.lookup(ELECTION, again.tracking_code).state == "counted"
    marks = life.register.member_marks(voter("NTW-00001"), ELECTION, "NTW-00001")
    assert [(m.channel, m.day) for m in marks] == [("online", first.cast_at[:10])] * 2
    with pytest.raises(NotFoundError, match="no such ballot"):
        life.casting.lookup(ELECTION, "0000-0000-0000-0000-0000-0000-0000-0000")
    with pytest.raises(ValidationError, match="tracking code"):
        life.casting.lookup(ELECTION, "not a code")


def stored_rows(life: Lifecycle) -> dict[str, list[tuple[object, ...]]]:
    tables = ("record_events", "marked_register", "credential_bindings")
    with life.world.store.engine.connect() as c:
        return {
            t: sorted(map(tuple, c.exec_driver_sql(f"SELECT * FROM {t}").all())) for t in tables
        }


def test_a_credential_is_bound_to_the_first_member_who_votes_with_it(life: Lifecycle) -> None:
    life.open()
    first = life.casting.cast(
        voter("NTW-00001"), ELECTION, life.ballot("NTW-00001", {"chair": [0]})
    )
    before = stored_rows(life)
    stolen = life.ballot("NTW-00001", {"chair": [2]})
    with pytest.raises(CredentialBoundError, match=r"'NTW-00002'.*another member already voted"):
        life.casting.cast(voter("NTW-00002"), ELECTION, stolen)
    assert stored_rows(life) == before
    assert life.casting.lookup(ELECTION, first.tracking_code).state == "counted"
    assert life.register.member_marks(voter("NTW-00002"), ELECTION, "NTW-00002") == []
    again = life.casting.cast(voter("NTW-00001"), ELECTION, stolen)
    assert again.revote
    assert life.casting.lookup(ELECTION, first.tracking_code).state == "replaced"
    own = life.casting.cast(voter("NTW-00002"), ELECTION, life.ballot("NTW-00002", {"chair": [1]}))
    assert not own.revote


def test_a_credential_first_used_by_the_wrong_member_stays_theirs(life: Lifecycle) -> None:
    """The thief who votes first holds the credential; the owner is refused and can see it."""
    life.open()
    life.casting.cast(voter("NTW-00002"), ELECTION, life.ballot("NTW-00001", {"chair": [0]}))
    with pytest.raises(CredentialBoundError, match="report it to the returning officer"):
        life.casting.cast(voter("NTW-00001"), ELECTION, life.ballot("NTW-00001", {"chair": [1]}))


def test_the_binding_table_holds_no_credential_or_member_in_the_clear(life: Lifecycle) -> None:
    life.open()
    life.casting.cast(voter("NTW-00003"), ELECTION, life.ballot("NTW-00003", {"chair": [0]}))
    rows = stored_rows(life)["credential_bindings"]
    credential = life.credential("NTW-00003").public.to_bytes().hex()
    assert len(rows) == 1
    assert not any(credential in str(r) or "NTW-00003" in str(r) for r in rows)


def test_an_ineligible_member_is_refused_and_nothing_is_stored(life: Lifecycle) -> None:
    life.open()
    ballot = life.ballot("NTW-00001", {"chair": [0]})
    with pytest.raises(IneligibleVoterError, match=f"{INELIGIBLE}.*not an eligible") as refused:
        life.casting.cast(voter(INELIGIBLE), ELECTION, ballot)
    assert refused.value.reason  # why, for the audit log only
    assert refused.value.reason not in str(refused.value)
    assert not any(w in str(refused.value) for w in ("arrears", "joined", "paid", "months"))
    with pytest.raises(IneligibleVoterError, match="not on it"):
        life.casting.cast(voter("NTW-99999"), ELECTION, ballot)
    assert board_and_register(life) == (0, 0)


def test_ballots_outside_the_timetable_or_after_close_are_refused(life: Lifecycle) -> None:
    life.open()
    ballot = life.ballot("NTW-00001", {"chair": [0]})
    life.world.clock.at = OPENS.replace(hour=8)
    with pytest.raises(ElectionStateError, match="outside the timetable"):
        life.casting.cast(voter("NTW-00001"), ELECTION, ballot)
    life.world.clock.at = CLOSES
    with pytest.raises(ElectionStateError, match="outside the timetable"):
        life.casting.cast(voter("NTW-00001"), ELECTION, ballot)
    life.world.clock.at = OPENS
    life.closing.close(officer("officer"), ELECTION, reason="injunction granted")
    with pytest.raises(ElectionStateError, match="closed"):
        life.casting.cast(voter("NTW-00001"), ELECTION, ballot)
    assert board_and_register(life) == (0, 0)


def test_a_forged_or_unknown_ballot_is_refused_by_the_board(life: Lifecycle) -> None:
    life.open()
    ballot = life.ballot("NTW-00001", {"chair": [0]})
    forged = dataclasses.replace(
        ballot, signature=SchnorrProof(Scalar.from_int(1), Scalar.from_int(2))
    )
    with pytest.raises(BallotRefusedError, match="signature"):
        life.casting.cast(voter("NTW-00001"), ELECTION, forged)
    stranger = CredentialSecret.from_secret(Scalar.from_int(12345))
    unknown = make_ballot(life.election(), {"chair": [0]}, stranger, life.rng)[0]
    with pytest.raises(BallotRefusedError, match="published credential"):
        life.casting.cast(voter("NTW-00001"), ELECTION, unknown)
    body: dict[str, Any] = dict(ballot.to_body())
    body["contests"] = []
    with pytest.raises(BallotRefusedError, match="ballot refused"):
        life.casting.cast(voter("NTW-00001"), ELECTION, body)
    assert board_and_register(life) == (0, 0)
    assert life.casting.cast(voter("NTW-00001"), ELECTION, ballot.to_body()).seq == 2


def test_proofs_checked_before_the_lock_still_refuse_a_forgery(life: Lifecycle) -> None:
    """Once the process has the election, proofs are checked before the lock; a forged proof
    is refused all the same and nothing is stored."""
    life.open()
    life.casting.cast(voter("NTW-00001"), ELECTION, life.ballot("NTW-00001", {"chair": [0]}))
    assert cached_election(ELECTION) is not None
    ballot = life.ballot("NTW-00002", {"chair": [1]})
    contest = ballot.contests[0]
    forged = dataclasses.replace(
        ballot, contests=(dataclasses.replace(contest, proofs=contest.proofs[::-1]),)
    )
    with pytest.raises(BallotRefusedError, match="ballot refused"):
        life.casting.cast(voter("NTW-00002"), ELECTION, forged)
    assert sum(e.kind == "Ballot" for e in life.ballots.record(ELECTION)) == 1


def test_a_stale_election_in_the_cache_neither_refuses_nor_admits(
    life: Lifecycle, tmp_path: Path
) -> None:
    """Another database with the same election id (other keys) was loaded last: the check
    ahead fails against it, and the board's own check decides, against the right election."""
    other = World(SqlStore.open(f"sqlite:///{tmp_path / 'other.db'}"), life.world.clock,
                  life.world.salts)  # fmt: skip
    try:
        elsewhere = Lifecycle(other, tmp_path / "other-keys", seeded_scalars(b"elsewhere"))
        elsewhere.open()
        life.open()
        good = life.ballot("NTW-00001", {"chair": [0]})
        elsewhere.casting.cast(
            voter("NTW-00001"), ELECTION, elsewhere.ballot("NTW-00001", {"chair": [2]})
        )
        stale = cached_election(ELECTION)
        assert stale is not None
        assert stale.credentials != life.election().credentials
        assert life.casting.cast(voter("NTW-00001"), ELECTION, good).seq == 2
    finally:
        other.store.close()


def test_a_challenged_ballot_is_published_and_never_counted(life: Lifecycle) -> None:
    life.open()
    ballot, openings = make_ballot(
        life.election(), {"chair": [2]}, life.credential("NTW-00002"), life.rng
    )
    life.casting.challenge(ANY_VOTER, ELECTION, spoil(ballot, openings))
    lying = spoil(ballot, [dataclasses.replace(openings[0], plaintexts=(1, 0, 0)), openings[1]])
    with pytest.raises(BallotRefusedError, match="challenged ballot refused"):
        life.casting.challenge(ANY_VOTER, ELECTION, lying)
    kinds = [e.kind for e in life.ballots.record(ELECTION)]
    assert kinds == ["Setup", "Credentials", "Spoiled"]
    assert life.register.member_marks(voter("NTW-00002"), ELECTION, "NTW-00002") == []


class FailingCommit:
    """A unit of work whose commit fails as a lost database connection would."""

    def __init__(self, store: SqlStore) -> None:
        self._inner = store.unit_of_work()

    def __enter__(self) -> Any:
        inner = self._inner.__enter__()
        inner.commit = self._fail  # type: ignore[method-assign]
        return inner

    def _fail(self) -> None:
        raise StorageUnavailableError("database unavailable: connection lost during COMMIT")

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._inner.__exit__(kind, exc, tb)


def test_a_database_failure_at_commit_gives_no_tracking_code_and_no_half_ballot(
    life: Lifecycle,
) -> None:
    life.open()
    ballot = life.ballot("NTW-00001", {"chair": [0]})
    failing = CastingService(lambda: FailingCommit(life.world.store), life.world.clock)
    with pytest.raises(StorageUnavailableError, match="NOT recorded and no tracking code"):
        failing.cast(voter("NTW-00001"), ELECTION, ballot)
    assert board_and_register(life) == (0, 0)
    assert life.casting.cast(voter("NTW-00001"), ELECTION, ballot).seq == 2


class CommitThenLost(FailingCommit):
    """A unit of work whose commit goes through and whose answer is then lost (PostgreSQL
    killed between writing the commit record and replying)."""

    def __enter__(self) -> Any:
        inner = self._inner.__enter__()
        durable = inner.commit

        def commit() -> None:
            durable()
            raise CommitUncertainError("database connection lost while committing: EOF")

        inner.commit = commit
        return inner


def test_the_same_ballot_sent_again_gets_its_receipt_and_is_stored_once(life: Lifecycle) -> None:
    """The booth sends its ballot again when the answer to the cast was lost. The fault soak
    (bench/server/soak.py) found such a ballot stored twice and the record then failing
    V-CHALLENGE-1 (the same proofs twice); it is now answered with the stored ballot's receipt."""
    life.open()
    ballot = life.ballot("NTW-00001", {"chair": [0]})
    first = life.casting.cast(voter("NTW-00001"), ELECTION, ballot)
    before = stored_rows(life)
    again = life.casting.cast(voter("NTW-00001"), ELECTION, ballot)
    assert (again.tracking_code, again.seq, again.revote) == (first.tracking_code, first.seq, False)
    assert again.resent
    assert not first.resent
    assert stored_rows(life) == before
    with pytest.raises(CredentialBoundError):
        life.casting.cast(voter("NTW-00002"), ELECTION, ballot)
    newer = life.ballot("NTW-00001", {"chair": [1]})
    second = life.casting.cast(voter("NTW-00001"), ELECTION, newer)
    assert (second.revote, second.resent) == (True, False)
    resent = life.casting.cast(voter("NTW-00001"), ELECTION, newer)
    assert (resent.tracking_code, resent.revote) == (second.tracking_code, True)
    assert resent.resent
    with pytest.raises(BallotRefusedError, match=r"fresh proofs.*replayed or copied proof"):
        life.casting.cast(voter("NTW-00001"), ELECTION, ballot)
    assert board_and_register(life) == (2, 2)
    report = verify_events(life.ballots.record(ELECTION), workers=1, complete=False)
    assert report.outcome("V-CHALLENGE-1").status is Status.PASSED


def test_a_connection_lost_during_commit_says_it_cannot_tell(life: Lifecycle) -> None:
    life.open()
    ballot = life.ballot("NTW-00001", {"chair": [0]})
    lost = CastingService(lambda: CommitThenLost(life.world.store), life.world.clock)
    with pytest.raises(CommitUncertainError, match="cannot tell whether your ballot was recorded"):
        lost.cast(voter("NTW-00001"), ELECTION, ballot)
    assert board_and_register(life) == (1, 1), "this time the commit had gone through"
    again = life.casting.cast(voter("NTW-00001"), ELECTION, ballot)
    assert again.resent
    assert life.casting.lookup(ELECTION, again.tracking_code).state == "counted"
    assert board_and_register(life) == (1, 1)


def test_a_database_that_is_down_is_reported_to_the_voter(life: Lifecycle) -> None:
    life.open()
    ballot = life.ballot("NTW-00001", {"chair": [0]})
    dead = SqlStore.open("postgresql://clearcount@127.0.0.1:9/clearcount", migrate=False)
    try:
        down = CastingService(dead.unit_of_work, life.world.clock)
        with pytest.raises(StorageUnavailableError, match="NOT recorded"):
            down.cast(voter("NTW-00001"), ELECTION, ballot)
    finally:
        dead.close()
    life.world.store.close()  # a disposed engine reconnects: nothing was lost
    assert board_and_register(life) == (0, 0)
