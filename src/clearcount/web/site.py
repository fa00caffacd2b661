"""Pages of the site as a whole: the accessibility statement (WCAG 2.2 AA, issue 9)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from clearcount.web.templating import render

__all__ = ["routes"]


async def accessibility(request: Request) -> Response:
    return render(request, "accessibility.html", {"title": "Accessibility statement"})


routes = [Route("/accessibility", accessibility, name="accessibility")]
