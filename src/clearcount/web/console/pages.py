"""The console's pages and actions for one organisation's elections (issue 9).

Each GET renders a page from service reads; each POST checks the session's CSRF token, calls
exactly one service method with the signed-in official's Principal, and redirects back with a
fixed sentence (POST-redirect-GET). A refused call (wrong role, wrong phase, bad input) is the
site's error page with the service's one-line message (web.errors). Times are read and shown
in London time with the zone (service.london_time).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from clearcount.bootstrap import Services
from clearcount.core.json_text import load_json
from clearcount.service.authorisation import Principal
from clearcount.service.elections.ballots import ElectionStatus
from clearcount.service.elections.contests_file import contests_from_document
from clearcount.service.elections.records import BallotDefinition
from clearcount.service.elections.turnout import Turnout
from clearcount.service.errors import ElectionStateError, NotFoundError, ValidationError
from clearcount.service.london_time import london_input, parse_london, show_london
from clearcount.service.officials.accounts import OfficialSession
from clearcount.web.console.auth import (
    SignInNeededError,
    form_text,
    require_session_csrf,
    signed_in,
)
from clearcount.web.i18n import N_
from clearcount.web.templating import render

__all__ = ["DONE", "action", "page", "upload"]

Handler = Callable[[Request, OfficialSession], Awaitable[Response]]

DONE = {
    "edited": N_("The ballot's definition was changed (see the audit log for what)."),
    "unchanged": N_("Nothing was changed: the form held the definition as it was."),
    "opened": N_("The credentials are published: the ballot is open within its timetable."),
    "closed": N_("The ballot is closed to online voting."),
    "reminded": N_("Reminders were sent to members who have not voted."),
    "tallied": N_("The encrypted tally is on the record; the trustees can now decrypt."),
    "declared": N_("The result is declared on the record."),
    "published": N_("The record was published and verified."),
    "imported": N_("The roll import was applied."),
    "decided": N_("The appeal's decision is recorded."),
    "defined": N_("The ballot is defined."),
}
"""`?done=` keys -> the sentence the page shows (never text from the request)."""


def services_of(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def _guarded(handler: Handler, *, form: bool) -> Callable[[Request], Awaitable[Response]]:
    """Run `handler` for a signed-in official (redirected to sign in otherwise); a `form`
    must carry the session's CSRF token."""

    @wraps(handler)
    async def wrapped(request: Request) -> Response:
        try:
            session = await signed_in(request)
        except SignInNeededError:
            return RedirectResponse("/console/sign-in", status_code=303)
        if form:
            await require_session_csrf(request, session)
        return await handler(request, session)

    return wrapped


def page(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """A GET page for a signed-in official."""
    return _guarded(handler, form=False)


def action(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """A POST action: signed in, and the form carries the session's CSRF token."""
    return _guarded(handler, form=True)


def show(
    request: Request, session: OfficialSession, name: str, context: dict[str, Any]
) -> Response:
    """A console page: the session's CSRF token in every form, the `done` sentence if any."""
    done = DONE.get(request.query_params.get("done", ""), "")
    values = {"csrf_token": session.csrf_token, "official": session, "done": done, **context}
    return render(request, f"console/{name}.html", values)


def back(election_id: str, done: str, tail: str = "") -> RedirectResponse:
    return RedirectResponse(f"/console/e/{election_id}{tail}?done={done}", status_code=303)


async def upload(request: Request, name: str) -> tuple[bytes, str]:
    """The bytes and file name of the form's file field `name`; ValidationError if none."""
    item = (await request.form()).get(name)
    if not isinstance(item, UploadFile) or not item.filename:
        raise ValidationError("form", name, "a file to upload", "none")
    try:
        return await item.read(), item.filename
    finally:
        await item.close()


async def act(
    request: Request,
    session: OfficialSession,
    done: str,
    call: Callable[[Services, Principal, str], object],
    tail: str = "",
) -> Response:
    """Check the election is the official's organisation's, make the one service call, and
    redirect back with the `done` sentence."""
    election_id = request.path_params["election_id"]
    services = services_of(request)

    def run() -> None:
        _election_of(services, session, election_id)
        call(services, session.principal, election_id)

    await run_in_threadpool(run)
    return back(election_id, done, tail)


def _election_of(services: Services, session: OfficialSession, election_id: str) -> ElectionStatus:
    status = services.ballots.status(election_id)
    session.require_organisation(status.organisation_id)
    return status


@dataclass(frozen=True, slots=True)
class ElectionView:
    status: ElectionStatus
    opens: str
    closes: str
    definition: BallotDefinition | None
    turnout: Turnout | None
    edit_opens: str
    edit_closes: str


def _view(services: Services, session: OfficialSession, election_id: str) -> ElectionView:
    status = _election_of(services, session, election_id)
    principal = session.principal
    definition = None
    if status.phase == "defined":
        definition = services.ballots.definition(principal, election_id)
    turnout = None
    if status.phase != "defined":
        try:
            turnout = services.turnout.turnout(principal, election_id)
        except ElectionStateError:
            turnout = None
    return ElectionView(
        status,
        show_london(status.opens),
        show_london(status.closes),
        definition,
        turnout,
        "" if definition is None else london_input(definition.opens),
        "" if definition is None else london_input(definition.closes),
    )


@page
async def dashboard(request: Request, session: OfficialSession) -> Response:
    elections = await run_in_threadpool(
        services_of(request).ballots.elections, session.organisation_id
    )
    rows = [(e, show_london(e.opens), show_london(e.closes)) for e in elections]
    return show(request, session, "dashboard", {"title": "Your elections", "rows": rows})


@page
async def election(request: Request, session: OfficialSession) -> Response:
    election_id = request.path_params["election_id"]
    view = await run_in_threadpool(_view, services_of(request), session, election_id)
    return show(request, session, "election", {"title": view.status.title, "view": view})


@action
async def edit(request: Request, session: OfficialSession) -> Response:
    election_id = request.path_params["election_id"]
    services = services_of(request)
    form = {n: (await form_text(request, n)).strip() for n in ("title", "opens", "closes")}

    def run() -> bool:
        _election_of(services, session, election_id)
        old = services.ballots.definition(session.principal, election_id)
        new = dataclasses.replace(
            old,
            title=form["title"] or old.title,
            opens=parse_london(form["opens"], "opens") if form["opens"] else old.opens,
            closes=parse_london(form["closes"], "closes") if form["closes"] else old.closes,
        )
        return bool(services.ballots.edit(session.principal, election_id, new))

    changed = await run_in_threadpool(run)
    return back(election_id, "edited" if changed else "unchanged")


@action
async def open_ballot(request: Request, session: OfficialSession) -> Response:
    data, name = await upload(request, "credentials")
    try:
        document = load_json(data)
    except ValueError:
        document = None
    if not isinstance(document, dict) or not isinstance(document.get("body"), dict):
        raise ValidationError(name, "document", 'the public credential list (with a "body")', "")
    body = document["body"]
    return await act(
        request, session, "opened", lambda s, p, e: s.ballots.publish_credentials(p, e, body)
    )


@action
async def close(request: Request, session: OfficialSession) -> Response:
    reason = (await form_text(request, "reason")).strip()
    return await act(
        request, session, "closed", lambda s, p, e: s.closing.close(p, e, reason=reason)
    )


@action
async def remind(request: Request, session: OfficialSession) -> Response:
    mailer = services_of(request).mailer
    if mailer is None:
        raise ElectionStateError("no SMTP server is configured, so no reminder can be sent")
    return await act(request, session, "reminded", lambda s, p, e: s.reminders.remind(p, e, mailer))


@action
async def tally(request: Request, session: OfficialSession) -> Response:
    return await act(request, session, "tallied", lambda s, p, e: s.tally.tally(p, e))


@action
async def declare(request: Request, session: OfficialSession) -> Response:
    return await act(request, session, "declared", lambda s, p, e: s.results.declare(p, e))


@action
async def publish(request: Request, session: OfficialSession) -> Response:
    folder: Path = getattr(request.app.state, "publish_dir", Path("published"))

    def call(s: Services, p: Principal, e: str) -> object:
        folder.mkdir(parents=True, exist_ok=True)
        return s.publication.publish(p, e, folder / f"{e}.zip")

    return await act(request, session, "published", call)


@page
async def audit(request: Request, session: OfficialSession) -> Response:
    election_id = request.path_params["election_id"]
    services = services_of(request)

    def run() -> list[Any]:
        _election_of(services, session, election_id)
        return services.audit.history(
            session.principal, session.organisation_id, f"election:{election_id}"
        )

    events = await run_in_threadpool(run)
    rows = [(e, show_london(e.at)) for e in events]
    title = "Audit log"
    return show(
        request, session, "audit", {"title": title, "rows": rows, "election_id": election_id}
    )


@page
async def appeals(request: Request, session: OfficialSession) -> Response:
    election_id = request.path_params["election_id"]
    services = services_of(request)

    def run() -> list[Any]:
        _election_of(services, session, election_id)
        return list(services.appeals.appeals(session.principal, election_id))

    found = await run_in_threadpool(run)
    context = {"title": "Appeals", "appeals": found, "election_id": election_id}
    return show(request, session, "appeals", context)


@action
async def decide(request: Request, session: OfficialSession) -> Response:
    appeal_id = request.path_params["appeal_id"]
    decision = (await form_text(request, "decision")).strip()
    reasons = (await form_text(request, "reasons")).strip()

    def call(s: Services, p: Principal, e: str) -> object:
        if s.appeals.get(p, appeal_id).election_id != e:
            raise NotFoundError(f"appeal {appeal_id!r}: not one of election {e!r}")
        return s.appeals.decide(p, appeal_id, decision, reasons)

    return await act(request, session, "decided", call, "/appeals")


@page
async def eligibility(request: Request, session: OfficialSession) -> Response:
    election_id = request.path_params["election_id"]
    services = services_of(request)

    def run() -> list[Any]:
        _election_of(services, session, election_id)
        return sorted(
            services.eligibility.preview(session.principal, election_id),
            key=lambda d: (d.eligible, d.member_id),
        )

    decisions = await run_in_threadpool(run)
    context = {
        "title": "Eligibility report",
        "decisions": decisions,
        "election_id": election_id,
        "eligible": sum(1 for d in decisions if d.eligible),
    }
    return show(request, session, "eligibility", context)


@page
async def define_form(request: Request, session: OfficialSession) -> Response:
    return show(request, session, "define", {"title": "Define a ballot"})


def _lines(text: str) -> tuple[str, ...]:
    return tuple(n.strip() for n in text.replace(",", "\n").splitlines() if n.strip())


@action
async def define(request: Request, session: OfficialSession) -> Response:
    services = services_of(request)
    names = ("election_id", "title", "opens", "closes", "authority", "trustees", "threshold",
             "teller1", "teller2", "channels")  # fmt: skip
    form = {n: (await form_text(request, n)).strip() for n in names}
    data, source = await upload(request, "contests")
    try:
        document: object = load_json(data)
    except ValueError:
        document = None
    if not form["threshold"].isdigit():
        raise ValidationError("ballot", "threshold", "a whole number", form["threshold"])
    election_id = form["election_id"]

    def run() -> None:
        try:
            eligible: int | None = services.rolls.snapshot(
                session.principal, election_id
            ).header.eligible
        except NotFoundError:  # no frozen roll yet: only "entitled": "roll" needs one
            eligible = None
        definition = BallotDefinition(
            election_id=election_id,
            organisation_id=session.organisation_id,
            title=form["title"],
            opens=parse_london(form["opens"], "opens"),
            closes=parse_london(form["closes"], "closes"),
            contests=contests_from_document(document, source, eligible),
            credential_authority=form["authority"],
            trustees=_lines(form["trustees"]),
            threshold=int(form["threshold"]),
            tellers=(form["teller1"], form["teller2"]),
            channels=_lines(form["channels"]) or ("meeting", "postal", "online"),
        )
        services.ballots.define(session.principal, definition)

    await run_in_threadpool(run)
    return back(election_id, "defined")
