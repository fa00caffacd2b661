"""A member votes from the email link on a phone-sized screen, in headless Chromium (issue 9).

The whole voter's path against a real server on loopback with the real SMTP server: the
credential email is read from the SMTP server's inbox and its link opened (the credential after
`#` never reaches the server); the member answers on a 360x740 viewport, audits a ballot
(Benaloh: it is shown decrypted, published and void), votes again, signs in with the code the
server mails, casts, gets the tracking code on screen and by email with words that say the vote
has been cast, and finds it on the public board. axe-core checks every step. Without
JavaScript the page says how to vote by post or at the meeting.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import pytest
from tests.unit.mail.smtp_server import Inbox
from tests.unit.service.election_world import ELECTION
from tests.web.conftest import BoothSite

from clearcount.service.roles.credential_authority import send_credentials
from clearcount.service.roles.delivery import VotingInstructions

pytestmark = pytest.mark.browser

LEE = "lee.lowther@example.org"
PHONE = {"width": 360, "height": 740}


def mail_to(inbox: Inbox, address: str, containing: str, *, after: int = 0) -> str:
    """The body of the first message to `address` (from the `after`-th on) with `containing`."""
    for _ in range(200):
        for received in inbox.received[after:]:
            body = received.message.get_content()
            if address in received.recipients and containing in body:
                return str(body)
        time.sleep(0.05)
    raise AssertionError(f"no mail to {address} with {containing!r}")


def visible(page: Any, selector: str) -> None:
    page.wait_for_selector(selector, state="visible", timeout=30_000)


def sign_in_and_cast(page: Any, inbox: Inbox, address: str) -> int:
    """From `#signin`: ask for a code for `address`, type the mailed one, cast, see the
    receipt; the number of messages the inbox had before (the receipt mail comes after)."""
    before = len(inbox.received)
    page.get_by_label("Your email address").fill(address)
    page.get_by_role("button", name="Email me a sign-in code").click()
    mailed = mail_to(inbox, address, "sign-in code", after=before)
    code = re.search(r"^    (\d{6})\s*$", mailed, re.MULTILINE)
    assert code is not None, mailed
    page.get_by_label("The 6-digit code from the email").fill(code.group(1))
    page.get_by_role("button", name="Cast my vote").click()
    visible(page, "#receipt")
    assert "Your vote has been cast" in page.inner_text("#receipt")
    return before


def test_a_member_votes_from_the_email_link_on_a_phone(
    browser: Any, axe_check: Callable[[Any], None], booth_site: BoothSite
) -> None:
    life, services = booth_site.election.life, booth_site.election.services
    assert life.material is not None
    how = VotingInstructions(booth_site.base, "the returning officer")
    assert services.mailer is not None
    send_credentials(life.material, services.mailer, how)
    letter = mail_to(booth_site.inbox, LEE, "#c=")
    link = re.search(r"(http://\S+/vote#c=[0-9A-Z-]+)", letter)
    assert link is not None, letter
    assert link.group(1).startswith(f"{booth_site.base}/e/{ELECTION}/vote#c=")

    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status >= 400 else None)
    page.goto(link.group(1))
    assert "#c=" not in page.url, "the booth takes the credential out of the address bar"
    page.wait_for_selector("#credential-status:has-text('accepted')", timeout=30_000)
    axe_check(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.get_by_label("Ann Hale").check()
    page.get_by_label("Fay").select_option("1")
    page.get_by_label("Dee").select_option("2")
    page.get_by_role("button", name="Review my choices").click()
    visible(page, "#review")
    assert "Ann Hale" in page.inner_text("#review-choices")
    axe_check(page)

    page.get_by_role("button", name="Audit this ballot").click()
    visible(page, "#audit")
    assert "void" in page.inner_text("#audit")
    assert "Ann Hale" in page.inner_text("#audit-choices")
    axe_check(page)
    assert services.ballots.status(ELECTION).ballots == 0
    spoiled = [e for e in services.ballots.record(ELECTION) if e.kind == "Spoiled"]
    assert len(spoiled) == 1, "the audited ballot is published"

    page.get_by_role("button", name="Vote again").click()
    visible(page, "#ballot")
    page.get_by_label("Bob Irwin").check()
    page.get_by_role("button", name="Review my choices").click()
    visible(page, "#review")
    assert "Bob Irwin" in page.inner_text("#review-choices")
    page.get_by_role("button", name="Continue to sign in and cast").click()
    visible(page, "#signin")
    axe_check(page)

    before = sign_in_and_cast(page, booth_site.inbox, LEE)
    tracking = page.inner_text("#tracking-code").strip()
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){7}", tracking), tracking
    axe_check(page)
    receipt = mail_to(booth_site.inbox, LEE, tracking, after=before)
    assert "Your vote has been cast" in receipt

    assert services.casting.lookup(ELECTION, tracking).state == "counted"
    board = page.goto(f"{booth_site.base}/e/{ELECTION}/board")
    assert board is not None
    assert board.ok
    assert tracking in page.content(), "the tracking code is on the public board"
    axe_check(page)
    assert not errors, (errors, missing)
    context.close()


def test_without_javascript_the_page_says_how_else_to_vote(
    browser: Any, booth_site: BoothSite
) -> None:
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.goto(f"{booth_site.base}/e/{ELECTION}/vote")
    text = page.inner_text("body")
    assert "needs JavaScript" in text
    assert "postal ballot paper" in text
    assert "at the meeting" in text
    context.close()


def tab_to(page: Any, element_id: str, *, most: int = 60) -> None:
    """Press Tab until the element `element_id` has the focus (as a keyboard user does)."""
    for _ in range(most):
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached #{element_id}")


def test_a_whole_vote_by_keyboard_alone(browser: Any, booth_site: BoothSite) -> None:
    life, services = booth_site.election.life, booth_site.election.services
    assert life.material is not None
    assert services.mailer is not None
    how = VotingInstructions(booth_site.base, "the returning officer")
    send_credentials(life.material, services.mailer, how, member_ids=["NTW-00002"])
    letter = mail_to(booth_site.inbox, "mo.marsden@example.org", "#c=")
    link = re.search(r"(http://\S+/vote#c=[0-9A-Z-]+)", letter)
    assert link is not None
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(link.group(1))
    page.wait_for_selector("#credential-status:has-text('accepted')", timeout=30_000)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    tab_to(page, "c1-0")
    page.keyboard.press("ArrowDown")  # radios move with the arrows: Bob Irwin
    tab_to(page, "r2-1")
    page.keyboard.type("1")
    tab_to(page, "review-button")
    page.keyboard.press("Enter")
    visible(page, "#review")
    assert "Bob Irwin" in page.inner_text("#review-choices")
    tab_to(page, "continue-button")
    page.keyboard.press("Enter")
    visible(page, "#signin")
    before = len(booth_site.inbox.received)
    tab_to(page, "signin-email")
    page.keyboard.type("mo.marsden@example.org")
    page.keyboard.press("Enter")
    mailed = mail_to(booth_site.inbox, "mo.marsden@example.org", "sign-in code", after=before)
    code = re.search(r"^    (\d{6})\s*$", mailed, re.MULTILINE)
    assert code is not None
    tab_to(page, "signin-code")
    page.keyboard.type(code.group(1))
    page.keyboard.press("Enter")
    visible(page, "#receipt")
    tracking = page.inner_text("#tracking-code").strip()
    assert services.casting.lookup(ELECTION, tracking).state == "counted"
    context.close()
