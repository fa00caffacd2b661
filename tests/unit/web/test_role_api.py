"""The role API (web.api.roles): the trustees' key ceremony end to end over HTTP, each trustee's
own CLI using `--server URL`; a forged or swapped message refused; the OpenAPI document made
from the same route table the app serves."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from starlette.routing import Route
from starlette.testclient import TestClient
from tests.principals import officer, voter
from tests.unit.service.election_world import (
    AUTHORITY,
    CLOSES,
    ELECTION,
    PASSPHRASES,
    TRUSTEES,
    Lifecycle,
)
from tests.unit.service.world import OFFICER, CountingSalts, FixedClock, World
from tests.unit.web.loopback import run_role as run
from tests.unit.web.loopback import serving

from clearcount.bootstrap import Config, Services, build
from clearcount.service.roles.ceremony_transport import CeremonyFolder
from clearcount.service.roles.credential_authority import (
    issue_credentials,
    recipients_from_snapshot,
)
from clearcount.service.roles.trustee_ceremony import trustee_round1
from clearcount.storage.store import SqlStore
from clearcount.web.api.roles import ENDPOINTS, openapi
from clearcount.web.app import create_app

API = f"/api/roles/elections/{ELECTION}/ceremony"


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[Lifecycle, Services, str]]:
    url = f"sqlite:///{tmp_path / 'clearcount.db'}"
    store = SqlStore.open(url)
    life = Lifecycle(World(store, FixedClock(), CountingSalts()), tmp_path / "keys")
    life.define()
    life.register_roles()
    services = build(Config(database_url=url, verifier_workers=1), clock=life.world.clock)
    yield life, services, url
    services.close()
    store.close()


def test_the_trustees_run_the_key_ceremony_over_http(
    world: tuple[Lifecycle, Services, str], tmp_path: Path
) -> None:
    life, services, url = world
    run("election", "ceremony", "start", ELECTION, "--db", url, "--as", OFFICER)
    with serving(create_app(Config(), services=services)) as server:
        for name in TRUSTEES:
            key = str(life.trustee_keys[name])
            out = run("trustee", "ceremony", "round1", "--key", key, "--server", server,
                      "--election", ELECTION)  # fmt: skip
            assert f"sent to {server}" in out
        for i, name in enumerate(TRUSTEES):
            run("trustee", "ceremony", "round2", "--key", str(life.trustee_keys[name]),
                "--server", server, "--election", ELECTION,
                "--share-out", str(tmp_path / f"share-{i}.key"), "--kdf-cost", "14")  # fmt: skip
    out = run("election", "ceremony", "finish", ELECTION, "--db", url, "--as", OFFICER)
    assert "Setup is event 0" in out
    assert services.ballots.status(ELECTION).phase == "setup"
    assert all((tmp_path / f"share-{i}.key").exists() for i in range(3))
    # the credential authority hands over its signed public list from its own machine
    setup = services.ballots.setup_event(ELECTION)
    snapshot = life.world.rolls.snapshot(officer(), ELECTION)
    members = {m.member_id: m for m in life.world.members.list_members(officer(), "northfold-twu")}
    life.material = issue_credentials(setup, recipients_from_snapshot(snapshot, members), life.rng)
    public = tmp_path / "public.json"
    public.write_text(json.dumps({
        "election_id": ELECTION, "fingerprint": setup.hash,
        "body": life.material.credentials(life.role_keys[AUTHORITY].signing).to_body(),
    }))  # fmt: skip
    with serving(create_app(Config(), services=services)) as server:
        assert "as event 1" in run("credentials", "publish", str(public), "--server", server)
    assert services.ballots.status(ELECTION).phase == "open"
    # then the count: two of the three trustees decrypt from their own machines
    life.world.clock.at = CLOSES - timedelta(days=1)
    life.casting.cast(voter("NTW-00001"), ELECTION, life.ballot("NTW-00001", {"chair": [2]}))
    life.world.clock.at = CLOSES + timedelta(minutes=1)
    life.closing.close(officer(OFFICER), ELECTION)
    life.tally.tally(officer(OFFICER), ELECTION)
    with serving(create_app(Config(), services=services)) as server:
        for i, name in enumerate(TRUSTEES[:2]):
            share, key = str(tmp_path / f"share-{i}.key"), str(life.trustee_keys[name])
            out = run("trustee", "decrypt", ELECTION, "--key-file", share,
                      "--role-key", key, "--server", server)  # fmt: skip
            assert f"sent their share of {ELECTION!r}" in out
    declaration = life.results.declare(officer(OFFICER), ELECTION)
    assert "Cal Jones" in str(declaration)


def test_a_forged_or_swapped_message_is_refused(world: tuple[Lifecycle, Services, str]) -> None:
    life, services, _ = world
    services.ballots.ceremony_start(
        officer(OFFICER), ELECTION, services.ceremony.transport(officer(OFFICER), ELECTION)
    )
    with TestClient(create_app(Config(), services=services)) as client:
        assert client.get(f"{API}/round1-1").json()["kind"] == "not_found"
        assert client.get(f"{API}/draft-setup").status_code == 200
        local = CeremonyFolder(life.key_dir / "local")
        local.put("draft-setup", client.get(f"{API}/draft-setup").json())
        name = TRUSTEES[0]
        message = trustee_round1(local, life.trustee_keys[name], PASSPHRASES[name], rng=life.rng)
        body = message.to_body()
        as_other = client.post(f"{API}/round1-2", json=body)  # trustee 1's message as 2's
        assert as_other.status_code == 422
        forged = copy.deepcopy(body)
        forged["commitments"] = list(reversed(forged["commitments"]))  # type: ignore[call-overload]
        refused = client.post(f"{API}/round1-1", json=forged)
        assert refused.status_code == 422
        assert refused.json()["kind"] == "invalid"
        assert client.post(f"{API}/draft-setup", json=body).status_code == 422
        assert client.post(f"{API}/round1-1", json=body).status_code == 201
        assert client.post(f"{API}/round1-1", json=body).status_code == 201  # same: accepted
        assert client.get(f"{API}/round1-1").json() == body
        assert client.post(f"{API}/nonsense", json=body).status_code == 404


def test_the_openapi_document_is_the_route_table(world: tuple[Lifecycle, Services, str]) -> None:
    _, services, _ = world
    app = create_app(Config(), services=services)
    served = {
        (method, route.path)
        for route in app.routes
        if isinstance(route, Route) and route.path.startswith("/api/roles/")
        for method in (route.methods or set()) - {"HEAD"}
    }
    with TestClient(app) as client:
        document = client.get("/api/openapi.json").json()
    assert document == openapi()
    documented = {
        (method.upper(), path)
        for path, operations in document["paths"].items()
        if path.startswith("/api/roles/")
        for method in operations
    }
    assert served == documented
    assert len(ENDPOINTS) == len(documented) + 1  # and the document itself
    for operations in document["paths"].values():
        for operation in operations.values():
            assert operation["summary"]
            assert operation["responses"]
