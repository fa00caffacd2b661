"""booth.js, the booth page's controller, in headless Chromium (issue 9): what the whole-path
test (test_voter_browser.py) does not look at. On a 360x740 screen, against an election whose
Setup pins the booth the server serves: the fingerprint shown is the one recomputed from the
record, focus moves to each step's heading, axe-core passes at every step, a mistyped credential
and a rank given twice are named, and a worker other than the record's stops the booth."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.unit.service.election_world import ELECTION
from tests.unit.web.voter_world import ServedElection, serve_election
from tests.web.conftest import live_site

from clearcount.bootstrap import Config
from clearcount.service.roles.delivery import credential_code
from clearcount.web.app import create_app

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
WAIT = 60_000


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedElection]:
    world = serve_election(Path(tmp_path_factory.mktemp("booth-controller")), pin_booth=True)
    yield world
    world.services.close()


@pytest.fixture(scope="module")
def base(served: ServedElection) -> Iterator[str]:
    with live_site(create_app(Config(), services=served.services)) as url:
        yield url


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == [], errors


def code_of(served: ServedElection, member: str) -> str:
    return credential_code(served.life.credential(member).secret)


def step(page: Any, section: str) -> None:
    """The step `section` is shown and focus is on its heading (screen readers announce it)."""
    page.wait_for_selector(f"#{section}", state="visible", timeout=WAIT)
    assert page.evaluate("document.activeElement.id") == f"{section}-heading"


def mailed_code(served: ServedElection, email: str) -> str:
    """The sign-in code, once the server's background task has mailed it."""
    deadline = time.monotonic() + 30
    while True:
        try:
            return served.mail.code_for(email)
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_fingerprint_focus_and_axe_at_every_step(
    phone: Any, base: str, served: ServedElection, axe_check: Callable[[Any], None]
) -> None:
    email = "lee.lowther@example.org"
    phone.goto(f"{base}/e/{ELECTION}/vote#c={code_of(served, 'NTW-00001')}")
    phone.locator("#credential-status", has_text="accepted").wait_for(timeout=WAIT)
    setup_hash = served.services.ballots.setup_event(ELECTION).hash
    assert phone.text_content("#fingerprint") == " ".join(
        setup_hash[i : i + 4] for i in range(0, 32, 4)
    )
    axe_check(phone)
    phone.check("#c1-1")
    phone.select_option("#r2-2", "1")
    phone.select_option("#r2-0", "2")
    phone.focus("#review-button")
    phone.keyboard.press("Enter")
    step(phone, "review")
    review = phone.inner_text("#review-choices")
    assert review.index("Fay") < review.index("Dee"), "the ranking is shown in order"
    axe_check(phone)
    phone.click("#audit-button")
    step(phone, "audit")
    assert phone.is_hidden("#booth-error"), phone.text_content("#booth-error")
    axe_check(phone)
    phone.click("#vote-again-button")
    phone.click("#review-button")
    step(phone, "review")
    phone.click("#continue-button")
    step(phone, "signin")
    axe_check(phone)
    phone.fill("#signin-email", email)
    phone.click("#send-code-button")
    phone.fill("#signin-code", mailed_code(served, email))
    phone.click("#cast-button")
    step(phone, "receipt")
    assert phone.is_hidden("#booth-error"), "the tracking code matches the event hash"
    axe_check(phone)


def test_a_mistyped_credential_is_named_before_anything_is_signed(
    phone: Any, base: str, served: ServedElection
) -> None:
    code = code_of(served, "NTW-00002")
    typo = code[:7] + ("A" if code[7] != "A" else "B") + code[8:]
    phone.goto(f"{base}/e/{ELECTION}/vote")
    phone.fill("#credential-code", typo)
    phone.locator("#credential-status", has_text="mistyped").wait_for(timeout=WAIT)
    assert phone.get_attribute("#credential-code", "aria-invalid") == "true"
    phone.click("#review-button")
    assert "credential" in (phone.text_content("#booth-error") or "")
    assert phone.is_hidden("#review")


def test_a_rank_given_twice_is_marked_and_stops_the_review(
    phone: Any, base: str, served: ServedElection
) -> None:
    phone.goto(f"{base}/e/{ELECTION}/vote#c={code_of(served, 'NTW-00002')}")
    phone.locator("#credential-status", has_text="accepted").wait_for(timeout=WAIT)
    phone.check("#c1-0")
    phone.select_option("#r2-0", "1")
    phone.select_option("#r2-1", "1")
    phone.locator(".field-error", has_text="one candidate only").wait_for(timeout=WAIT)
    phone.click("#review-button")
    phone.locator("#booth-error", has_text="need changing").wait_for(timeout=WAIT)
    assert phone.is_hidden("#review")


def test_a_worker_other_than_the_records_stops_the_booth(
    phone: Any, base: str, served: ServedElection
) -> None:
    """The worker has no integrity attribute: the page checks it against Setup's pin (§11.2)."""

    def altered(route: Any) -> None:
        response = route.fetch()
        route.fulfill(response=response, body=response.body() + b"\n// altered\n")

    phone.route("**/booth-worker.js", altered)
    phone.goto(f"{base}/e/{ELECTION}/vote#c={code_of(served, 'NTW-00002')}")
    phone.locator("#booth-error", has_text="encryption program").wait_for(timeout=WAIT)
    assert phone.is_disabled("#review-button")
