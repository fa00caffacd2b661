"""Rate limits on logins, one-time codes and casts per client address (issue 9).

Counted in the database by `service.rate_limits` (a window per limit and address, incremented
atomically), so every server process of `clearcount serve --workers N`, and every machine on
one database, shares one count. The limits are the `[rate_limits]` settings
(docs/service/server.md); the officials' sign-in steps are counted by the officials' service
itself (`login`).
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from clearcount.bootstrap import Services
from clearcount.service.rate_limits import RateLimitedError

__all__ = ["RateLimitedError", "client_address", "limit"]


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def limit(request: Request, name: str) -> None:
    """Count this request against the limit `name` ("code", "cast") for the client's address;
    RateLimitedError (HTTP 429) when over."""
    services: Services = request.app.state.services
    await run_in_threadpool(services.rate_limits.hit, name, client_address(request))
