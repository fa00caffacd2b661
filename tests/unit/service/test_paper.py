"""Meeting and postal ballots entered by two tellers (spec §11.6), and channel precedence."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.principals import officer, voter
from tests.unit.service.election_world import ELECTION, INELIGIBLE, Lifecycle
from tests.unit.service.world import World

from clearcount.crypto.group import Scalar
from clearcount.protocol.paper import TellerSecret
from clearcount.service.errors import (
    ChannelConflictError,
    ElectionStateError,
    IneligibleVoterError,
    ReconciliationError,
    TellerError,
    ValidationError,
)


@pytest.fixture
def life(world: World, tmp_path: Path) -> Lifecycle:
    return Lifecycle(world, tmp_path / "keys")


def enter(life: Lifecycle, channel: str, *voters: str, **kw: object) -> object:
    options: dict[str, object] = {
        "channel": channel,
        "voters": list(voters),
        "cancelled": life.cancellation(voters) if "cancelled" not in kw else None,
        "papers": {"chair": [[0] for _ in voters], "strike": [[1] for _ in voters]},
        "tellers": life.tellers(),
        "signed_in": len(voters),
        "rng": life.rng,
    } | kw
    return life.paper.enter(ELECTION, **options)  # type: ignore[arg-type]


def test_a_paper_ballot_cancels_the_online_one_and_locks_online_voting(life: Lifecycle) -> None:
    life.open()
    online = life.casting.cast(
        voter("NTW-00001"), ELECTION, life.ballot("NTW-00001", {"chair": [1]})
    )
    receipt = enter(life, "postal", "NTW-00001", "NTW-00002")
    assert receipt.voters == 2
    assert receipt.papers == {"chair": 2, "strike": 2}
    assert receipt.reconciliation == "signed in 2"
    assert life.casting.lookup(ELECTION, online.tracking_code).state == "cancelled"
    with pytest.raises(
        ChannelConflictError, match=r"already voted by postal ballot.*cancels online"
    ):
        life.casting.cast(voter("NTW-00002"), ELECTION, life.ballot("NTW-00002", {"chair": [0]}))
    with pytest.raises(ChannelConflictError, match="a second meeting ballot is refused"):
        enter(life, "meeting", "NTW-00002")
    marks = [
        (m.member_id, m.channel)
        for m in life.register.marks(officer("scrutineer"), ELECTION, "check")
    ]
    assert marks == [("NTW-00001", "online"), ("NTW-00001", "postal"), ("NTW-00002", "postal")]
    assert all(
        m.recorded_by == "tellers Pat Quinn and Sam Ortiz"
        for m in life.register.member_marks(voter("NTW-00002"), ELECTION, "NTW-00002")
    )


def test_bad_sittings_are_refused_whole(life: Lifecycle) -> None:
    life.open()
    with pytest.raises(IneligibleVoterError):
        enter(
            life,
            "meeting",
            "NTW-00001",
            INELIGIBLE,
            cancelled=life.cancellation(["NTW-00001", "NTW-00002"]),
        )
    with pytest.raises(ValidationError, match="one public credential per voter"):
        enter(life, "meeting", "NTW-00001", cancelled=life.cancellation([]))
    assert life.material is not None
    forged = life.material.cancellation(["NTW-00001"], life.signing("Pat Quinn"))
    with pytest.raises(ValidationError, match="credential authority 'Harrow & Pell Scrutineers'"):
        enter(life, "meeting", "NTW-00001", cancelled=forged)
    with pytest.raises(ValidationError, match="at most one per voter"):
        enter(life, "meeting", "NTW-00001", papers={"chair": [[0], [1]], "strike": [[0]]},
              signed_in=2, accept_mismatch="acknowledging does not allow extra papers")  # fmt: skip
    with pytest.raises(ValidationError, match="papers the contest allows"):
        enter(life, "meeting", "NTW-00001", papers={"chair": [[0, 1]], "strike": [[0]]})
    with pytest.raises(ValidationError, match="channel"):
        enter(life, "online", "NTW-00001")
    a, b = life.tellers()
    with pytest.raises(TellerError, match=r"teller 'Sam Ortiz'.*signature"):
        enter(life, "meeting", "NTW-00001", tellers=(a, TellerSecret(b.name, Scalar.from_int(7))))
    with pytest.raises(TellerError, match="teller 'Mallory'"):
        enter(life, "meeting", "NTW-00001", tellers=(a, TellerSecret("Mallory", b.secret)))
    assert [e.kind for e in life.ballots.record(ELECTION)] == ["Setup", "Credentials"]
    assert life.register.statistics(ELECTION).voted == 0


def test_papers_are_refused_once_counting_began(life: Lifecycle) -> None:
    life.open()
    life.world.clock.advance(days=9)
    life.closing.close(officer("officer"), ELECTION)
    enter(life, "postal", "NTW-00003")  # late postal papers: fine before the tally
    life.tally.tally(officer("officer"), ELECTION)
    with pytest.raises(ElectionStateError, match="after the tally began"):
        enter(life, "postal", "NTW-00005")


def _audit(life: Lifecycle, action: str) -> list[str]:
    return [
        e.note for e in life.world.audit.history(officer(), "northfold-twu") if e.action == action
    ]


def test_a_sitting_that_does_not_add_up_is_refused_and_recorded_until_acknowledged(
    life: Lifecycle,
) -> None:
    """Sign-in sheet 3, members entered 2, strike papers 1: refused with every count named,
    the refusal audited, nothing entered; sealed only with the tellers' reason (audited)."""
    life.open()
    short = {"chair": [[0], [1]], "strike": [[0]]}
    with pytest.raises(ReconciliationError) as refused:
        enter(life, "meeting", "NTW-00001", "NTW-00002", papers=short, signed_in=3)
    message = str(refused.value)
    assert "signed in 3, members entered 2, papers of contest 'chair' 2" in message
    assert "papers of contest 'strike' 1" in message
    assert '--accept-mismatch "REASON"' in message
    assert life.register.statistics(ELECTION).voted == 0
    assert [e.kind for e in life.ballots.record(ELECTION)] == ["Setup", "Credentials"]
    assert len(_audit(life, "paper.mismatch_refused")) == 1
    receipt = enter(life, "meeting", "NTW-00001", "NTW-00002", papers=short, signed_in=3,
                    accept_mismatch="one voter left before the strike vote")  # fmt: skip
    assert receipt.voters == 2
    assert "accepted: one voter left before the strike vote" in receipt.reconciliation
    (accepted,) = _audit(life, "paper.mismatch_accepted")
    assert "signed in 3" in accepted
    assert "one voter left" in accepted


def test_an_ineligible_voter_on_paper_is_refused_without_the_reason_which_is_audited(
    life: Lifecycle,
) -> None:
    life.open()
    with pytest.raises(IneligibleVoterError) as refused:
        enter(life, "meeting", "NTW-00001", INELIGIBLE,
              cancelled=life.cancellation(["NTW-00001", "NTW-00002"]))  # fmt: skip
    assert refused.value.reason
    assert refused.value.reason not in str(refused.value)
    (note,) = _audit(life, "vote.refused_ineligible")
    assert refused.value.reason in note
