"""The booth page: `GET /e/{election_id}/vote` (WEB_CONTRACT.md "The booth").

The ballot is a plain HTML form rendered from the election's Setup (spec §11.2), with the
review, audit, sign-in and receipt sections that booth.js shows and fills, and the booth's
script tags with the integrity values the election's Setup pinned (spec §11.2), so a browser
refuses any other bundle (an election defined before any booth was built pinned none: the
values this server's build gives, `web.booth_assets`). The credential never reaches the
server: it arrives in the link's fragment (`#c=`), which browsers do not send.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from clearcount.bootstrap import Services
from clearcount.record.events import Setup
from clearcount.service.roles.delivery import short_fingerprint
from clearcount.web.booth_assets import PAGE_SCRIPTS, manifest
from clearcount.web.templating import render

__all__ = ["BoothScript", "local_time", "vote_page"]


@dataclass(frozen=True, slots=True)
class BoothScript:
    name: str
    integrity: str


def local_time(instant: str) -> str:
    """An instant of the record ("2031-04-01T09:00:00Z") as people in the UK read it, with
    its zone: "1 April 2031, 10:00 BST"."""
    at = datetime.fromisoformat(instant.replace("Z", "+00:00"))
    with contextlib.suppress(ZoneInfoNotFoundError):  # a system without tzdata: UTC
        at = at.astimezone(ZoneInfo("Europe/London"))
    return f"{at.day} {at:%B %Y, %H:%M} {at.tzname()}"


def _state(services: Services, election_id: str, setup: Setup) -> tuple[bool, str]:
    """Whether ballots are taken now, and if not, the sentence that says why."""
    phase = services.ballots.status(election_id).phase
    now = services.clock.now()
    opens = datetime.fromisoformat(setup.opens.replace("Z", "+00:00"))
    closes = datetime.fromisoformat(setup.closes.replace("Z", "+00:00"))
    if phase in ("closed", "counting", "declared") or now >= closes:
        return False, "Voting has closed: this ballot takes no more votes."
    if phase != "open":
        return False, "Voting has not opened yet: the credentials are not published."
    if now < opens:
        return False, f"Voting has not opened yet: it opens {local_time(setup.opens)}."
    return True, ""


def _page(services: Services, election_id: str) -> dict[str, object]:
    event = services.ballots.setup_event(election_id)
    setup = Setup.from_body(event.body, "Setup")
    voting, reason = _state(services, election_id, setup)
    integrity = setup.booth or manifest()  # the record's pin; an election without one: today's
    return {
        "title": setup.title,
        "election_id": election_id,
        "setup": setup,
        "opens": local_time(setup.opens),
        "closes": local_time(setup.closes),
        "fingerprint": event.hash,
        "short_fingerprint": short_fingerprint(event.hash),
        "voting": voting,
        "closed_reason": reason,
        "scripts": [BoothScript(n, integrity[n]) for n in PAGE_SCRIPTS if n in integrity],
    }


async def vote_page(request: Request) -> Response:
    services: Services = request.app.state.services
    election_id = request.path_params["election_id"]
    context = await run_in_threadpool(_page, services, election_id)
    return render(request, "voter/vote.html", context)
