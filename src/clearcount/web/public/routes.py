"""The public pages' routes: read-only, no sign-in, every one a GET (issue 9).

    /                                  the elections (open, closed, published)
    /e/{id}                            one election: its state and links
    /e/{id}/board?q=&page=             the board's tracking codes, searchable, 100 a page
    /e/{id}/board/check?code=          "check your tracking code": counted, replaced, cancelled
    /e/{id}/results                    the declared result: stage tables, transfers, thresholds
    /e/{id}/record                     the published record's hashes and download link
    /e/{id}/record/download            the exact published bytes
    /e/{id}/verification               the independent verifier's report on that file
    /t/{trigger}                       a trigger ballot's declaration, read and verified
    /t/{trigger}/declaration.json      the declaration's exact bytes

An unknown election, and one whose record has not begun, is a 404 page saying there is no such
election; an unpublished record is a 404 saying it is not published yet.
"""

from __future__ import annotations

import math
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from clearcount.bootstrap import Services
from clearcount.service.elections.public_board import PublicElection, Verification
from clearcount.service.errors import ElectionStateError, NotFoundError, ValidationError
from clearcount.service.trigger.ballots import TriggerStatus
from clearcount.web.errors import ApiError
from clearcount.web.i18n import N_
from clearcount.web.public.views import contest_view, local_time, trigger_view
from clearcount.web.templating import render

__all__ = ["PAGE_SIZE", "routes"]

PAGE_SIZE = 100
"""Tracking codes on one page of the board."""

NO_SUCH_ELECTION = N_(
    "There is no such election here: check the address, or find it on the list of elections."
)
NOT_PUBLISHED = N_(
    "The election record is not published yet; it can be downloaded once the returning "
    "officer publishes it."
)
NO_SUCH_TRIGGER = N_("There is no such trigger ballot here: check the address.")
NOT_DECLARED = N_("This trigger ballot has not been declared yet.")


def _election(request: Request) -> PublicElection:
    """The public election the path names, or the 404 page saying there is no such election."""
    try:
        return _services(request).public.election(request.path_params["election_id"])
    except NotFoundError:
        raise ApiError(404, "not_found", NO_SUCH_ELECTION) from None


def _verified(request: Request) -> Verification:
    """The published record and the verifier's report on it, or the 404 "not published yet"."""
    try:
        return _services(request).public.verification(request.path_params["election_id"])
    except NotFoundError:
        raise ApiError(404, "not_found", NOT_PUBLISHED) from None


def _trigger(request: Request) -> TriggerStatus:
    try:
        return _services(request).trigger.status(request.path_params["trigger_id"])
    except NotFoundError:
        raise ApiError(404, "not_found", NO_SUCH_TRIGGER) from None


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def _lang(request: Request) -> str:
    return str(getattr(request.state, "lang", "en"))


def _page_number(request: Request) -> int:
    text = request.query_params.get("page", "1")
    return int(text) if text.isdigit() and 0 < int(text) < 10**9 else 1


async def index(request: Request) -> Response:
    elections = _services(request).public.elections()
    lang = _lang(request)
    times = {
        e.election_id: (local_time(e.opens, lang), local_time(e.closes, lang)) for e in elections
    }
    return render(
        request, "public/index.html", {"title": "Elections", "elections": elections, "times": times}
    )


def _election_page(
    request: Request, template: str, public: PublicElection, status: int = 200, **values: Any
) -> Response:
    """One election's page: its title, the election for the sub-navigation, and `values`."""
    context = {"title": public.title, "election": public, **values}
    return render(request, f"public/{template}", context, status_code=status)


async def election(request: Request) -> Response:
    public = _election(request)
    lang = _lang(request)
    opens, closes = local_time(public.opens, lang), local_time(public.closes, lang)
    return _election_page(request, "election.html", public, opens=opens, closes=closes)


async def board(request: Request) -> Response:
    eid = request.path_params["election_id"]
    search = request.query_params.get("q", "")
    _election(request)
    status = 200
    problem = ""
    try:
        page = _services(request).public.board(eid, search, _page_number(request), PAGE_SIZE)
    except ValidationError:
        page = _services(request).public.board(eid, "", 1, PAGE_SIZE)
        problem, status = "search", 422
    pages = max(1, math.ceil(page.total / page.size))
    number = page.offset // page.size + 1
    return _election_page(
        request, "board.html", page.election, status, page=page, number=number, pages=pages,
        search=search, problem=problem,
    )  # fmt: skip


async def check(request: Request) -> Response:
    eid = request.path_params["election_id"]
    services = _services(request)
    public = _election(request)
    code = request.query_params.get("code", "").strip()
    found = None
    problem = ""
    status = 200
    if code:
        try:
            found = services.casting.lookup(eid, code)
        except ValidationError:
            problem, status = "invalid", 422
        except NotFoundError:
            problem, status = "missing", 404
    return _election_page(
        request, "check.html", public, status, code=code, found=found, problem=problem
    )


async def results(request: Request) -> Response:
    eid = request.path_params["election_id"]
    services = _services(request)
    public = _election(request)
    try:
        declaration = services.results.declaration(eid)
    except ElectionStateError:
        declaration = None
    contests = [] if declaration is None else [contest_view(c) for c in declaration.contests]
    return _election_page(
        request, "results.html", public, declaration=declaration, contests=contests
    )


async def record(request: Request) -> Response:
    public = _election(request)
    checked = _verified(request)
    published_at = local_time(checked.record.entry.published_at, _lang(request))
    return _election_page(
        request, "record.html", public, verification=checked, published_at=published_at
    )


async def download(request: Request) -> Response:
    _election(request)
    try:
        published = _services(request).public.published_record(request.path_params["election_id"])
    except NotFoundError:
        raise ApiError(404, "not_found", NOT_PUBLISHED) from None
    media = "application/zip" if published.file.suffix == ".zip" else "application/jsonl"
    return FileResponse(published.file, media_type=media, filename=published.filename)


async def verification(request: Request) -> Response:
    public = _election(request)
    checked = _verified(request)
    return _election_page(request, "verification.html", public, verification=checked)


async def trigger(request: Request) -> Response:
    services = _services(request)
    status = _trigger(request)
    declaration = None
    declared_at = ""
    if status.declaration is not None:
        declaration = trigger_view(status.declaration, services.public)
        declared_at = local_time(status.declaration.declared_at, _lang(request))
    context = {"status": status, "declaration": declaration, "declared_at": declared_at}
    return render(request, "public/trigger.html", {"title": status.trigger.title, **context})


async def trigger_document(request: Request) -> Response:
    tid = request.path_params["trigger_id"]
    declaration = _trigger(request).declaration
    if declaration is None:
        raise ApiError(404, "not_found", NOT_DECLARED)
    return Response(
        declaration.document.encode("utf-8"),
        media_type="application/json",
        headers={"content-disposition": f'attachment; filename="{tid}-declaration.json"'},
    )


routes = [
    Route("/", index, name="public:index"),
    Route("/e/{election_id}", election, name="public:election"),
    Route("/e/{election_id}/board", board, name="public:board"),
    Route("/e/{election_id}/board/check", check, name="public:check"),
    Route("/e/{election_id}/results", results, name="public:results"),
    Route("/e/{election_id}/record", record, name="public:record"),
    Route("/e/{election_id}/record/download", download, name="public:download"),
    Route("/e/{election_id}/verification", verification, name="public:verification"),
    Route("/t/{trigger_id}", trigger, name="public:trigger"),
    Route("/t/{trigger_id}/declaration.json", trigger_document, name="public:trigger-document"),
]
