"""The public pages in headless Chromium: axe-core finds no serious or critical violation on any
of them, in English and in Welsh; the keyboard reaches the skip link, the language switch and
the board's search; the results page keeps to one column on a 360-pixel phone and its chart
breaks no CSP rule (issue 9, WCAG 2.2 AA).

Needs /usr/bin/chromium, Playwright and axe-core (tests/web/conftest.py: skipped without them,
failed instead under CLEARCOUNT_REQUIRE_BROWSER=1, as in CI).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from tests.demo_site import SELECTION, UNION, demo_services
from tests.web.conftest import axe_violations, live_site

from clearcount.bootstrap import Config

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(browser: Any, axe_check: Callable[[Any], None]) -> Iterator[str]:
    """The app over the demo's database, served by uvicorn on loopback (once the browser and
    axe-core are known to be there: tests/web/conftest.py)."""
    from clearcount.web.app import create_app

    services = demo_services()
    try:
        with live_site(create_app(Config(), services=services)) as base:
            yield base
    finally:
        services.close()


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
