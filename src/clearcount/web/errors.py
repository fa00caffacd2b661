"""Error pages and API error bodies: one plain sentence and a machine `kind` (WEB_CONTRACT).

A path under /api/ gets JSON `{"error": "<one plain sentence>", "kind": "<kind>"}`; any other
gets the error page. Service errors map to status codes in one table (`STATUS`), so every route
answers the same refusal the same way; an unexpected exception is a 500 that says nothing of
its cause (the log has it).
"""

from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from clearcount.core.errors import ClearcountError
from clearcount.service import errors as se
from clearcount.service.elections.sign_in import MemberChoiceNeededError, SignInRefusedError
from clearcount.web.i18n import N_, lang_of, translations_for
from clearcount.web.ratelimit import RateLimitedError
from clearcount.web.security import CsrfError
from clearcount.web.templating import render

__all__ = [
    "SENTENCES",
    "STATUS",
    "ApiError",
    "error_response",
    "exception_handlers",
    "sentence",
]

_log = logging.getLogger("clearcount.web")

STATUS: tuple[tuple[type[Exception], int, str], ...] = (
    (CsrfError, 403, "csrf"),
    (RateLimitedError, 429, "rate_limited"),
    (SignInRefusedError, 403, "sign_in"),
    (MemberChoiceNeededError, 409, "member_id_needed"),
    (se.NotFoundError, 404, "not_found"),
    (se.NotAuthorisedError, 403, "not_authorised"),
    (se.IneligibleVoterError, 403, "ineligible"),
    (se.ElectionStateError, 409, "election_state"),
    (se.ChannelConflictError, 409, "channel_conflict"),
    (se.CredentialBoundError, 409, "credential_bound"),
    (se.BallotRefusedError, 422, "ballot_refused"),
    (se.StaleInputError, 409, "stale_input"),
    (se.ConflictError, 409, "conflict"),
    (se.StorageUnavailableError, 503, "unavailable"),
    (se.ValidationError, 422, "invalid"),
    (ClearcountError, 422, "invalid"),
)
"""Exception type -> (HTTP status, kind); the first match wins, so subclasses come first."""

SENTENCES = {
    "csrf": N_("This page has expired. Reload it and try again."),
    "rate_limited": N_("Too many tries from this address. Wait a few minutes and try again."),
    "sign_in": N_(
        "That code does not sign you in: it may be mistyped, used up or more than 10 minutes "
        "old. Ask for a new code."
    ),
    "official_sign_in": N_(
        "Wrong username, password or code, or too many tries; wait and try again."
    ),
    "member_id_needed": N_(
        "Several members share this email address: enter your membership number too."
    ),
    "not_found": N_("There is nothing here by that name; check the link you followed."),
    "not_authorised": N_("You are not allowed to do this."),
    "ineligible": N_("You are not on the list of voters for this ballot."),
    "election_state": N_("This cannot be done at this stage of the election."),
    "channel_conflict": N_(
        "You have already voted another way (by post or at the meeting), so you cannot vote online."
    ),
    "credential_bound": N_(
        "This credential is already used by another member. Tell the returning officer."
    ),
    "ballot_refused": N_(
        "The server refused this ballot because it does not check out. Reload the page and "
        "vote again, or vote another way."
    ),
    "unavailable": N_("The service is unavailable for a moment. Please try again later."),
}
"""A translated fixed sentence per kind: what a page or the booth shows in a language other
than English when the refusal's own sentence (a service's, with its details) is not in the
catalogue."""
_GENERIC = N_("The server could not do this. Check what you entered and try again.")

_TITLES = {
    400: N_("Bad request"),
    401: N_("Sign-in needed"),
    403: N_("Not allowed"),
    404: N_("Page not found"),
    405: N_("Not allowed"),
    409: N_("Not possible now"),
    422: N_("Not accepted"),
    429: N_("Too many requests"),
    500: N_("Something went wrong"),
    503: N_("Service unavailable"),
}


class ApiError(Exception):
    """A refusal a route raises with its own status, kind and sentence."""

    def __init__(self, status: int, kind: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.kind = kind


def error_response(
    request: Request, status: int, kind: str, message: str, *, retry_after: int | None = None
) -> Response:
    """JSON under /api/, the error page elsewhere; the sentence in the request's language."""
    headers = None if retry_after is None else {"retry-after": str(retry_after)}
    message = sentence(request, kind, message)
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": message, "kind": kind}, status, headers=headers)
    translations = translations_for(request)
    title = translations.gettext(_TITLES.get(status, N_("Error")))
    context = {"title": title, "message": message, "status": status}
    response = render(request, "error.html", context, status_code=status)
    if headers:
        response.headers.update(headers)
    return response


def sentence(request: Request, kind: str, message: str) -> str:
    """`message` in the request's language: its translation when the catalogue has it (the
    fixed sentences routes raise are marked N_); in English, the message itself (a service's
    sentence with its details); else the kind's translated fixed sentence (`SENTENCES`)."""
    translations = translations_for(request)
    found = translations.gettext(message)
    if found != message or lang_of(request) == "en":
        return found
    return translations.gettext(SENTENCES.get(kind, _GENERIC))


async def _clearcount(request: Request, exc: Exception) -> Response:
    if isinstance(exc, ApiError):
        return error_response(request, exc.status, exc.kind, str(exc))
    retry_after = exc.retry_after if isinstance(exc, RateLimitedError) else None
    for kind_of, status, kind in STATUS:
        if isinstance(exc, kind_of):
            return error_response(request, status, kind, str(exc), retry_after=retry_after)
    raise exc  # pragma: no cover - every registered type is in STATUS


async def _http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = {
        404: N_("There is no page at this address; check the link you followed."),
        405: N_("This address does not take that kind of request."),
    }.get(exc.status_code, str(exc.detail))
    return error_response(request, exc.status_code, "http", message)


async def _unexpected(request: Request, exc: Exception) -> Response:
    _log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    message = N_("Something went wrong on the server; nothing was changed. Please try again later.")
    return error_response(request, 500, "server_error", message)


def exception_handlers() -> dict[type[Exception] | int, object]:
    """The handlers `create_app` installs."""
    return {
        ApiError: _clearcount,
        CsrfError: _clearcount,
        RateLimitedError: _clearcount,
        ClearcountError: _clearcount,
        HTTPException: _http,
        Exception: _unexpected,
    }
