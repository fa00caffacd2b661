"""The booth's HTTP API and page (web.voter): what it serves and every refusal it gives."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from starlette.routing import Route
from starlette.testclient import TestClient
from tests.unit.service.election_world import CLOSES, ELECTION, INELIGIBLE
from tests.unit.web.voter_world import ServedElection, serve_election

from clearcount.protocol.casting import make_ballot
from clearcount.protocol.challenge import spoil
from clearcount.record.chain import event_from_document
from clearcount.service.elections.sign_in import MAX_TRIES
from clearcount.service.rate_limits import RateLimits
from clearcount.web.security import CSRF_COOKIE
from clearcount.web.voter.api import ENDPOINTS

API = f"/api/elections/{ELECTION}"
LEE = ("NTW-00001", "lee.lowther@example.org")
MO = ("NTW-00002", "mo.marsden@example.org")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedElection]:
    world = serve_election(tmp_path_factory.mktemp("booth"))
    yield world
    world.services.close()


@pytest.fixture
def client(served: ServedElection) -> Iterator[TestClient]:
    # past the resend gap of the previous test's codes, and into new rate-limit windows (the
    # limits are counted in the module's one database)
    served.clock.advance(minutes=10)
    with served.client() as test_client:
        test_client.get(f"/e/{ELECTION}/vote")
        test_client.headers["X-CSRF-Token"] = test_client.cookies[CSRF_COOKIE]
        yield test_client


def ballot_body(served: ServedElection, member: str, chair: int = 0) -> dict[str, Any]:
    ballot = served.life.ballot(member, {"chair": (chair,), "leader": (2, 0)})
    return dict(ballot.to_body())


def sign_in(client: TestClient, served: ServedElection, email: str) -> str:
    response = client.post(f"{API}/code", json={"email": email})
    assert response.status_code == 202
    return served.mail.code_for(email)


def test_the_page_is_the_contract_form(client: TestClient) -> None:
    page = client.get(f"/e/{ELECTION}/vote")
    assert page.status_code == 200
    html = page.text
    assert f'<form id="ballot" data-election="{ELECTION}" data-api="{API}"' in html
    assert 'data-contest="chair" data-kind="homomorphic" data-min="0" data-max="1"' in html
    assert 'name="contest:chair" value="2"' in html
    assert 'data-contest="leader" data-kind="mixnet"' in html
    assert '<select id="r2-2" name="rank:leader:2">' in html
    for section in ("review", "audit", "signin", "receipt"):
        assert f'<section id="{section}"' in html
    assert "<noscript>" in html
    assert "postal ballot paper" in html  # the <noscript> says how else to vote
    assert page.headers["cache-control"] == "no-store"
    assert '<meta name="csrf-token"' in html


def test_booth_data_is_events_0_and_1_as_recorded(
    client: TestClient, served: ServedElection
) -> None:
    data = client.get(f"{API}/booth").json()
    assert data["election_id"] == ELECTION
    event = event_from_document(data["setup_event"], "setup_event")
    assert event.hash == served.services.ballots.setup_event(ELECTION).hash
    listed = event_from_document(data["credentials_event"], "credentials_event")
    assert listed.kind == "Credentials"
    assert listed == served.services.ballots.credentials_event(ELECTION)


def test_a_voter_signs_in_with_the_mailed_code_and_casts(
    client: TestClient, served: ServedElection
) -> None:
    member, email = LEE
    code = sign_in(client, served, email)
    assert "10 minutes" in served.mail.sent[-1].body
    response = client.post(
        f"{API}/cast", json={"email": email, "code": code, "ballot": ballot_body(served, member)}
    )
    assert response.status_code == 200, response.text
    receipt = response.json()
    assert set(receipt) == {
        "tracking_code", "event_hash", "seq", "cast_at", "cast_at_text", "revote", "resent"
    }  # fmt: skip
    mailed = served.mail.sent[-1]
    assert mailed.to == email
    assert "Your vote has been cast" in mailed.body
    assert receipt["tracking_code"] in mailed.body
    assert served.services.casting.lookup(ELECTION, receipt["tracking_code"]).state == "counted"
    again = client.post(
        f"{API}/cast", json={"email": email, "code": code, "ballot": ballot_body(served, member)}
    )
    assert again.status_code == 403, "a code is used up by the cast it signed in"
    code = sign_in(client, served, email)
    revote = client.post(
        f"{API}/cast", json={"email": email, "code": code, "ballot": ballot_body(served, member, 1)}
    )
    assert revote.json()["revote"] is True


def test_no_enumeration_and_no_mail_for_strangers_or_ineligible_members(
    client: TestClient, served: ServedElection
) -> None:
    before = len(served.mail.sent)
    for email in ("nobody@example.org", "oli.ormerod@example.org"):  # the second: ineligible
        response = client.post(f"{API}/code", json={"email": email})
        assert response.status_code == 202
        assert response.json()["status"] == "accepted"
    assert len(served.mail.sent) == before
    refused = client.post(
        f"{API}/cast",
        json={
            "email": "oli.ormerod@example.org",
            "code": "123456",
            "ballot": ballot_body(served, "NTW-00001"),
        },
    )
    assert refused.status_code == 403
    assert refused.json()["kind"] == "sign_in"
    assert INELIGIBLE not in refused.text


def test_wrong_code_then_too_many_tries(client: TestClient, served: ServedElection) -> None:
    member, email = MO
    code = sign_in(client, served, email)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    body = {"email": email, "ballot": ballot_body(served, member)}
    messages = set()
    for _ in range(MAX_TRIES):
        response = client.post(f"{API}/cast", json={**body, "code": wrong})
        assert response.status_code == 403
        messages.add(response.json()["error"])
    locked = client.post(f"{API}/cast", json={**body, "code": code})
    assert locked.status_code == 403
    messages.add(locked.json()["error"])
    assert len(messages) == 1, "one sentence whatever the cause: no oracle"


def test_an_expired_code_is_refused(client: TestClient, served: ServedElection) -> None:
    member, email = "NTW-00003", "nat.nuttall@example.org"
    code = sign_in(client, served, email)
    served.clock.advance(minutes=10)
    response = client.post(
        f"{API}/cast", json={"email": email, "code": code, "ballot": ballot_body(served, member)}
    )
    assert response.status_code == 403
    assert response.json()["kind"] == "sign_in"


def test_posts_without_the_csrf_token_are_refused(client: TestClient) -> None:
    del client.headers["X-CSRF-Token"]
    for path, body in (("code", {"email": LEE[1]}), ("cast", {}), ("challenge", {})):
        response = client.post(f"{API}/{path}", json=body)
        assert response.status_code == 403
        assert response.json()["kind"] == "csrf"


def test_a_forged_ballot_is_refused(client: TestClient, served: ServedElection) -> None:
    member, email = "NTW-00006", "quin.quarmby@example.org"
    code = sign_in(client, served, email)
    body = ballot_body(served, member)
    other = ballot_body(served, member, 2)
    body["contests"][0] = other["contests"][0]  # a contest from another ballot: signature fails
    response = client.post(f"{API}/cast", json={"email": email, "code": code, "ballot": body})
    assert response.status_code == 422
    assert response.json()["kind"] == "ballot_refused"
    malformed = client.post(f"{API}/cast", json={"email": email, "code": code, "ballot": {}})
    assert malformed.status_code == 422


def test_bad_requests_say_what_is_wrong(client: TestClient) -> None:
    not_json = client.post(
        f"{API}/cast", content=b"{", headers={"content-type": "application/json"}
    )
    assert not_json.status_code == 400
    assert not_json.json()["kind"] == "invalid_json"
    missing = client.post(f"{API}/cast", json={"email": LEE[1]})
    assert missing.status_code == 400
    assert "code" in missing.json()["error"]
    unknown = client.post("/api/elections/no-such/code", json={"email": LEE[1]})
    assert unknown.status_code == 404
    assert client.get("/e/no-such/vote").status_code == 404


def test_a_challenged_ballot_is_published_and_void(
    client: TestClient, served: ServedElection
) -> None:
    election = served.life.election()
    credential = served.life.credential("NTW-00002")
    ballot, openings = make_ballot(election, {"chair": (1,), "leader": (0,)}, credential)
    response = client.post(f"{API}/challenge", json={"spoiled": spoil(ballot, openings).to_body()})
    assert response.status_code == 200, response.text
    assert response.json()["void"] is True
    forged = spoil(ballot, openings).to_body()
    forged["contests"][0]["plaintexts"][0] = 1 - forged["contests"][0]["plaintexts"][0]
    refused = client.post(f"{API}/challenge", json={"spoiled": forged})
    assert refused.status_code == 422


def test_code_requests_are_rate_limited(client: TestClient) -> None:
    statuses = [
        client.post(f"{API}/code", json={"email": "x@example.org"}).status_code
        for _ in range(RateLimits().code.hits + 1)
    ]
    assert statuses[-1] == 429


def test_a_closed_election_takes_no_ballot(tmp_path: Path) -> None:
    world = serve_election(tmp_path)
    try:
        with world.client() as client:
            client.get(f"/e/{ELECTION}/vote")
            client.headers["X-CSRF-Token"] = client.cookies[CSRF_COOKIE]
            member, email = LEE
            world.clock.at = CLOSES - timedelta(minutes=5)
            code = sign_in(client, world, email)
            body = {"email": email, "code": code, "ballot": ballot_body(world, member)}
            world.clock.at = CLOSES
            assert "Voting has closed" in client.get(f"/e/{ELECTION}/vote").text
            response = client.post(f"{API}/cast", json=body)
            assert response.status_code == 409
            assert response.json()["kind"] == "election_state"
    finally:
        world.services.close()


def test_members_sharing_an_address_say_which_of_them_votes(tmp_path: Path) -> None:
    from tests.principals import officer

    world = serve_election(tmp_path)
    try:
        world.life.world.members.update(
            officer(), "northfold-twu", MO[0], "shares a household address", email=LEE[1]
        )
        with world.client() as client:
            client.get(f"/e/{ELECTION}/vote")
            client.headers["X-CSRF-Token"] = client.cookies[CSRF_COOKIE]
            code = sign_in(client, world, LEE[1])
            assert "2 members share this email address" in world.mail.sent[-1].body
            body = {"email": LEE[1], "code": code, "ballot": ballot_body(world, MO[0])}
            unsure = client.post(f"{API}/cast", json=body)
            assert unsure.status_code == 409
            assert unsure.json()["kind"] == "member_id_needed"
            stranger = client.post(f"{API}/cast", json={**body, "member_id": "NTW-00003"})
            assert stranger.status_code == 403
            cast = client.post(f"{API}/cast", json={**body, "member_id": MO[0]})
            assert cast.status_code == 200, cast.text
            marks = world.services.register.member_marks(officer(), ELECTION, MO[0])
            assert [m.channel for m in marks] == ["online"]
    finally:
        world.services.close()


def test_the_booth_data_waits_for_the_key_ceremony(tmp_path: Path) -> None:
    from tests.unit.service.election_world import Lifecycle
    from tests.unit.service.world import CountingSalts, FixedClock, World

    from clearcount.bootstrap import Config, build
    from clearcount.storage.store import SqlStore
    from clearcount.web.app import create_app

    url = f"sqlite:///{tmp_path / 'c.db'}"
    store = SqlStore.open(url)
    Lifecycle(World(store, FixedClock(), CountingSalts()), tmp_path).define()
    store.close()
    services = build(Config(database_url=url, verifier_workers=1))
    try:
        with TestClient(create_app(Config(), services=services)) as client:
            response = client.get(f"{API}/booth")
            assert response.status_code == 409
            assert "key ceremony" in response.json()["error"]
            assert client.get(f"/e/{ELECTION}/vote").status_code == 409
    finally:
        services.close()


def test_the_booth_api_is_in_the_openapi_document(client: TestClient) -> None:
    served = {
        (method, route.path)
        for route in client.app.routes  # type: ignore[attr-defined]
        if isinstance(route, Route) and route.path.startswith("/api/elections/")
        for method in (route.methods or set()) - {"HEAD"}
    }
    document = client.get("/api/openapi.json").json()
    documented = {
        (method.upper(), path)
        for path, operations in document["paths"].items()
        if path.startswith("/api/elections/")
        for method in operations
    }
    assert served == documented
    assert len(documented) == len(ENDPOINTS) == 4
    cast = document["paths"]["/api/elections/{election_id}/cast"]["post"]
    assert cast["requestBody"]["content"]["application/json"]["schema"]["required"] == [
        "email", "code", "ballot"
    ]  # fmt: skip
    assert cast["responses"]["422"]["content"]["application/json"]["schema"]["required"] == [
        "error", "kind"
    ]  # fmt: skip
