"""The role API's shuffles (web.api.roles, spec §11.8): a mixnet election whose trustees all
shuffle and decrypt from their own machines with `--server URL`, ending in a record that
`clearcount verify` accepts; every forged, replayed or stale shuffle refused with nothing stored."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient
from tests.principals import officer, voter
from tests.unit.service.election_world import (
    CHAIR,
    CLOSES,
    ELECTION,
    LEADER,
    TRUSTEES,
    Lifecycle,
)
from tests.unit.service.world import OFFICER
from tests.unit.web.loopback import role_world, serving
from tests.unit.web.loopback import run_role as run

from clearcount.bootstrap import Config, Services
from clearcount.cli import server_transport
from clearcount.cli.main import cli
from clearcount.record.archive import write_record
from clearcount.service.elections.tally import shuffle_for
from clearcount.web.app import create_app

SHUFFLES = f"/api/roles/elections/{ELECTION}/shuffles"
VOTES = {"NTW-00001": [2, 0], "NTW-00002": [0, 1, 2], "NTW-00003": [1]}


@pytest.fixture
def closed(tmp_path: Path) -> Iterator[tuple[Lifecycle, Services]]:
    """A closed and tallied election with a ranked contest, three ballots cast."""
    with role_world(tmp_path) as (life, services):
        life.define((CHAIR, LEADER))
        life.setup()
        life.credentials()
        life.world.clock.at = CLOSES - timedelta(days=1)
        for member, ranking in VOTES.items():
            choices = {"chair": [1], "leader": ranking}
            life.casting.cast(voter(member), ELECTION, life.ballot(member, choices))
        life.world.clock.at = CLOSES + timedelta(minutes=1)
        life.closing.close(officer(OFFICER), ELECTION)
        life.tally.tally(officer(OFFICER), ELECTION)
        yield life, services


def test_every_trustee_shuffles_and_decrypts_from_its_own_machine(
    closed: tuple[Lifecycle, Services], tmp_path: Path
) -> None:
    life, services = closed
    with serving(create_app(Config(), services=services)) as server:
        for name in TRUSTEES:
            key = str(life.trustee_keys[name])
            out = run("trustee", "shuffle", ELECTION, "--role-key", key, "--server", server)
            assert f"trustee {name} shuffled 1 contest(s)" in out
        again = run("trustee", "shuffle", ELECTION, "--role-key",
                    str(life.trustee_keys[TRUSTEES[0]]), "--server", server)  # fmt: skip
        assert "nothing to shuffle" in again
        for name in TRUSTEES[:2]:
            run("trustee", "decrypt", ELECTION, "--key-file", str(life.trustee_file(name)),
                "--role-key", str(life.trustee_keys[name]), "--server", server)  # fmt: skip
    assert services.tally.status(ELECTION).shuffles == {"leader": TRUSTEES}
    life.results.declare(officer(OFFICER), ELECTION)
    write_record(services.ballots.record(ELECTION), tmp_path / "record")
    verified = CliRunner().invoke(cli, ["verify", str(tmp_path / "record")])
    assert verified.exit_code == 0, verified.output[-3000:]


def test_a_trustee_whose_input_went_stale_fetches_again_and_shuffles_the_new_mix(
    closed: tuple[Lifecycle, Services], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two trustees at once: the second's post is refused (409 stale_input) and its CLI
    fetches the record again and shuffles the first one's output."""
    life, services = closed
    stale = services.ballots.record(ELECTION)
    first, second = TRUSTEES[0], TRUSTEES[1]
    made = shuffle_for(stale, "leader", first, life.signing(first), life.rng)
    assert made is not None
    services.tally.submit_shuffle(ELECTION, made[0], made[1].to_body())
    fetches: list[str] = []
    real_get = server_transport.RoleApi.get

    def get_stale_first(api: server_transport.RoleApi, path: str) -> bytes:
        fetches.append(path)
        if len(fetches) == 1:
            from clearcount.record.archive import encode_record

            return encode_record(stale)
        return real_get(api, path)

    monkeypatch.setattr(server_transport.RoleApi, "get", get_stale_first)
    with serving(create_app(Config(), services=services)) as server:
        run("trustee", "shuffle", ELECTION, "--role-key", str(life.trustee_keys[second]),
            "--server", server)  # fmt: skip
    assert fetches == ["record", "record"]
    assert services.tally.status(ELECTION).shuffles == {"leader": (first, second)}


def test_forged_replayed_and_stale_shuffles_are_refused_and_nothing_is_stored(
    closed: tuple[Lifecycle, Services],
) -> None:
    life, services = closed
    record = services.ballots.record(ELECTION)
    one, two = TRUSTEES[0], TRUSTEES[1]
    made = shuffle_for(record, "leader", one, life.signing(one), life.rng)
    by_two = shuffle_for(record, "leader", two, life.signing(two), life.rng)
    assert made is not None
    assert by_two is not None
    body = made[1].to_body()
    with TestClient(create_app(Config(), services=services)) as client:

        def refused(document: object, status: int, kind: str) -> None:
            answer = client.post(SHUFFLES, json=document)
            assert (answer.status_code, answer.json()["kind"]) == (status, kind), answer.json()
            assert len(services.ballots.record(ELECTION)) == stored

        stored = len(record)
        as_other = {**by_two[1].to_body(), "trustee": one}  # two's shuffle in one's name
        refused({"input": None, "shuffle": as_other}, 422, "invalid")
        altered = copy.deepcopy(body)
        rows = altered["ciphertexts"]
        assert isinstance(rows, list)
        rows[0], rows[1] = rows[1], rows[0]  # the proof no longer fits the output
        refused({"input": None, "shuffle": altered}, 422, "invalid")
        refused({"input": None, "shuffle": {**body, "contest": "chair"}}, 422, "invalid")
        refused({"input": None, "shuffle": {**body, "trustee": "Mallory"}}, 422, "invalid")
        refused({"shuffle": "not a body"}, 422, "invalid")
        refused({"input": "00" * 32, "shuffle": body}, 409, "stale_input")
        assert client.post(SHUFFLES, json={"input": None, "shuffle": body}).status_code == 201
        stored += 1
        refused({"input": None, "shuffle": body}, 409, "conflict")  # replayed
        first_hash = services.ballots.record(ELECTION)[-1].hash
        refused({"input": first_hash, "shuffle": body}, 409, "conflict")  # replayed, fresh input
        # trustee two shuffled the counted ballots, which one's shuffle has replaced
        refused({"input": None, "shuffle": by_two[1].to_body()}, 409, "stale_input")
        refused({"input": first_hash, "shuffle": by_two[1].to_body()}, 422, "invalid")
        assert client.post("/api/roles/elections/nope/shuffles",
                           json={"input": None, "shuffle": body}).status_code == 404  # fmt: skip
