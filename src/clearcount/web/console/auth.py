"""Signing officials in and out, and finding who is signed in (service.officials.accounts).

Cookies: `console_pending` (the password was right; waits for the code) and `console_session`
(signed in), both HttpOnly, SameSite=Strict, Secure behind TLS, holding only a random token
whose SHA-256 the database keeps. Sign-in forms carry the double-submit CSRF token
(web.security); a signed-in official's forms carry the session's own CSRF token
(`require_session_csrf`), compared in constant time.
"""

from __future__ import annotations

import hmac
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from clearcount.bootstrap import Services
from clearcount.service.officials.accounts import OfficialSession, OfficialSignInError
from clearcount.web.errors import sentence
from clearcount.web.ratelimit import client_address
from clearcount.web.security import CSRF_FIELD, CsrfError, require_csrf
from clearcount.web.templating import render

__all__ = [
    "PENDING_COOKIE",
    "SESSION_COOKIE",
    "SignInNeededError",
    "code_form",
    "code_submit",
    "form_text",
    "require_session_csrf",
    "sign_in_form",
    "sign_in_submit",
    "sign_out",
    "signed_in",
]

SESSION_COOKIE = "console_session"
PENDING_COOKIE = "console_pending"
_SIGN_IN = "/console/sign-in"


class SignInNeededError(Exception):
    """No signed-in official: the page redirects to the sign-in form."""


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def _secure(request: Request) -> bool:
    return bool(request.app.state.options.behind_tls) or request.url.scheme == "https"


def _set_cookie(request: Request, response: Response, name: str, value: str, age: int) -> None:
    response.set_cookie(
        name, value, max_age=age, path="/", httponly=True, samesite="strict",
        secure=_secure(request),
    )  # fmt: skip


async def signed_in(request: Request) -> OfficialSession:
    """The signed-in official of this request, or SignInNeededError."""
    token = request.cookies.get(SESSION_COOKIE, "")
    session = await run_in_threadpool(_services(request).officials.session, token)
    if session is None:
        raise SignInNeededError
    return session


async def form_text(request: Request, name: str) -> str:
    value = (await request.form()).get(name, "")
    return value if isinstance(value, str) else ""


async def require_session_csrf(request: Request, session: OfficialSession) -> None:
    """CsrfError unless the form's `csrf` field is the session's token."""
    sent = await form_text(request, CSRF_FIELD)
    if not sent or not hmac.compare_digest(sent.encode(), session.csrf_token.encode()):
        raise CsrfError(
            "this form did not carry your session's security token; reload the page and try again"
        )


async def sign_in_form(request: Request) -> Response:
    return render(request, "console/sign_in.html", {"title": "Sign in", "problem": ""})


async def sign_in_submit(request: Request) -> Response:
    await require_csrf(request)
    username = (await form_text(request, "username")).strip().lower()
    password = await form_text(request, "password")
    try:
        pending = await run_in_threadpool(
            _services(request).officials.sign_in, username, password, client_address(request)
        )
    except OfficialSignInError as error:
        context = {"title": "Sign in", "problem": sentence(request, "official_sign_in", str(error))}
        return render(request, "console/sign_in.html", context, status_code=403)
    response = RedirectResponse(f"{_SIGN_IN}/code", status_code=303)
    _set_cookie(request, response, PENDING_COOKIE, pending, 300)
    return response


async def code_form(request: Request) -> Response:
    if not request.cookies.get(PENDING_COOKIE):
        return RedirectResponse(_SIGN_IN, status_code=303)
    return render(request, "console/code.html", {"title": "Enter your code", "problem": ""})


async def code_submit(request: Request) -> Response:
    await require_csrf(request)
    pending = request.cookies.get(PENDING_COOKIE, "")
    code = await form_text(request, "code")
    try:
        session = await run_in_threadpool(
            _services(request).officials.confirm_code, pending, code, client_address(request)
        )
    except OfficialSignInError as error:
        context = {
            "title": "Enter your code",
            "problem": sentence(request, "official_sign_in", str(error)),
        }
        return render(request, "console/code.html", context, status_code=403)
    response = RedirectResponse("/console", status_code=303)
    response.delete_cookie(PENDING_COOKIE, path="/")
    _set_cookie(request, response, SESSION_COOKIE, session.token, 12 * 3600)
    return response


async def sign_out(request: Request) -> Response:
    session = await signed_in(request)
    await require_session_csrf(request, session)
    await run_in_threadpool(_services(request).officials.sign_out, session.token)
    response = RedirectResponse(f"{_SIGN_IN}?done={quote('signed-out')}", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
