"""Every public and booth page in Welsh has no English sentence outside the record's own text
(issue 9 review): the booth's state, its dates, the server's refusals the booth shows.

The record's own text is English as written (names of elections, questions, candidates,
stage descriptions, the verifier's check titles: the accessibility statement says so), so the
test takes every string of the records, the declarations and the verifier's reports out of
the page first; what is left must have none of the English words below.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from tests.demo_site import SELECTION, TRIGGER_BRANCH, UNION, demo_services
from tests.unit.service.election_world import CLOSES, ELECTION, OPENS
from tests.unit.web.voter_world import ServedElection, serve_election

from clearcount.bootstrap import Config, Services
from clearcount.web.app import create_app
from clearcount.web.security import CSRF_COOKIE

_ENGLISH = """the and your you has have not yet is are this that will with from for of to in on
    by it
    its vote votes voted voting ballot closed open opens opened closes check choose please
    page download verified passed failed skipped results board election elections tracking
    sign email again server request requests too many refused expired allowed
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday british summer mean
    bst gmt utc"""
ENGLISH = frozenset(_ENGLISH.split())
"""English words a Welsh page must not show outside the record's text (none is Welsh)."""

WORD = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]+(?:['’][A-Za-z]+)*(?![A-Za-z0-9])")
TAG = re.compile(r"<(script|style|code)\b.*?</\1>|<[^>]+>", re.DOTALL)
"""Tags, and what scripts, styles and codes (tracking codes, hashes, commands) hold."""


def strings(value: object) -> Iterator[str]:
    """Every string in a JSON value, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def english_words(page: str, record_text: set[str]) -> list[str]:
    """The English words of `page`'s visible text once the record's own text is taken out."""
    text = html.unescape(TAG.sub("\n", page))
    for known in sorted(record_text, key=len, reverse=True):
        if len(known) > 1:
            text = text.replace(known, " ")
    return sorted({w for w in WORD.findall(text) if w.lower() in ENGLISH})


@pytest.fixture(scope="module")
def demo() -> Iterator[Services]:
    wired = demo_services()
    yield wired
    wired.close()


def record_text(services: Services, elections: list[str], trigger: str) -> set[str]:
    found: set[str] = set()
    for election in elections:
        checked = services.public.verification(election)
        for line in checked.record.file.read_bytes().splitlines():
            found.update(strings(json.loads(line)))
        for outcome in checked.report.outcomes:
            found.update(strings(outcome.document()))
    declaration = services.trigger.status(trigger).declaration
    assert declaration is not None
    found.update(strings(json.loads(declaration.document)))
    return found


def test_every_public_page_is_in_welsh(demo: Services) -> None:
    elections = [SELECTION, UNION, TRIGGER_BRANCH]
    known = record_text(demo, elections, TRIGGER_BRANCH)
    from clearcount.web.public.views import trigger_view

    status = demo.trigger.status(TRIGGER_BRANCH)
    assert status.declaration is not None
    for outcome in trigger_view(status.declaration, demo.public).report.outcomes:
        known.update(strings(outcome.document()))
    paths = ["/", "/accessibility", f"/t/{TRIGGER_BRANCH}", "/e/nope", "/no/such/page"]
    for election in elections:
        base = f"/e/{election}"
        paths += [base, f"{base}/board", f"{base}/board/check?code=7K3M", f"{base}/results"]
        paths += [f"{base}/record", f"{base}/verification", f"{base}/vote"]
    with TestClient(create_app(Config(), services=demo)) as client:
        client.get("/", params={"lang": "cy"})
        for path in paths:
            page = client.get(path)
            assert page.status_code in (200, 404, 422), path
            assert english_words(page.text, known) == [], path


@pytest.fixture
def booth(tmp_path: Path) -> Iterator[ServedElection]:
    world = serve_election(tmp_path)
    yield world
    world.services.close()


def test_the_booth_says_in_welsh_when_voting_opens(booth: ServedElection) -> None:
    booth.clock.at = OPENS - timedelta(days=1)
    with booth.client() as client:
        page = html.unescape(client.get(f"/e/{ELECTION}/vote", params={"lang": "cy"}).text)
    assert "Nid yw'r pleidleisio wedi agor eto: mae'n agor 10 Medi 2022, 10:00" in page
    assert "Amser Haf Prydain" in page  # the zone, in Welsh
    setup = booth.services.ballots.setup_event(ELECTION).body
    assert english_words(page, set(strings(setup))) == []


def test_the_booth_says_in_welsh_that_voting_has_closed(booth: ServedElection) -> None:
    booth.clock.at = CLOSES
    with booth.client() as client:
        page = html.unescape(client.get(f"/e/{ELECTION}/vote", params={"lang": "cy"}).text)
        english = html.unescape(client.get(f"/e/{ELECTION}/vote", params={"lang": "en"}).text)
    assert "Mae'r pleidleisio wedi cau" in page
    assert "Voting has closed" not in page
    assert "Voting has closed: this ballot takes no more votes." in english
    assert "20 September 2022, 18:00 British Summer Time" in english


def test_the_server_s_refusals_to_the_booth_are_in_the_voter_s_language(
    booth: ServedElection,
) -> None:
    api = f"/api/elections/{ELECTION}"
    with booth.client() as client:
        client.get(f"/e/{ELECTION}/vote", params={"lang": "cy"})
        client.headers["X-CSRF-Token"] = client.cookies[CSRF_COOKIE]
        code = client.post(f"{api}/code", json={"email": "nobody@example.org"})
        assert code.status_code == 202
        assert code.json()["message"].startswith("Os yw'r cyfeiriad hwn")
        body = {"email": "nobody@example.org", "code": "000000", "ballot": {}}
        refused = client.post(f"{api}/cast", json=body)
        assert refused.status_code == 403
        assert refused.json()["kind"] == "sign_in"
        assert refused.json()["error"].startswith("Nid yw'r cod hwnnw'n eich mewngofnodi")
        missing = client.post(f"{api}/cast", json={"email": "x@example.org"})
        assert missing.status_code == 400
        assert english_words(missing.json()["error"], set()) == []
        client.get("/", params={"lang": "en"})
        again = client.post(f"{api}/cast", json=body)
        assert again.json()["error"] != refused.json()["error"]  # English: the service's own


def test_the_console_s_refusal_and_its_done_sentences_are_in_welsh(booth: ServedElection) -> None:
    from clearcount.web.console.pages import DONE
    from clearcount.web.i18n import catalogue

    welsh = catalogue("cy")
    assert all(welsh.gettext(sentence) != sentence for sentence in DONE.values())
    with booth.client() as client:
        client.get("/console/sign-in", params={"lang": "cy"})
        form = {"csrf": client.cookies[CSRF_COOKIE], "username": "nobody", "password": "x" * 12}
        wrong = client.post("/console/sign-in", data=form)
    assert wrong.status_code == 403
    assert "Enw defnyddiwr, cyfrinair neu god anghywir" in html.unescape(wrong.text)
    assert "wrong username" not in wrong.text
