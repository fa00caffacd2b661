"""The role API's paper batches (web.api.roles, spec §11.6): the two tellers sign a sitting's
batches on their own machine and send them with `vote paper --server URL`; the count then
ends in a record `clearcount verify` accepts. A batch signed by one teller in both names, by a
stranger, altered after signing, or sent again is refused with nothing stored."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient
from tests.principals import officer, voter
from tests.unit.service.election_world import (
    CLOSES,
    ELECTION,
    TRUSTEES,
    Lifecycle,
)
from tests.unit.service.world import OFFICER
from tests.unit.web.loopback import role_world, serving, teller_keys
from tests.unit.web.loopback import run_role as run

from clearcount.bootstrap import Config, Services
from clearcount.cli.main import cli
from clearcount.cli.vote_commands import CANCELLED_FORMAT, PAPERS_FORMAT
from clearcount.crypto.group import Scalar
from clearcount.protocol.paper import TellerSecret
from clearcount.protocol.postal import ReturnedPaper
from clearcount.protocol.postal_entry import sign_entry
from clearcount.record import codec
from clearcount.record.archive import write_record
from clearcount.service.elections.paper import sign_sitting
from clearcount.web.app import create_app

BATCHES = f"/api/roles/elections/{ELECTION}/paper-batches"
PAPER_VOTERS = ("NTW-00001", "NTW-00002")


@pytest.fixture
def opened(tmp_path: Path) -> Iterator[tuple[Lifecycle, Services]]:
    """An open election; NTW-00001 has also voted online."""
    with role_world(tmp_path) as (life, services):
        life.open()
        life.casting.cast(voter("NTW-00001"), ELECTION, life.ballot("NTW-00001", {"chair": [1]}))
        yield life, services


def _sitting(life: Lifecycle) -> dict[str, object]:
    """What the tellers send for PAPER_VOTERS (each voted Ann Hale and No)."""
    cancelled = life.cancellation(PAPER_VOTERS)
    papers = {"chair": [(0,)] * 2, "strike": [(1,)] * 2}
    signed = sign_sitting(
        life.ballots.record(ELECTION), "meeting", papers, cancelled, life.tellers(), life.rng
    )
    return {"channel": "meeting", "voters": list(PAPER_VOTERS), "signed_in": 2,
            "batches": [b.to_body() for b in signed]}  # fmt: skip


def test_the_tellers_enter_a_sitting_from_their_own_machine(
    opened: tuple[Lifecycle, Services], tmp_path: Path
) -> None:
    life, services = opened
    cancelled = life.cancellation(PAPER_VOTERS)
    (tmp_path / "cancelled.json").write_text(json.dumps({
        "format": CANCELLED_FORMAT, "election_id": ELECTION,
        "fingerprint": life.election().fingerprint.hex(),
        "credentials": [codec.hexify(p) for p in cancelled.credentials],
        "signature": codec.hexify(cancelled.signature),
    }))  # fmt: skip
    (tmp_path / "papers.json").write_text(json.dumps({
        "format": PAPERS_FORMAT,
        "papers": {"chair": [["Ann Hale"], ["Ann Hale"]], "strike": [["No"], ["No"]]},
    }))  # fmt: skip
    keys = teller_keys(life, tmp_path)
    with serving(create_app(Config(), services=services)) as server:
        out = run("vote", "paper", ELECTION, "--channel", "meeting", "--voter", PAPER_VOTERS[0],
                  "--voter", PAPER_VOTERS[1], "--cancelled", str(tmp_path / "cancelled.json"),
                  "--papers", str(tmp_path / "papers.json"), "--signed-in", "2", *keys,
                  "--server", server)  # fmt: skip
        assert "reconciliation: signed in 2" in out
        check = life.register.marks(officer("scrutineer"), ELECTION, "check")
        marks = [(m.member_id, m.channel) for m in check]
        assert ("NTW-00001", "meeting") in marks
        assert ("NTW-00002", "meeting") in marks
        life.world.clock.at = CLOSES
        life.closing.close(officer(OFFICER), ELECTION)
        life.tally.tally(officer(OFFICER), ELECTION)
        for name in TRUSTEES[:2]:
            run("trustee", "decrypt", ELECTION, "--key-file", str(life.trustee_file(name)),
                "--role-key", str(life.trustee_keys[name]), "--server", server)  # fmt: skip
    declared = life.results.declare(officer(OFFICER), ELECTION)
    assert "Ann Hale" in str(declared)
    write_record(services.ballots.record(ELECTION), tmp_path / "record")
    verified = CliRunner().invoke(cli, ["verify", str(tmp_path / "record")])
    assert verified.exit_code == 0, verified.output[-3000:]


def test_forged_and_replayed_sittings_are_refused_and_nothing_is_stored(
    opened: tuple[Lifecycle, Services],
) -> None:
    life, services = opened
    honest = _sitting(life)
    first, second = life.tellers()
    stranger = TellerSecret(second.name, Scalar.random())
    cancelled = life.cancellation(PAPER_VOTERS)
    papers = {"chair": [(0,)] * 2, "strike": [(1,)] * 2}

    def signed_by(pair: tuple[TellerSecret, TellerSecret]) -> dict[str, object]:
        batches = sign_sitting(life.ballots.record(ELECTION), "meeting", papers, cancelled, pair)
        return {**honest, "batches": [b.to_body() for b in batches]}

    with TestClient(create_app(Config(), services=services)) as client:
        stored = len(services.ballots.record(ELECTION))

        def refused(document: dict[str, object], status: int, kind: str) -> None:
            answer = client.post(BATCHES, json=document)
            assert (answer.status_code, answer.json()["kind"]) == (status, kind), answer.json()
            assert len(services.ballots.record(ELECTION)) == stored
            assert not [m for m in life.register.marks(officer("scrutineer"), ELECTION, "check")
                        if m.channel != "online"]  # fmt: skip

        # one teller signs in both names; a stranger's key in the second teller's name
        refused(signed_by((first, replace(first, name=second.name))), 422, "invalid")
        refused(signed_by((first, stranger)), 422, "invalid")
        batches = honest["batches"]
        assert isinstance(batches, list)
        altered = json.loads(json.dumps(batches))
        altered[0]["ballots"][0]["marks"] = [1]  # a vote changed after both signed
        refused({**honest, "batches": altered}, 422, "invalid")
        refused({**honest, "batches": batches[:1]}, 422, "invalid")  # a contest left out
        refused({**honest, "channel": "postal"}, 422, "invalid")  # not what they signed
        refused({**honest, "voters": "NTW-00001"}, 422, "invalid")
        answer = client.post(BATCHES, json=honest)
        assert answer.status_code == 201, answer.json()
        stored += 2
        again = client.post(BATCHES, json=honest)  # replayed: the same voters
        assert (again.status_code, again.json()["kind"]) == (409, "channel_conflict")
        other = client.post(BATCHES, json={**honest, "voters": ["NTW-00003", "NTW-00005"]})
        assert (other.status_code, other.json()["kind"]) == (409, "conflict")
        assert len(services.ballots.record(ELECTION)) == stored


def test_forged_replayed_and_stale_paper_entries_are_refused_and_nothing_is_stored(
    opened: tuple[Lifecycle, Services],
) -> None:
    """A teller's own entry of returned papers (§11.12.2): only its own signature counts."""
    life, services = opened
    pat, sam = life.tellers()
    election = life.election()
    papers = (ReturnedPaper(1, {"strike": (0,)}, "2022-09-14T10:00:00+00:00"),)
    honest = sign_entry(election, pat, 0, papers, rng=life.rng).to_body()
    entries = f"/api/roles/elections/{ELECTION}/paper-entries"
    with TestClient(create_app(Config(), services=services)) as client:

        def refused(document: dict[str, object], status: int, kind: str) -> None:
            answer = client.post(entries, json=document)
            assert (answer.status_code, answer.json()["kind"]) == (status, kind), answer.json()
            for teller in (pat, sam):
                on_file = client.get(f"{entries}/{teller.name}").json()["entries"]
                assert on_file == (stored if teller is pat else 0)

        stored = 0
        stranger = TellerSecret(pat.name, Scalar.random())
        refused(sign_entry(election, stranger, 0, papers).to_body(), 422, "invalid")
        as_other = sign_entry(election, replace(pat, name=sam.name), 0, papers)
        refused(as_other.to_body(), 422, "invalid")  # Pat signing as Sam
        refused({**honest, "teller": sam.name}, 422, "invalid")
        altered = json.loads(json.dumps(honest))
        altered["papers"][0]["answers"] = {"strike": [1]}  # changed after signing
        refused(altered, 422, "invalid")
        refused({**honest, "teller": "Mallory"}, 422, "invalid")
        refused({**honest, "after": "none"}, 422, "invalid")
        assert client.post(entries, json=honest).status_code == 201
        stored = 1
        refused(honest, 409, "stale_input")  # sent again
        again = sign_entry(election, pat, 1, papers).to_body()
        refused(again, 409, "conflict")  # the same number again, not as a correction
        corrected = sign_entry(election, pat, 1, papers, correction=True).to_body()
        assert client.post(entries, json=corrected).status_code == 201
        stored = 2
        refused(corrected, 409, "stale_input")
