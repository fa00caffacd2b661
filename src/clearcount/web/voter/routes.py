"""The voter's routes: the booth page and its API (WEB_CONTRACT.md)."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from clearcount.web.voter import api, pages

__all__ = ["routes"]

_API = "/api/elections/{election_id}"

routes: list[BaseRoute] = [
    Route("/e/{election_id}/vote", pages.vote_page, name="voter:vote"),
    Route(f"{_API}/booth", api.booth_data, name="voter:booth_data"),
    Route(f"{_API}/code", api.request_code, methods=["POST"], name="voter:request_code"),
    Route(f"{_API}/cast", api.cast, methods=["POST"], name="voter:cast"),
    Route(f"{_API}/challenge", api.challenge, methods=["POST"], name="voter:challenge"),
]
