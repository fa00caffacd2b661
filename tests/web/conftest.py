"""The browser test harness (WEB_CONTRACT.md "Tests with a browser"): shared by every web test.

- `browser`: Playwright (Python) driving Debian's Chromium (`/usr/bin/chromium`) headless with
  the contract's flags; one per test session.
- `axe_check(page)`: injects axe-core (booth/node_modules/axe-core/axe.min.js, from `npm ci` in
  booth/; CLEARCOUNT_AXE_JS names another copy) through DevTools, so the page's CSP still holds,
  and fails on any serious or critical violation.
- `smtp_server`: the real SMTP server (aiosmtpd) the mail tests use.
- `live_site(app)`: the app served by uvicorn on loopback (a free port) while the block runs.
- `booth_site`: an open election (tests/unit/web/voter_world.py) served on loopback, its mail
  (credentials, sign-in codes, receipts) going through the real SMTP server.

Without Chromium, Playwright or axe-core the tests that use these fixtures are skipped; under
CLEARCOUNT_REQUIRE_BROWSER=1 (CI) they fail instead, naming what is missing.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from tests.unit.mail.smtp_server import Inbox, SmtpServer, smtp_server
from tests.unit.web.loopback import serving
from tests.unit.web.voter_world import ServedElection, serve_election

from clearcount.bootstrap import Config
from clearcount.mail.smtp import SmtpMailer, SmtpSettings
from clearcount.web.app import create_app

__all__ = ["BoothSite", "live_site", "smtp_server"]

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(
    os.environ.get("CLEARCOUNT_AXE_JS")
    or Path(__file__).resolve().parents[2] / "booth" / "node_modules" / "axe-core" / "axe.min.js"
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
live_site = serving
"""`with live_site(app) as base_url:` the app on 127.0.0.1 while the block runs."""


def require(what: str, missing: bool) -> None:
    """Skip (or fail under CLEARCOUNT_REQUIRE_BROWSER=1) when `missing`."""
    if not missing:
        return
    if os.environ.get("CLEARCOUNT_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests are required (CLEARCOUNT_REQUIRE_BROWSER=1) but {what}")
    pytest.skip(what)


def _no_playwright() -> bool:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return True
    return False


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Chromium under Playwright, for the whole session."""
    require(f"no Chromium at {CHROMIUM} (apt-get install chromium)", not CHROMIUM.exists())
    require("no Playwright (pip install playwright)", _no_playwright())
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


def axe_violations(page: Any) -> list[str]:
    """Serious and critical axe-core violations on the page as it stands, one line each."""
    page.evaluate(AXE.read_text(encoding="utf-8"))  # through DevTools: the page's CSP holds
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['impact']} {v['id']}: {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture(scope="session")
def axe_check() -> Callable[[Any], None]:
    """`axe_check(page)`: fails on any serious or critical axe-core violation on the page."""
    require(f"no axe-core at {AXE} (npm ci in booth/)", not AXE.exists())

    def check(page: Any) -> None:
        bad = axe_violations(page)
        assert not bad, f"{page.url}: {bad}"

    return check


@dataclass
class BoothSite:
    """An open election on a live server, with the real SMTP server's inbox."""

    base: str
    election: ServedElection
    inbox: Inbox


@pytest.fixture
def booth_site(tmp_path: Path, smtp_server: SmtpServer) -> Iterator[BoothSite]:
    yield from _site(tmp_path, smtp_server, trigger=False)


@pytest.fixture
def trigger_site(tmp_path: Path, smtp_server: SmtpServer) -> Iterator[BoothSite]:
    """The trigger ballot's election: a yes/no contest per branch (spec §10.4.1)."""
    yield from _site(tmp_path, smtp_server, trigger=True)


def _site(tmp_path: Path, smtp_server: SmtpServer, *, trigger: bool) -> Iterator[BoothSite]:
    settings = SmtpSettings(
        host="127.0.0.1",
        sender="Harrow & Pell Scrutineers <ballots@harrow-pell.example>",
        port=smtp_server.port,
        security="plain",
        retry_delay=0,
    )
    election = serve_election(tmp_path, mailer=SmtpMailer(settings), trigger=trigger)
    try:
        with serving(create_app(Config(), services=election.services)) as base:
            yield BoothSite(base, election, smtp_server.inbox)
    finally:
        election.services.close()
