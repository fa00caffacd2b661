"""An official runs a ballot from the console in headless Chromium (issue 9), with axe-core on
every console page: sign in (password, then the authenticator's code), the dashboard, the
election's live turnout, reminders, closing, the tally, publishing, the audit log, the
eligibility report, the appeals and the roll import preview.

Skips when Chromium, Playwright or axe-core (booth/node_modules, `npm ci` in booth/) are
missing, and fails instead under CLEARCOUNT_REQUIRE_BROWSER=1 (CI): tests/web/conftest.py. The
server is real (uvicorn on loopback); the mail is kept in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest
from tests.principals import officer
from tests.unit.service.election_world import ELECTION
from tests.unit.service.world import OFFICER
from tests.unit.web.loopback import serving
from tests.unit.web.voter_world import ServedElection, serve_election

from clearcount.bootstrap import Config
from clearcount.service.authorisation import Role
from clearcount.web.app import create_app

pytestmark = pytest.mark.browser

PASSWORD = "a long enough password"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[ServedElection]:
    world = serve_election(tmp_path)
    yield world
    world.services.close()


def test_an_official_runs_a_ballot_from_the_console(
    browser: Any, axe_check: Callable[[Any], None], served: ServedElection, tmp_path: Path
) -> None:
    new = served.services.officials.add(
        officer(OFFICER), "northfold-twu", "rquayle", "R. Quayle", Role.OFFICER, PASSWORD
    )
    totp = pyotp.parse_uri(new.provisioning_uri)
    app = create_app(Config(), services=served.services)
    app.state.publish_dir = tmp_path / "published"
    with serving(app) as base:
        context = browser.new_context(bypass_csp=False)
        page = context.new_page()
        page.goto(f"{base}/console")
        assert page.url.endswith("/console/sign-in")
        axe_check(page)
        page.get_by_label("Username").fill("rquayle")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Continue").click()
        page.wait_for_url("**/console/sign-in/code")
        axe_check(page)
        page.get_by_label("6-digit code").fill(totp.at(served.clock.now()))
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{base}/console")
        axe_check(page)
        page.get_by_role("link", name="Executive election 2022").click()
        page.wait_for_url(f"**/console/e/{ELECTION}")
        assert "0 of 5 eligible members have voted." in page.content()
        axe_check(page)
        page.get_by_role("button", name="Send reminders").click()
        page.wait_for_load_state()
        assert "Reminders were sent" in page.content()
        page.get_by_label("Reason (needed before the published closing time)").fill(
            "the branch meeting voted to close early"
        )
        page.get_by_role("button", name="Close to online voting").click()
        page.wait_for_load_state()
        assert "The ballot is closed" in page.content()
        page.get_by_role("button", name="Compute the encrypted tally").click()
        page.wait_for_load_state()
        assert "encrypted tally is on the record" in page.content()
        axe_check(page)
        page.get_by_role("button", name="Publish and verify the record").click()
        page.wait_for_load_state()
        assert "published and verified" in page.content()
        for link in ("Audit log", "Eligibility report", "Appeals"):
            page.goto(f"{base}/console/e/{ELECTION}")
            page.get_by_role("link", name=link).click()
            page.wait_for_load_state()
            axe_check(page)
        page.goto(f"{base}/console/roll")
        axe_check(page)
        members = Path(__file__).parents[1] / "fixtures" / "members" / "northfold_twu.csv"
        page.get_by_label("Membership export").set_input_files(str(members))
        page.get_by_role("button", name="Preview the changes").click()
        page.wait_for_load_state()
        assert "What this import will change" in page.content()
        axe_check(page)
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url("**/console/sign-in*")
        context.close()
    assert served.services.ballots.status(ELECTION).phase == "counting"
    assert any(m.to == "lee.lowther@example.org" for m in served.mail.sent)
