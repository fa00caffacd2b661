"""The booth page: `GET /e/{election_id}/vote` (WEB_CONTRACT.md "The booth").

The ballot is a plain HTML form rendered from the election's Setup (spec §11.2), with the
review, audit, sign-in and receipt sections that booth.js shows and fills, and the booth's
script tags with the integrity values the election's Setup pinned (spec §11.2), so a browser
refuses any other bundle (an election defined before any booth was built pinned none: the
values this server's build gives, `web.booth_assets`). The credential never reaches the
server: it arrives in the link's fragment (`#c=`), which browsers do not send.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from clearcount.bootstrap import Services
from clearcount.record.events import Setup
from clearcount.service.roles.delivery import short_fingerprint
from clearcount.web.booth_assets import PAGE_SCRIPTS, manifest
from clearcount.web.i18n import N_, lang_of, local_time
from clearcount.web.templating import render

__all__ = ["BoothScript", "NotOpen", "vote_page"]


@dataclass(frozen=True, slots=True)
class BoothScript:
    name: str
    integrity: str


@dataclass(frozen=True, slots=True)
class NotOpen:
    """Why ballots are not taken now: a catalogue message id (translated where the page shows
    it) and the values of its placeholders."""

    message: str
    values: Mapping[str, str]


CLOSED = N_("Voting has closed: this ballot takes no more votes.")
NOT_PUBLISHED = N_("Voting has not opened yet: the credentials are not published.")
OPENS_LATER = N_("Voting has not opened yet: it opens %(time)s.")


def _state(services: Services, election_id: str, setup: Setup, lang: str) -> NotOpen | None:
    """None while ballots are taken; else the sentence that says why not."""
    phase = services.ballots.status(election_id).phase
    now = services.clock.now()
    opens = datetime.fromisoformat(setup.opens.replace("Z", "+00:00"))
    closes = datetime.fromisoformat(setup.closes.replace("Z", "+00:00"))
    if phase in ("closed", "counting", "declared") or now >= closes:
        return NotOpen(CLOSED, {})
    if phase != "open":
        return NotOpen(NOT_PUBLISHED, {})
    if now < opens:
        return NotOpen(OPENS_LATER, {"time": local_time(setup.opens, lang)})
    return None


def _page(services: Services, election_id: str, lang: str) -> dict[str, object]:
    event = services.ballots.setup_event(election_id)
    setup = Setup.from_body(event.body, "Setup")
    not_open = _state(services, election_id, setup, lang)
    integrity = setup.booth or manifest()  # the record's pin; an election without one: today's
    return {
        "title": setup.title,
        "election_id": election_id,
        "setup": setup,
        "opens": local_time(setup.opens, lang),
        "closes": local_time(setup.closes, lang),
        "fingerprint": event.hash,
        "short_fingerprint": short_fingerprint(event.hash),
        "voting": not_open is None,
        "not_open": not_open,
        "scripts": [BoothScript(n, integrity[n]) for n in PAGE_SCRIPTS if n in integrity],
    }


async def vote_page(request: Request) -> Response:
    services: Services = request.app.state.services
    election_id = request.path_params["election_id"]
    context = await run_in_threadpool(_page, services, election_id, lang_of(request))
    return render(request, "voter/vote.html", context)
