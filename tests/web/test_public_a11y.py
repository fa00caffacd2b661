"""The public pages in headless Chromium: axe-core finds no serious or critical violation on any
of them, in English and in Welsh; the keyboard reaches the skip link, the language switch and
the board's search; the results page keeps to one column on a 360-pixel phone and its chart
breaks no CSP rule (issue 9, WCAG 2.2 AA).

Needs /usr/bin/chromium, Playwright and axe-core (booth/node_modules, from `npm ci` in booth/;
CLEARCOUNT_AXE_JS names another copy). Skipped without them, failed instead under
CLEARCOUNT_REQUIRE_BROWSER=1 (CI).
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.demo_site import SELECTION, UNION, demo_services

from clearcount.bootstrap import Config

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(
    os.environ.get("CLEARCOUNT_AXE_JS")
    or Path(__file__).resolve().parents[2] / "booth" / "node_modules" / "axe-core" / "axe.min.js"
)
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _missing() -> str | None:
    if not CHROMIUM.exists():
        return f"no {CHROMIUM}"
    if not AXE.exists():
        return f"no axe-core at {AXE} (npm ci in booth/)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "no playwright"
    return None


def _need_browser() -> None:
    why = _missing()
    if why is None:
        return
    if os.environ.get("CLEARCOUNT_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests required (CLEARCOUNT_REQUIRE_BROWSER=1) but {why}")
    pytest.skip(why)


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    """The app over the demo's database, served by uvicorn on loopback."""
    _need_browser()
    import uvicorn

    from clearcount.web.app import create_app

    services = demo_services()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = create_app(Config(), services=services)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)
    services.close()


@pytest.fixture(scope="module")
def browser(site: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield launched
        launched.close()


def axe_violations(page: object) -> list[str]:
    """Serious and critical axe-core violations on the page, one line each."""
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))  # type: ignore[attr-defined]
    found = page.evaluate(  # type: ignore[attr-defined]
        "async () => { const r = await axe.run(document); return {passes: r.passes.length,"
        " serious: r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')"
        ".map(v => v.impact + ' ' + v.id + ': ' + v.nodes.map(n => n.target.join(' '))"
        ".join(', '))}; }"
    )
    assert found["passes"] > 10  # axe really ran its rules on this page
    return list(found["serious"])


def first_code(browser: object, site: str) -> str:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(f"{site}/e/{SELECTION}/board")
    code = page.locator("table.board code").first.inner_text()
    page.close()
    return str(code)


PAGES = (
    "/",
    f"/e/{SELECTION}",
    f"/e/{SELECTION}/board",
    f"/e/{SELECTION}/board?q=zzzz-!",
    f"/e/{SELECTION}/board/check",
    f"/e/{SELECTION}/results",
    f"/e/{UNION}/results",
    f"/e/{SELECTION}/record",
    f"/e/{UNION}/verification",
    "/t/av-trigger-2031",
    "/accessibility",
    "/e/no-such-election",
)


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_no_serious_or_critical_axe_violation_on_any_public_page(
    browser: object, site: str, lang: str
) -> None:
    context = browser.new_context(bypass_csp=True)  # type: ignore[attr-defined]  # to inject axe
    page = context.new_page()
    code = first_code(browser, site)
    problems = {}
    for path in (*PAGES, f"/e/{SELECTION}/board/check?code={code}"):
        joiner = "&" if "?" in path else "?"
        page.goto(f"{site}{path}{joiner}lang={lang}")
        assert page.locator("html").get_attribute("lang") == lang
        found = axe_violations(page)
        if found:
            problems[path] = found
    context.close()
    assert not problems, problems


def test_the_keyboard_reaches_the_skip_link_language_switch_and_search(
    browser: object, site: str
) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(f"{site}/e/{SELECTION}/board?lang=en")
    reached = []
    for _ in range(40):
        page.keyboard.press("Tab")
        reached.append(
            page.evaluate(
                "() => { const e = document.activeElement;"
                " return (e.id ? '#' + e.id : '') + '|' + (e.getAttribute('hreflang') || '')"
                " + '|' + e.textContent.trim().slice(0, 40); }"
            )
        )
        if reached[-1].startswith("#q|"):
            break
    assert reached[0].endswith("Skip to main content"), reached
    assert any(r.split("|")[1] == "cy" for r in reached), reached
    assert reached[-1].startswith("#q|"), reached
    code = page.locator("table.board code").first.inner_text()
    page.keyboard.type(code[:6])
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q="))
    assert code in page.locator("table.board").inner_text()
    # the language switch works from the keyboard too, and is remembered
    page.focus("a[hreflang=cy]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"lang=cy"))
    assert page.locator("html").get_attribute("lang") == "cy"
    page.goto(f"{site}/")
    assert page.locator("h1").inner_text() == "Etholiadau"
    page.close()


def test_results_fit_a_phone_and_break_no_csp_rule(browser: object, site: str) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740})  # type: ignore[attr-defined]
    page = context.new_page()
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    page.goto(f"{site}/e/{SELECTION}/results?lang=en")
    assert page.locator("svg[role=img]").count() == 1
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    # the chart and the wide tables scroll inside their own focusable regions
    page.focus(".sankey-scroll")
    assert page.evaluate("() => document.activeElement.classList.contains('sankey-scroll')")
    assert not refused, refused
    context.close()
