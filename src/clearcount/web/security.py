"""Security headers on every response and the CSRF double-submit check (issue 9, WEB_CONTRACT).

Headers (an ASGI middleware, so they are on error pages and static files too):
Content-Security-Policy without inline script or style and without third-party origins,
`frame-ancestors 'none'`; nosniff; no referrer; `Cache-Control: no-store` on every page that is
not a static asset (booth and console pages must never be cached, and the rest loses little);
HSTS when the request came over https or the server is told it is behind TLS.

CSRF: the double-submit cookie. The first response to a browser sets a random `csrf` cookie
(SameSite=Strict, HttpOnly); pages put the same value in `<meta name="csrf-token">` and in
forms' hidden `csrf` field; a POST must carry it back in the `X-CSRF-Token` header (JSON) or the
`csrf` field (forms), compared in constant time (`require_csrf`). A cross-site page can neither
read the cookie nor set the header, so it cannot forge the pair.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterable

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "CSRF_COOKIE",
    "CSRF_FIELD",
    "CSRF_HEADER",
    "CsrfError",
    "SecurityHeaders",
    "csrf_token",
    "require_csrf",
]

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
CSRF_COOKIE = "csrf"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf"
_HSTS = "max-age=31536000; includeSubDomains"


class CsrfError(Exception):
    """A state-changing request without the page's CSRF token."""


def csrf_token(request: Request) -> str:
    """The token for this browser: its `csrf` cookie, or the new one this response will set."""
    token: str = request.scope.setdefault("state", {}).get("csrf_token", "")
    return token


async def require_csrf(request: Request) -> None:
    """Raise CsrfError unless the header (or a form's `csrf` field) equals the cookie."""
    cookie = request.cookies.get(CSRF_COOKIE, "")
    sent = request.headers.get(CSRF_HEADER, "")
    if not sent and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        field = (await request.form()).get(CSRF_FIELD, "")
        sent = field if isinstance(field, str) else ""
    if not cookie or not sent or not hmac.compare_digest(cookie.encode(), sent.encode()):
        raise CsrfError(
            "this request did not carry the page's security token; reload the page and try again"
        )


class SecurityHeaders:
    """The ASGI middleware: headers on every HTTP response, and the CSRF cookie when missing."""

    def __init__(self, app: ASGIApp, *, behind_tls: bool = False) -> None:
        self.app = app
        self.behind_tls = behind_tls

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        secure = self.behind_tls or scope.get("scheme") == "https"
        existing = request.cookies.get(CSRF_COOKIE, "")
        fresh = "" if _well_formed(existing) else secrets.token_urlsafe(32)
        scope.setdefault("state", {})["csrf_token"] = fresh or existing
        static = scope["path"].startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in _headers(secure, static):
                    headers.setdefault(name, value)
                if fresh and not static:
                    headers.append("set-cookie", _cookie(fresh, secure))
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _well_formed(token: str) -> bool:
    return 32 <= len(token) <= 64 and all(c.isalnum() or c in "-_" for c in token)


def _cookie(token: str, secure: bool) -> str:
    flags = "; Secure" if secure else ""
    return f"{CSRF_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict{flags}"


def _headers(secure: bool, static: bool) -> Iterable[tuple[str, str]]:
    yield "content-security-policy", CONTENT_SECURITY_POLICY
    yield "x-content-type-options", "nosniff"
    yield "referrer-policy", "no-referrer"
    if not static:
        yield "cache-control", "no-store"
    if secure:
        yield "strict-transport-security", _HSTS
