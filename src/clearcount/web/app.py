"""The web application: `create_app(config)` builds the Starlette app `clearcount serve` runs.

One app for the whole site (WEB_CONTRACT.md): the security headers and CSRF cookie
(`web.security`) around everything, the templates (`web.templating`), the static files, the
error pages (`web.errors`), and each part's routes, registered below with one line each. The
services come from the composition root (`bootstrap.build`) over the same database and settings
as the CLI; tests and `clearcount demo --serve` may pass their own (`services`).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from clearcount.bootstrap import Config, Services, build
from clearcount.web import i18n, site
from clearcount.web.errors import exception_handlers
from clearcount.web.security import SecurityHeaders
from clearcount.web.templating import make_templates

__all__ = ["STATIC", "WebOptions", "create_app"]

STATIC = Path(__file__).parent / "static"


@dataclass(frozen=True, slots=True)
class WebOptions:
    """How this server runs: behind TLS (HSTS, Secure cookies). The rate limits are settings
    (`Config.rate_limits`), counted in the database (`web.ratelimit`)."""

    behind_tls: bool = False


def _routes() -> list[BaseRoute]:
    """Every part's routes; each part adds its own with one line here."""
    from clearcount.web.api import roles as role_api
    from clearcount.web.console import routes as console_routes
    from clearcount.web.public import routes as public_routes
    from clearcount.web.voter import routes as voter_routes

    return [
        *site.routes,
        *voter_routes.routes,
        *console_routes.routes,
        *role_api.routes,
        *public_routes.routes,
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
    ]


def create_app(
    config: Config,
    *,
    services: Services | None = None,
    options: WebOptions | None = None,
    owns_services: bool = False,
) -> Starlette:
    """The site over `services` (built from `config` if not given); closed on shutdown when
    built here or when `owns_services` (a `serve --workers` process's own)."""
    options = options or WebOptions()
    owned = services is None or owns_services
    wired = services if services is not None else build(config)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            if owned:
                wired.close()

    app = Starlette(
        routes=_routes(),
        middleware=[Middleware(SecurityHeaders, behind_tls=options.behind_tls)],
        exception_handlers=exception_handlers(),  # type: ignore[arg-type]
        lifespan=lifespan,
    )
    i18n.install(app)
    app.state.services = wired
    app.state.templates = make_templates()
    app.state.options = options
    return app
