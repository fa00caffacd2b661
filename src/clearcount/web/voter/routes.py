"""The voter's routes: the booth page and its API (WEB_CONTRACT.md)."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from clearcount.web.voter import api, pages

__all__ = ["routes"]

routes: list[BaseRoute] = [
    Route("/e/{election_id}/vote", pages.vote_page, name="voter:vote"),
    *(
        Route(e.path, e.handler, methods=[e.method], name=f"voter:{e.handler.__name__}")
        for e in api.ENDPOINTS
    ),
]
