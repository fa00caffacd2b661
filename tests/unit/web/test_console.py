"""The officials' console over HTTP (web.console): two-factor sign-in, sessions and CSRF, the
role table enforced through the service, and each action a ballot officer takes."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pyotp
import pytest
from starlette.testclient import TestClient
from tests.principals import officer, voter
from tests.unit.service.election_world import ELECTION
from tests.unit.service.world import OFFICER
from tests.unit.web.voter_world import ServedElection, serve_election

from clearcount.service.authorisation import Role
from clearcount.service.officials.accounts import MAX_FAILURES
from clearcount.web.console.auth import PENDING_COOKIE, SESSION_COOKIE
from clearcount.web.security import CSRF_COOKIE

PASSWORD = "a long enough password"
FUTURE = "ntwu-ballot-2023"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[ServedElection]:
    world = serve_election(tmp_path)
    yield world
    world.services.close()


def account(served: ServedElection, username: str, role: Role = Role.OFFICER) -> pyotp.TOTP:
    new = served.services.officials.add(
        officer(OFFICER), "northfold-twu", username, username.title(), role, PASSWORD
    )
    return pyotp.parse_uri(new.provisioning_uri)  # type: ignore[no-any-return]


@pytest.fixture
def client(served: ServedElection, tmp_path: Path) -> Iterator[TestClient]:
    with served.client() as c:
        c.app.state.publish_dir = tmp_path / "published"  # type: ignore[attr-defined]
        c.get("/console/sign-in")
        yield c


def csrf(c: TestClient) -> str:
    return c.cookies[CSRF_COOKIE]


def sign_in(c: TestClient, served: ServedElection, username: str, totp: pyotp.TOTP) -> str:
    """Sign in; returns the session's CSRF token (from the page's forms)."""
    step1 = c.post(
        "/console/sign-in",
        data={"csrf": csrf(c), "username": username, "password": PASSWORD},
        follow_redirects=False,
    )
    assert step1.status_code == 303, step1.text
    code = totp.at(served.clock.now())
    step2 = c.post(
        "/console/sign-in/code", data={"csrf": csrf(c), "code": code}, follow_redirects=False
    )
    assert step2.status_code == 303, step2.text
    assert step2.headers["location"] == "/console"
    return session_csrf(c.get("/console").text)


def session_csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found
    return found.group(1)


def test_sign_in_sets_a_strict_httponly_session_with_a_new_id(
    client: TestClient, served: ServedElection
) -> None:
    totp = account(served, "rquayle")
    assert client.get("/console", follow_redirects=False).headers["location"] == (
        "/console/sign-in"
    )
    client.cookies.set(SESSION_COOKIE, "planted-by-an-attacker", domain="testserver.local")
    step1 = client.post(
        "/console/sign-in",
        data={"csrf": csrf(client), "username": "rquayle", "password": PASSWORD},
        follow_redirects=False,
    )
    pending = client.cookies[PENDING_COOKIE]
    assert "httponly" in step1.headers["set-cookie"].lower()
    assert "samesite=strict" in step1.headers["set-cookie"].lower()
    step2 = client.post(
        "/console/sign-in/code",
        data={"csrf": csrf(client), "code": totp.at(served.clock.now())},
        follow_redirects=False,
    )
    cookie = next(v for v in step2.headers.get_list("set-cookie") if v.startswith(SESSION_COOKIE))
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie or "samesite=strict" in cookie.lower()
    token = client.cookies[SESSION_COOKIE]
    assert token not in (pending, "planted-by-an-attacker")
    page = client.get("/console")
    assert "Executive election 2022" in page.text
    assert page.headers["cache-control"] == "no-store"


def test_a_wrong_password_or_code_and_a_replayed_code_are_refused(
    client: TestClient, served: ServedElection
) -> None:
    totp = account(served, "rquayle")
    wrong = client.post(
        "/console/sign-in",
        data={"csrf": csrf(client), "username": "rquayle", "password": "not the password"},
    )
    assert wrong.status_code == 403
    assert "wrong username, password or code" in wrong.text
    client.post(
        "/console/sign-in", data={"csrf": csrf(client), "username": "rquayle", "password": PASSWORD}
    )
    bad = client.post("/console/sign-in/code", data={"csrf": csrf(client), "code": "12345x"})
    assert bad.status_code == 403
    sign_in(client, served, "rquayle", totp)
    client.cookies.delete(SESSION_COOKIE)
    client.post(
        "/console/sign-in", data={"csrf": csrf(client), "username": "rquayle", "password": PASSWORD}
    )
    replay = client.post(
        "/console/sign-in/code", data={"csrf": csrf(client), "code": totp.at(served.clock.now())}
    )
    assert replay.status_code == 403
    assert SESSION_COOKIE not in client.cookies


def test_locked_after_too_many_tries(client: TestClient, served: ServedElection) -> None:
    account(served, "rquayle")
    for _ in range(MAX_FAILURES):
        client.post(
            "/console/sign-in",
            data={"csrf": csrf(client), "username": "rquayle", "password": "not the password"},
        )
    right = client.post(
        "/console/sign-in", data={"csrf": csrf(client), "username": "rquayle", "password": PASSWORD}
    )
    assert right.status_code == 403


def test_a_form_without_its_csrf_token_is_refused(
    client: TestClient, served: ServedElection
) -> None:
    totp = account(served, "rquayle")
    assert client.post("/console/sign-in", data={"username": "rquayle"}).status_code == 403
    sign_in(client, served, "rquayle", totp)
    refused = client.post(f"/console/e/{ELECTION}/close", data={"reason": "x"})
    assert refused.status_code == 403
    assert "security token" in refused.text
    forged = client.post(f"/console/e/{ELECTION}/close", data={"csrf": csrf(client)})
    assert forged.status_code == 403  # the double-submit cookie is not the session's token
    assert served.services.ballots.status(ELECTION).phase == "open"


def test_a_teller_cannot_close_or_see_turnout(client: TestClient, served: ServedElection) -> None:
    totp = account(served, "pquinn", Role.TELLER)
    token = sign_in(client, served, "pquinn", totp)
    refused = client.post(f"/console/e/{ELECTION}/close", data={"csrf": token, "reason": "x"})
    assert refused.status_code == 403
    assert "expected a caller with the role officer" in refused.text
    assert client.get(f"/console/e/{ELECTION}").status_code == 403


def test_an_officer_runs_the_open_ballot_from_the_console(
    client: TestClient, served: ServedElection, tmp_path: Path
) -> None:
    served.life.casting.cast(
        voter("NTW-00002"), ELECTION, served.life.ballot("NTW-00002", {"chair": [1], "leader": [0]})
    )
    token = sign_in(client, served, "rquayle", account(served, "rquayle"))
    page = client.get(f"/console/e/{ELECTION}").text
    assert "1 of 5 eligible members have voted." in page
    assert "hidden, so that no one can be identified" in page
    assert "BST" in page
    done = client.post(f"/console/e/{ELECTION}/remind", data={"csrf": token})
    assert "Reminders were sent" in done.text
    assert {m.to for m in served.mail.sent} >= {"lee.lowther@example.org"}
    early = client.post(f"/console/e/{ELECTION}/close", data={"csrf": token, "reason": ""})
    assert early.status_code == 422  # before the closing time a reason is needed
    closed = client.post(
        f"/console/e/{ELECTION}/close",
        data={"csrf": token, "reason": "the meeting voted to end early"},
    )
    assert "The ballot is closed" in closed.text
    assert served.services.ballots.status(ELECTION).phase == "closed"
    tallied = client.post(f"/console/e/{ELECTION}/tally", data={"csrf": token})
    assert "encrypted tally is on the record" in tallied.text
    published = client.post(f"/console/e/{ELECTION}/publish", data={"csrf": token})
    assert "published and verified" in published.text
    assert (tmp_path / "published" / f"{ELECTION}.zip").exists()
    audit = client.get(f"/console/e/{ELECTION}/audit").text
    for action in ("election.closed", "election.tallied", "election.published"):
        assert action in audit
    assert client.get(f"/console/e/{ELECTION}/eligibility").status_code == 200
    assert "No appeal has been lodged." in client.get(f"/console/e/{ELECTION}/appeals").text


def test_editing_a_ballot_until_it_opens(client: TestClient, served: ServedElection) -> None:
    ballots = served.services.ballots
    old = ballots.definition(officer(), ELECTION)
    future = dataclasses.replace(
        old,
        election_id=FUTURE,
        opens=old.opens + timedelta(days=300),
        closes=old.closes + timedelta(days=300),
    )
    ballots.define(officer(OFFICER), future)
    token = sign_in(client, served, "rquayle", account(served, "rquayle"))
    form = client.get(f"/console/e/{FUTURE}").text
    assert 'name="opens" value="2023-07-07T10:00"' in form  # London time (BST) in the form
    edited = client.post(
        f"/console/e/{FUTURE}/edit",
        data={
            "csrf": token,
            "title": "Executive ballot 2023",
            "opens": "2023-07-07T09:00",
            "closes": "2023-07-17T18:00",
        },
    )
    assert "definition was changed" in edited.text
    new = ballots.definition(officer(), FUTURE)
    assert new.title == "Executive ballot 2023"
    assert new.opens.isoformat() == "2023-07-07T08:00:00+00:00"
    refused = client.post(f"/console/e/{ELECTION}/edit", data={"csrf": token, "title": "X"})
    assert refused.status_code == 409


def test_another_organisations_official_sees_nothing(
    client: TestClient, served: ServedElection
) -> None:
    from clearcount.service.membership.organisations import Organisation, OrganisationKind

    served.services.organisations.create(
        officer(OFFICER), Organisation("ashby-labour", "Ashby Labour", OrganisationKind.PARTY)
    )
    new = served.services.officials.add(
        officer(OFFICER), "ashby-labour", "other", "Other", Role.OFFICER, PASSWORD
    )
    token = sign_in(client, served, "other", pyotp.parse_uri(new.provisioning_uri))
    assert "No election is defined yet." in client.get("/console").text
    assert client.get(f"/console/e/{ELECTION}").status_code == 403
    refused = client.post(f"/console/e/{ELECTION}/close", data={"csrf": token, "reason": "x"})
    assert refused.status_code == 403


def test_roll_import_shows_the_changes_before_applying(
    client: TestClient, served: ServedElection
) -> None:
    token = sign_in(client, served, "rquayle", account(served, "rquayle"))
    path = Path(__file__).parents[2] / "fixtures" / "members" / "northfold_twu.csv"
    data = path.read_bytes().replace(b"lee.lowther@example.org", b"lee.l@example.net")
    preview = client.post(
        "/console/roll/preview",
        data={"csrf": token},
        files={"roll": ("members.csv", data, "text/csv")},
    )
    assert preview.status_code == 200, preview.text
    assert "lee.l@example.net" in preview.text
    assert served.services.members.get(officer(), "northfold-twu", "NTW-00001").email == (
        "lee.lowther@example.org"
    )  # nothing applied by the preview
    digest = re.search(r'name="digest" value="([0-9a-f]+)"', preview.text)
    assert digest
    applied = client.post("/console/roll/apply", data={"csrf": token, "digest": digest.group(1)})
    assert "roll import was applied" in applied.text
    member = served.services.members.get(officer(), "northfold-twu", "NTW-00001")
    assert member.email == "lee.l@example.net"


def test_signing_out_ends_the_session(client: TestClient, served: ServedElection) -> None:
    token = sign_in(client, served, "rquayle", account(served, "rquayle"))
    session = client.cookies[SESSION_COOKIE]
    client.post("/console/sign-out", data={"csrf": token})
    assert served.services.officials.session(session) is None
    assert client.get("/console", follow_redirects=False).status_code == 303


def test_defining_a_ballot_from_the_console(client: TestClient, served: ServedElection) -> None:
    token = sign_in(client, served, "rquayle", account(served, "rquayle"))
    contests = {
        "format": "clearcount-contests/1",
        "contests": [
            {"id": "chair", "title": "Chair", "method": "fptp", "candidates": ["Ann", "Bob"]}
        ],
    }
    form = {
        "csrf": token, "election_id": FUTURE, "title": "Branch chair 2023",
        "opens": "2023-03-01T09:00", "closes": "2023-03-10T17:00",
        "authority": "Harrow & Pell Scrutineers", "trustees": "Tess Alder\nOmar Birch",
        "threshold": "2", "teller1": "Pat Quinn", "teller2": "Sam Ortiz",
        "channels": "postal, online",
    }  # fmt: skip
    files = {"contests": ("contests.json", json.dumps(contests).encode(), "application/json")}
    defined = client.post("/console/define", data=form, files=files)
    assert "The ballot is defined." in defined.text
    assert "2023-03-01 09:00 GMT" in defined.text
    stored = served.services.ballots.definition(officer(), FUTURE)
    assert stored.trustees == ("Tess Alder", "Omar Birch")
    assert stored.channels == ("postal", "online")
    bad = {"contests": ("contests.json", b'{"format": "other"}', "application/json")}
    refused = client.post("/console/define", data={**form, "election_id": "x2"}, files=bad)
    assert refused.status_code == 422
    assert "clearcount-contests/1" in refused.text


def test_behind_tls_the_session_cookie_is_secure(served: ServedElection) -> None:
    from clearcount.bootstrap import Config
    from clearcount.web.app import WebOptions, create_app

    totp = account(served, "rquayle")
    app = create_app(Config(), services=served.services, options=WebOptions(behind_tls=True))
    with TestClient(app, base_url="https://vote.example") as c:
        c.get("/console/sign-in")
        c.post("/console/sign-in", data={"csrf": csrf(c), "username": "rquayle",
                                         "password": PASSWORD})  # fmt: skip
        done = c.post("/console/sign-in/code",
                      data={"csrf": csrf(c), "code": totp.at(served.clock.now())},
                      follow_redirects=False)  # fmt: skip
    cookie = next(v for v in done.headers.get_list("set-cookie") if v.startswith(SESSION_COOKIE))
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
