"""The booth's JSON API (WEB_CONTRACT.md): the election's Setup, sign-in codes, cast, challenge.

- `GET /api/elections/{id}/booth` -> {"election_id", "setup_event", "credentials_event"}: events
  0 and 1 exactly as the record lines hold them (event 1 null before the credentials are
  published); the booth recomputes the fingerprint itself (spec §10), checks the credential
  list's signature and finds its credential's contests in it (§10.4.1, §11.3).
- `POST .../code` {"email"} -> 202 whoever the address belongs to (no enumeration); the code
  is made and mailed after the answer has gone (`service.elections.sign_in`), so timing says
  nothing.
- `POST .../cast` {"email", "code", "ballot", "member_id"?} -> the receipt, once the ballot is
  durably on the board (`BoothCasting.cast`: the code checked, the request counted against the
  cast limit, the ballot stored and the code used up in one transaction); the receipt is
  mailed too, saying the vote has been cast; `cast_at_text` is `cast_at` in the request's
  language and Europe/London time, for the receipt on the page. The same ballot sent again
  (its first answer was lost) gets the stored ballot's receipt with "resent": true, and
  nothing new is stored.
- `POST .../challenge` {"spoiled"} -> the Benaloh-challenged ballot published (spec §11.5).

Every POST needs the page's CSRF token (`web.security.require_csrf`) and counts against a rate
limit per client address; every refusal is `{"error": <one sentence>, "kind"}` (`web.errors`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from clearcount.bootstrap import Services
from clearcount.core.json_text import load_json
from clearcount.service.authorisation import Principal, Role
from clearcount.service.elections.booth_cast import BoothCast
from clearcount.service.elections.casting import CastReceipt
from clearcount.web.api.roles import ERROR, Endpoint, link
from clearcount.web.errors import ApiError
from clearcount.web.i18n import N_, lang_of, local_time, translations_for
from clearcount.web.ratelimit import client_address, limit
from clearcount.web.security import require_csrf

__all__ = ["ENDPOINTS", "MAX_BODY", "booth_data", "cast", "challenge", "request_code"]

MAX_BODY = 4 * 1024 * 1024
"""The largest request body taken (a 15-candidate ranking ballot is well under 1 MB)."""

_log = logging.getLogger("clearcount.web")
BOOTH = Principal("booth (unauthenticated challenge)", Role.VOTER)
"""Who challenges: anyone holding a published credential may audit a ballot (spec §11.5)."""


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


async def _json(request: Request) -> Mapping[str, Any]:
    """The request's JSON object, or a 4xx naming what is wrong."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise ApiError(413, "too_large", f"the request is larger than {MAX_BODY} bytes")
    raw = await request.body()
    if len(raw) > MAX_BODY:
        raise ApiError(413, "too_large", f"the request is larger than {MAX_BODY} bytes")
    try:
        document = load_json(raw)
    except ValueError:
        raise ApiError(400, "invalid_json", "the request body is not valid JSON") from None
    if not isinstance(document, dict):
        raise ApiError(400, "invalid_json", "the request body must be a JSON object")
    return document


def _text(document: Mapping[str, Any], name: str, *, required: bool = True) -> str:
    value = document.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise ApiError(400, "missing_field", f"the request needs a text field {name!r}")
    if len(value) > 320:
        raise ApiError(400, "invalid_field", f"the field {name!r} is too long")
    return value


def _object(document: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = document.get(name)
    if not isinstance(value, dict):
        raise ApiError(400, "missing_field", f"the request needs a JSON object {name!r}")
    return value


def _logged(function: Callable[..., object], *args: object) -> Callable[[], None]:
    """`function(*args)` whose failure is logged, never shown (a mail, say)."""

    def run() -> None:
        try:
            function(*args)
        except Exception:
            _log.exception("background %s failed", getattr(function, "__name__", function))

    return run


def _later(function: Callable[..., object], *args: object) -> BackgroundTask:
    """Run `function(*args)` after the response has gone; a failure is logged, never shown."""
    return BackgroundTask(_logged(function, *args))


async def _post(request: Request, limiter: str | None) -> tuple[str, Mapping[str, Any], Services]:
    """A booth POST's checks in order: CSRF token, rate limit, JSON body; then its parts.
    The cast counts against its limit in its own transaction instead (`limiter` None)."""
    await require_csrf(request)
    if limiter is not None:
        await limit(request, limiter)
    document = await _json(request)
    return request.path_params["election_id"], document, _services(request)


async def booth_data(request: Request) -> Response:
    election_id = request.path_params["election_id"]
    ballots = _services(request).ballots
    event = await run_in_threadpool(ballots.setup_event, election_id)
    credentials = await run_in_threadpool(ballots.credentials_event, election_id)
    return JSONResponse(
        {
            "election_id": election_id,
            "setup_event": event.document(),
            "credentials_event": None if credentials is None else credentials.document(),
        }
    )


async def request_code(request: Request) -> Response:
    election_id, document, services = await _post(request, "code")
    email = _text(document, "email")
    await run_in_threadpool(services.sign_in.require_election, election_id)  # 404 if none
    task = _later(services.sign_in.request_code, election_id, email)
    message = translations_for(request).gettext(CODE_ACCEPTED)
    return JSONResponse({"status": "accepted", "message": message}, 202, background=task)


CODE_ACCEPTED = N_(
    "If this address belongs to a member who can vote in this election, a 6-digit code is on "
    "its way to it; it works for 10 minutes."
)


def _receipt_lines(receipt: CastReceipt, board_url: str) -> list[str]:
    return [
        f"Your tracking code: {receipt.tracking_code}",
        f"Cast at {receipt.cast_at}"
        + (" (it replaces your earlier online ballot)." if receipt.revote else "."),
        f"Check that your tracking code is on the public ballot board: {board_url}",
        "You may vote again before the close; only your last ballot counts.",
    ]


async def cast(request: Request) -> Response:
    election_id, document, services = await _post(request, None)
    email = _text(document, "email")
    code = _text(document, "code")
    member_id = _text(document, "member_id", required=False).strip() or None
    ballot = _object(document, "ballot")
    address = client_address(request)
    board = f"{str(request.base_url).rstrip('/')}/e/{election_id}/board"
    queued = services.booth_mail_queued

    def cast_and_queue() -> BoothCast:
        """The cast, and its receipt queued in the same thread (no second hand-over)."""
        done = services.booth.cast(election_id, email, code, member_id, ballot, address)
        if queued:  # only put in the mail queue: no need to wait for the answer to go
            lines = _receipt_lines(done.receipt, board)
            _logged(services.sign_in.mail_receipt, email, done.title, lines)()
        return done

    done = await run_in_threadpool(cast_and_queue)
    receipt = done.receipt
    task = None
    if not queued:  # a mailer that sends at once: after the answer has gone
        lines = _receipt_lines(receipt, board)
        task = _later(services.sign_in.mail_receipt, email, done.title, lines)
    body = {
        "tracking_code": receipt.tracking_code,
        "event_hash": receipt.event_hash,
        "seq": receipt.seq,
        "cast_at": receipt.cast_at,
        "cast_at_text": local_time(receipt.cast_at, lang_of(request)),
        "revote": receipt.revote,
        "resent": receipt.resent,
    }
    return JSONResponse(body, background=task)


async def challenge(request: Request) -> Response:
    election_id, document, services = await _post(request, "cast")
    spoiled = _object(document, "spoiled")
    event_hash = await run_in_threadpool(services.casting.challenge, BOOTH, election_id, spoiled)
    return JSONResponse({"event_hash": event_hash, "void": True})


_API = "/api/elections/{election_id}"
_EVENT = {"type": "object", "description": "a record event as its line holds it (spec §10.2)"}
_POSTED = "Needs the page's CSRF token (cookie `csrf`, header `x-csrf-token`) and counts "
_REFUSALS = {
    400: ("not a JSON object, or a field missing or of the wrong type", ERROR),
    403: ("no CSRF token, or the sign-in code is wrong or used", ERROR),
    404: ("no such election", ERROR),
    409: ("not open for this, or the member must be chosen (member_id)", ERROR),
    413: ("the body is larger than 4 MiB", ERROR),
    422: ("the ballot or its proofs do not check", ERROR),
    429: ("too many requests from this address; see retry-after", ERROR),
}


def _text_fields(*names: str, optional: tuple[str, ...] = ()) -> dict[str, Any]:
    return {name: {"type": "string", "maxLength": 320} for name in (*names, *optional)}


ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint(
        "GET", f"{_API}/booth", booth_data,
        "The booth's data: events 0 (Setup) and 1 (Credentials, null before it is published) "
        "exactly as the record holds them; the booth checks them itself (spec §10, §11.3).",
        answers={
            200: ("the election's events 0 and 1", {
                "type": "object", "required": ["election_id", "setup_event", "credentials_event"],
                "properties": {"election_id": {"type": "string"}, "setup_event": _EVENT,
                               "credentials_event": {"oneOf": [_EVENT, {"type": "null"}]}},
            }),
            404: _REFUSALS[404],
        },
        links={200: {name: link(name, election_id="$response.body#/election_id")
                     for name in ("request_code", "cast", "challenge", "election_record")}},
    ),
    Endpoint(
        "POST", f"{_API}/code", request_code,
        "Mail a 6-digit sign-in code to this address if it belongs to a member who can vote "
        "(202 whoever it belongs to). " + _POSTED + "against the code rate limit.",
        request={"type": "object", "required": ["email"], "properties": _text_fields("email")},
        answers={
            202: ("accepted", {"type": "object", "required": ["status", "message"]}),
            **{k: _REFUSALS[k] for k in (400, 403, 404, 413, 429)},
        },
        links={202: {"cast": link("cast", {"email": "$request.body#/email"})}},
    ),
    Endpoint(
        "POST", f"{_API}/cast", cast,
        "Cast an encrypted ballot (spec §11.4) with the mailed code; the receipt once it is "
        "durably on the board. " + _POSTED + "against the cast rate limit.",
        request={
            "type": "object", "required": ["email", "code", "ballot"],
            "properties": {**_text_fields("email", "code", optional=("member_id",)),
                           "ballot": {"type": "object", "description": "record Ballot body"}},
        },
        answers={
            200: ("the receipt", {
                "type": "object",
                "required": ["tracking_code", "event_hash", "seq", "cast_at", "revote"],
                "properties": {"tracking_code": {"type": "string"}, "seq": {"type": "integer"},
                               "event_hash": {"type": "string"}, "cast_at": {"type": "string"},
                               "revote": {"type": "boolean"}},
            }),
            **_REFUSALS,
        },
        links={200: {"record": link("election_record"),  # the receipt's ballot on the board
                     "vote_again": link("request_code", {"email": "$request.body#/email"})}},
    ),
    Endpoint(
        "POST", f"{_API}/challenge", challenge,
        "Publish a Benaloh-challenged ballot with its randomness (spec §11.5); it is void. "
        + _POSTED + "against the cast rate limit.",
        request={
            "type": "object", "required": ["spoiled"],
            "properties": {"spoiled": {"type": "object", "description": "SpoiledBallot body"}},
        },
        answers={
            200: ("published", {"type": "object", "required": ["event_hash", "void"]}),
            **{k: _REFUSALS[k] for k in (400, 403, 404, 409, 413, 422, 429)},
        },
    ),
)  # fmt: skip
"""The booth's endpoints, once: its routes and its part of /api/openapi.json are made from it."""
