"""A trigger ballot's member votes in their own branch's contest from the booth page (spec
§10.4.1, headless Chromium): the booth finds the credential's scope in the signed Credentials
list, shows only that branch's question, says so, and the cast ballot holds that contest only.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from tests.unit.service.election_world import ELECTION
from tests.web.conftest import BoothSite
from tests.web.test_voter_browser import mail_to, sign_in_and_cast, visible

from clearcount.record.events import Ballot
from clearcount.service.roles.credential_authority import send_credentials
from clearcount.service.roles.delivery import VotingInstructions

pytestmark = pytest.mark.browser

NAT = "nat.nuttall@example.org"
"""NTW-00003, the Tram Yard branch's one member."""


def test_a_tram_yard_member_votes_in_the_tram_yard_contest_only(
    browser: Any, axe_check: Callable[[Any], None], trigger_site: BoothSite
) -> None:
    life, services = trigger_site.election.life, trigger_site.election.services
    assert life.material is not None
    assert services.mailer is not None
    send_credentials(life.material, services.mailer, VotingInstructions(trigger_site.base, "us"))
    letter = mail_to(trigger_site.inbox, NAT, "#c=")
    link = re.search(r"(http://\S+/vote#c=[0-9A-Z-]+)", letter)
    assert link is not None, letter

    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(link.group(1))
    page.wait_for_selector("#credential-status:has-text('You vote in')", timeout=30_000)
    status = page.inner_text("#credential-status")
    assert "Tram Yard Branch" in status, status
    assert "Depot Branch" not in status, status
    depot = page.locator('fieldset[data-contest="northfold-depot"]')
    tram = page.locator('fieldset[data-contest="tram-yard"]')
    assert depot.is_hidden()
    assert tram.is_visible()
    axe_check(page)

    tram.get_by_label("Yes").check()
    page.get_by_role("button", name="Review my choices").click()
    visible(page, "#review")
    review = page.inner_text("#review-choices")
    assert "Tram Yard Branch" in review, review
    assert "Depot Branch" not in review, review
    page.get_by_role("button", name="Continue to sign in and cast").click()
    visible(page, "#signin")
    sign_in_and_cast(page, trigger_site.inbox, NAT)

    cast = [e for e in services.ballots.record(ELECTION) if e.kind == "Ballot"]
    assert len(cast) == 1
    ballot = Ballot.from_body(cast[0].body, "the cast ballot")
    assert [c.id for c in ballot.contests] == ["tram-yard"]
    assert not errors, errors
    page.close()
