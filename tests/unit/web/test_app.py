"""The app's skeleton: security headers, CSRF, error pages, static files, rate limits."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from clearcount.bootstrap import Config
from clearcount.service.rate_limits import Limit, RateLimits
from clearcount.web.app import WebOptions, create_app
from clearcount.web.ratelimit import limit
from clearcount.web.security import CONTENT_SECURITY_POLICY, CSRF_COOKIE, require_csrf


async def _echo(request: Request) -> Response:
    await require_csrf(request)
    await limit(request, "cast")
    return JSONResponse({"ok": True})


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(Config(database_url=f"sqlite:///{tmp_path / 'c.db'}"))
    app.router.routes.append(Route("/api/echo", _echo, methods=["POST"]))
    app.router.routes.append(Route("/form", _echo, methods=["POST"]))
    with TestClient(app) as test_client:
        yield test_client


def test_every_response_has_the_security_headers(client: TestClient) -> None:
    for path in ("/accessibility", "/no-such-page", "/static/site.css"):
        response = client.get(path)
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert "strict-transport-security" not in response.headers
    assert client.get("/accessibility").headers["cache-control"] == "no-store"
    assert "no-store" not in client.get("/static/site.css").headers.get("cache-control", "")


def test_hsts_over_https_and_behind_tls(tmp_path: Path) -> None:
    config = Config(database_url=f"sqlite:///{tmp_path / 'c.db'}")
    with TestClient(create_app(config), base_url="https://vote.example") as secure:
        response = secure.get("/accessibility")
        assert "max-age" in response.headers["strict-transport-security"]
        assert "Secure" in response.headers["set-cookie"]
    app = create_app(config, options=WebOptions(behind_tls=True))
    with TestClient(app) as proxied:
        assert "strict-transport-security" in proxied.get("/accessibility").headers


def test_pages_have_skip_link_language_switch_and_csrf_meta(client: TestClient) -> None:
    response = client.get("/accessibility")
    assert response.status_code == 200
    html = response.text
    assert 'href="#main"' in html
    assert 'id="main"' in html
    assert "Cymraeg" in html
    assert 'href="/accessibility"' in html
    token = client.cookies[CSRF_COOKIE]
    assert f'<meta name="csrf-token" content="{token}">' in html
    assert "HttpOnly" in response.headers["set-cookie"]
    assert "SameSite=Strict" in response.headers["set-cookie"]
    assert "<script>" not in html
    assert "style=" not in html


def test_csrf_header_or_form_field_must_match_the_cookie(client: TestClient) -> None:
    token = client.get("/accessibility").cookies.get(CSRF_COOKIE) or client.cookies[CSRF_COOKIE]
    refused = client.post("/api/echo", json={})
    assert refused.status_code == 403
    assert refused.json()["kind"] == "csrf"
    wrong = client.post("/api/echo", json={}, headers={"X-CSRF-Token": "x" * 43})
    assert wrong.status_code == 403
    assert client.post("/api/echo", json={}, headers={"X-CSRF-Token": token}).status_code == 200
    assert client.post("/form", data={"csrf": token}).status_code == 200
    page = client.post("/form", data={"csrf": "forged"})
    assert page.status_code == 403
    assert "text/html" in page.headers["content-type"]


def test_a_token_without_the_cookie_is_refused(client: TestClient) -> None:
    token = "a" * 43
    client.cookies.clear()
    response = client.post("/api/echo", json={}, headers={"X-CSRF-Token": token})
    assert response.status_code == 403


def test_errors_are_json_under_api_and_pages_elsewhere(client: TestClient) -> None:
    api = client.get("/api/nothing")
    assert api.status_code == 404
    assert set(api.json()) == {"error", "kind"}
    page = client.get("/nothing")
    assert page.status_code == 404
    assert "Page not found" in page.text


def test_rate_limit_answers_429_with_retry_after(client: TestClient) -> None:
    token = client.get("/accessibility").cookies.get(CSRF_COOKIE) or client.cookies[CSRF_COOKIE]
    for _ in range(RateLimits().cast.hits):
        assert client.post("/api/echo", json={}, headers={"X-CSRF-Token": token}).status_code == 200
    response = client.post("/api/echo", json={}, headers={"X-CSRF-Token": token})
    assert response.status_code == 429
    assert response.json()["kind"] == "rate_limited"
    assert int(response.headers["retry-after"]) >= 1


def test_server_processes_on_one_database_share_the_limit(tmp_path: Path) -> None:
    """Two apps over one database (two `--workers`): the count is the database's."""
    config = Config(
        database_url=f"sqlite:///{tmp_path / 'c.db'}", rate_limits=RateLimits(cast=Limit(3, 600))
    )
    statuses = []
    for _ in range(2):
        app = create_app(config)
        app.router.routes.append(Route("/api/echo", _echo, methods=["POST"]))
        with TestClient(app) as worker:
            token = (
                worker.get("/accessibility").cookies.get(CSRF_COOKIE) or worker.cookies[CSRF_COOKIE]
            )
            for _ in range(2):
                response = worker.post("/api/echo", json={}, headers={"X-CSRF-Token": token})
                statuses.append(response.status_code)
    assert statuses == [200, 200, 200, 429]
