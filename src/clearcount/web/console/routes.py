"""The console's routes (WEB_CONTRACT.md: `web/console/`), one table."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from clearcount.web.console import auth, pages, roll

__all__ = ["routes"]

_E = "/console/e/{election_id}"
_POST = ["POST"]

routes: list[BaseRoute] = [
    Route("/console/sign-in", auth.sign_in_form, name="console:sign_in"),
    Route("/console/sign-in", auth.sign_in_submit, methods=_POST),
    Route("/console/sign-in/code", auth.code_form, name="console:code"),
    Route("/console/sign-in/code", auth.code_submit, methods=_POST),
    Route("/console/sign-out", auth.sign_out, methods=_POST, name="console:sign_out"),
    Route("/console", pages.dashboard, name="console:dashboard"),
    Route("/console/roll", roll.roll_page, name="console:roll"),
    Route("/console/roll/preview", roll.preview, methods=_POST),
    Route("/console/roll/apply", roll.apply, methods=_POST),
    Route("/console/define", pages.define_form, name="console:define"),
    Route("/console/define", pages.define, methods=_POST),
    Route(_E, pages.election, name="console:election"),
    Route(f"{_E}/edit", pages.edit, methods=_POST),
    Route(f"{_E}/open", pages.open_ballot, methods=_POST),
    Route(f"{_E}/close", pages.close, methods=_POST),
    Route(f"{_E}/remind", pages.remind, methods=_POST),
    Route(f"{_E}/tally", pages.tally, methods=_POST),
    Route(f"{_E}/declare", pages.declare, methods=_POST),
    Route(f"{_E}/publish", pages.publish, methods=_POST),
    Route(f"{_E}/audit", pages.audit, name="console:audit"),
    Route(f"{_E}/appeals", pages.appeals, name="console:appeals"),
    Route(f"{_E}/appeals/{{appeal_id}}/decide", pages.decide, methods=_POST),
    Route(f"{_E}/eligibility", pages.eligibility, name="console:eligibility"),
]
