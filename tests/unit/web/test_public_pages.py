"""The public pages over the demo's published elections: every page, every refusal (issue 9)."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from markupsafe import escape
from starlette.testclient import TestClient
from tests.demo_site import SELECTION, TRIGGER_BRANCH, UNION, copy_database, demo_services
from tests.unit.reports.test_result_document import RESULT

from clearcount.bootstrap import Config, Services
from clearcount.record.archive import read_record
from clearcount.record.events import tracking_code
from clearcount.record.result_body import result_body
from clearcount.service.elections.results import ContestDeclaration
from clearcount.verifier import CATALOGUE, verify_record
from clearcount.web.app import create_app
from clearcount.web.public import routes as public_routes
from clearcount.web.public.views import contest_view
from clearcount.web.templating import make_templates

CODE = re.compile(r"<code>([0-9A-Z]{4}(?:-[0-9A-Z]{4}){7})</code>")


@pytest.fixture(scope="module")
def services() -> Iterator[Services]:
    wired = demo_services()
    yield wired
    wired.close()


@pytest.fixture(scope="module")
def client(services: Services) -> Iterator[TestClient]:
    with TestClient(create_app(Config(), services=services)) as c:
        yield c


def board_codes(client: TestClient, election: str) -> list[str]:
    page = client.get(f"/e/{election}/board")
    assert page.status_code == 200
    return CODE.findall(page.text)


def test_the_index_lists_every_published_election(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    for election in (SELECTION, UNION, TRIGGER_BRANCH):
        assert f'href="/e/{election}"' in page.text
    assert "Result and record published" in page.text
    assert "British Summer Time" in page.text  # times in Europe/London, with the zone


def test_an_election_page_links_its_public_pages(client: TestClient) -> None:
    page = client.get(f"/e/{SELECTION}")
    assert page.status_code == 200
    assert "Ashby Vale selection 2031" in page.text
    for part in ("board", "results", "record", "verification"):
        assert f'href="/e/{SELECTION}/{part}"' in page.text


UNKNOWN = ("", "/board", "/results", "/record", "/verification", "/record/download", "/board/check")


@pytest.mark.parametrize("path", [f"/e/nope{tail}" for tail in UNKNOWN])
def test_an_unknown_election_is_a_404_page_saying_so(client: TestClient, path: str) -> None:
    page = client.get(path)
    assert page.status_code == 404
    assert "no such election" in page.text
    assert page.headers["content-type"].startswith("text/html")


def test_the_board_lists_every_ballot_s_tracking_code(
    client: TestClient, services: Services
) -> None:
    codes = board_codes(client, SELECTION)
    ballots = read_record(services.public.published_record(SELECTION).file)
    on_record = [tracking_code(e) for e in ballots if e.kind == "Ballot"]
    assert codes == on_record
    assert len(codes) == len(set(codes)) > 10
    assert f"{len(codes)} ballots on the board." in client.get(f"/e/{SELECTION}/board").text
    everything = services.public.board(SELECTION, "", 1, 1000)
    assert [e.tracking_code for e in everything.entries] == codes


@pytest.mark.parametrize("length", [1, 2, 3, 4, 5, 7, 8, 39])
def test_a_search_by_prefix_finds_the_code(client: TestClient, length: int) -> None:
    codes = board_codes(client, SELECTION)
    wanted = codes[3][:length]
    page = client.get(f"/e/{SELECTION}/board", params={"q": wanted.lower()})
    assert page.status_code == 200
    found = CODE.findall(page.text)
    assert codes[3] in found
    assert all(c.startswith(wanted) for c in found)
    assert found == [c for c in codes if c.startswith(wanted)]


def test_a_search_that_is_no_tracking_code_says_so(client: TestClient) -> None:
    page = client.get(f"/e/{SELECTION}/board", params={"q": "<script>"})
    assert page.status_code == 422
    assert "A tracking code has only the characters" in page.text
    assert "<script>" not in page.text
    assert CODE.findall(page.text) == board_codes(client, SELECTION)


def test_the_board_is_paged(
    client: TestClient, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    codes = board_codes(client, SELECTION)
    count = -(-len(codes) // 5)
    pages = [services.public.board(SELECTION, "", n, 5) for n in range(1, count + 1)]
    assert all(len(p.entries) == 5 for p in pages[:-1])
    assert [e.tracking_code for p in pages for e in p.entries] == codes
    assert services.public.board(SELECTION, "", count + 1, 5).entries == ()
    monkeypatch.setattr(public_routes, "PAGE_SIZE", 5)
    second = client.get(f"/e/{SELECTION}/board", params={"page": "2"})
    assert CODE.findall(second.text) == codes[5:10]
    assert f"Page 2 of {count}" in second.text
    assert 'rel="prev"' in second.text
    assert 'rel="next"' in second.text
    # a prefix search that is not nibble-aligned pages in Python, the same way
    first = codes[0][0]
    matching = [c for c in codes if c.startswith(first)]
    assert services.public.board(SELECTION, first, 1, 1).total == len(matching)


def expected_states(services: Services, election: str) -> dict[str, str]:
    """Each ballot's state worked out from the published record itself (spec §11.4-§11.6)."""
    events = read_record(services.public.published_record(election).file)
    cancelled = {
        str(c) for e in events if e.kind == "PaperBatch" for c in e.body["cancelled_credentials"]
    }
    ballots = [e for e in events if e.kind == "Ballot"]
    last = {str(e.body["credential"]): e.seq for e in ballots}
    return {
        tracking_code(e): "cancelled"
        if str(e.body["credential"]) in cancelled
        else "counted"
        if last[str(e.body["credential"])] == e.seq
        else "replaced"
        for e in ballots
    }


def test_checking_a_tracking_code_says_whether_it_counts(
    client: TestClient, services: Services
) -> None:
    words = {
        "counted": "it is the one that counts",
        "replaced": "it has been replaced",
        "cancelled": "that vote counts instead",
    }
    expected = expected_states(services, SELECTION)
    assert set(expected) == set(board_codes(client, SELECTION))
    assert "counted" in expected.values()
    assert "cancelled" in expected.values()  # the demo's online voters who then voted on paper
    for code, state in expected.items():
        page = client.get(f"/e/{SELECTION}/board/check", params={"code": code})
        assert page.status_code == 200
        assert code in page.text
        assert words[state] in page.text, (code, state)


def test_checking_a_mistyped_or_absent_code_says_so(client: TestClient) -> None:
    code = board_codes(client, SELECTION)[0]
    mistyped = client.get(f"/e/{SELECTION}/board/check", params={"code": code[:-1]})
    assert mistyped.status_code == 422
    assert "That is not a tracking code" in mistyped.text
    other = ("0" if code[0] != "0" else "1") + code[1:]
    absent = client.get(f"/e/{SELECTION}/board/check", params={"code": other})
    assert absent.status_code == 404
    assert "No ballot with this tracking code is on the board" in absent.text
    assert client.get(f"/e/{SELECTION}/board/check").status_code == 200  # the empty form


def test_results_have_the_stage_table_and_the_transfers_chart(
    client: TestClient, services: Services
) -> None:
    page = client.get(f"/e/{SELECTION}/results")
    assert page.status_code == 200
    text = page.text
    assert "The count, stage by stage" in text
    assert '<th scope="row">Amal Okafor</th>' in text
    assert "style=" not in text  # the CSP forbids inline style
    assert "<script" not in text
    # the demo's votes vary from run to run: a majority at once is one stage and no chart
    (contest,) = services.results.declaration(SELECTION).contests
    stages = contest.count["stages"]
    assert isinstance(stages, list)
    assert ("<svg" in text) == (len(stages) > 1)
    assert ("Transfers between stages" in text) == (len(stages) > 1)


def test_the_transfers_chart_is_accessible_svg_with_a_table() -> None:
    """A two-stage count (tests/unit/reports' RESULT) drawn as the results page draws it."""
    declaration = ContestDeclaration(
        "leader", "Leader", "stv-scottish", 1, None, 5, ("Ann Lee",), {}, result_body(RESULT)
    )
    view = contest_view(declaration)
    assert view.chart is not None
    text = make_templates().env.get_template("public/_sankey.html").render(chart=view.chart, c=view)
    svg = text[text.index("<svg") : text.index("</svg>")]
    assert 'role="img"' in svg
    assert 'aria-labelledby="sankey-leader-title sankey-leader-desc"' in svg
    assert '<title id="sankey-leader-title">Transfers chart for Leader</title>' in svg
    assert "<desc" in svg
    assert "style=" not in text
    assert "Ann Lee: 4" in svg
    rows = re.findall(r"<tr>\s*<td>(\d+)</td>\s*<td>([^<]*)</td>\s*<td>([^<]*)</td>", text)
    assert rows == [
        ("1", "Bo Chan", "Ann Lee"),
        ("1", "Bo Chan", "Exhausted or non-transferable"),
    ]


def test_results_of_a_yes_no_ballot_show_each_threshold(
    client: TestClient, services: Services
) -> None:
    page = client.get(f"/e/{UNION}/results")
    assert page.status_code == 200
    text = page.text
    contests = services.results.declaration(UNION).contests
    assert len(contests) == 2
    verdicts = [bool(c.count["outcome"]["carried"]) for c in contests]  # type: ignore[index]
    assert text.count(">Carried<") == verdicts.count(True)
    assert text.count(">Not carried<") == verdicts.count(False)
    for contest in contests:
        for test in contest.count["outcome"]["tests"]:  # type: ignore[index]
            assert str(escape(test["rule"])) in text
            assert f"{test['counted']} of {test['of']}" in text
    assert ">Met<" in text or ">Not met<" in text
    assert "<svg" not in text  # one stage: nothing to chart


def test_the_record_is_the_exact_published_bytes_with_its_hashes(
    client: TestClient, services: Services
) -> None:
    download = client.get(f"/e/{SELECTION}/record/download")
    assert download.status_code == 200
    published = services.public.published_record(SELECTION)
    assert download.content == published.file.read_bytes()
    assert "attachment" in download.headers["content-disposition"]
    page = client.get(f"/e/{SELECTION}/record")
    assert hashlib.sha256(download.content).hexdigest() in page.text
    report = verify_record(published.file, workers=1)
    assert report.ok
    assert report.head is not None
    assert report.head in page.text
    assert "Verified" in page.text


def test_the_verifier_s_report_lists_every_check(client: TestClient) -> None:
    page = client.get(f"/e/{UNION}/verification")
    assert page.status_code == 200
    assert "Verified: every check passed." in page.text
    ids = [spec.id for spec in CATALOGUE]
    assert sum(1 for i in ids if f"<code>{i}</code>" in page.text) >= len(ids) - 2


def test_the_report_is_cached_by_record_hash(services: Services) -> None:
    first = services.public.verification(UNION)
    second = services.public.verification(UNION)
    assert first.report is second.report


@pytest.fixture
def altered(tmp_path: Path) -> Iterator[TestClient]:
    """A copy of the demo where UNION's record is unpublished and TRIGGER_BRANCH has no record."""
    url = copy_database(tmp_path)
    with sqlite3.connect(tmp_path / "clearcount.db") as db:
        for (trigger,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'"):
            db.execute(f'DROP TRIGGER "{trigger}"')  # append-only guards, in this copy only
        db.execute("DELETE FROM publications WHERE election_id = ?", (UNION,))
        db.execute("DELETE FROM publications WHERE election_id = ?", (TRIGGER_BRANCH,))
        db.execute("DELETE FROM record_events WHERE election_id = ?", (TRIGGER_BRANCH,))
        db.execute("DELETE FROM record_event_counts WHERE election_id = ?", (TRIGGER_BRANCH,))
    wired = demo_services(url)
    with TestClient(create_app(Config(), services=wired)) as c:
        yield c
    wired.close()


def test_an_unpublished_record_cannot_be_downloaded(altered: TestClient) -> None:
    for path in ("record", "record/download", "verification"):
        page = altered.get(f"/e/{UNION}/{path}")
        assert page.status_code == 404, path
        assert "not published yet" in page.text
    assert altered.get(f"/e/{UNION}/board").status_code == 200  # the board is public meanwhile
    assert altered.get(f"/e/{UNION}/results").status_code == 200
    assert "Voting has closed" in altered.get(f"/e/{UNION}").text


def test_an_election_whose_record_has_not_begun_does_not_exist(altered: TestClient) -> None:
    page = altered.get(f"/e/{TRIGGER_BRANCH}")
    assert page.status_code == 404
    assert "no such election" in page.text
    assert f'href="/e/{TRIGGER_BRANCH}"' not in altered.get("/").text


def test_welsh_is_chosen_by_query_and_kept_in_a_cookie(
    client: TestClient, services: Services
) -> None:
    ballots = len(board_codes(client, SELECTION))
    with TestClient(create_app(Config(), services=services)) as c:
        first = c.get(f"/e/{SELECTION}/results", params={"lang": "cy"})
        assert '<html lang="cy">' in first.text
        assert "Y cyfrif, fesul cam" in first.text
        assert "lang=cy" in first.headers["set-cookie"]
        assert "Amal Okafor" in first.text  # names stay as the election wrote them
        again = c.get(f"/e/{SELECTION}/board")
        assert '<html lang="cy">' in again.text
        assert f"Nifer y pleidleisiau ar y bwrdd: {ballots}." in again.text
        back = c.get("/", params={"lang": "en"})
        assert '<html lang="en">' in back.text
        assert "Elections" in back.text


def test_the_browser_s_language_is_the_default(client: TestClient) -> None:
    page = client.get("/accessibility", headers={"accept-language": "cy-GB,cy;q=0.9,en;q=0.5"})
    assert '<html lang="cy">' in page.text
    assert "Datganiad hygyrchedd" in page.text


def test_the_accessibility_statement_says_what_was_tested_and_whom_to_tell(
    client: TestClient,
) -> None:
    page = client.get("/accessibility", params={"lang": "en"})
    assert page.status_code == 200
    for words in ("WCAG", "2.2", "AA", "axe-core", "Reporting a problem", "returning officer"):
        assert words in page.text
    assert "400%" in page.text


TRIGGER = "av-trigger-2031"


def test_the_trigger_declaration_is_read_and_verified(
    client: TestClient, services: Services
) -> None:
    page = client.get(f"/t/{TRIGGER}")
    assert page.status_code == 200
    entry = services.trigger.status(TRIGGER).declaration
    assert entry is not None
    document = json.loads(entry.document)
    assert str(escape(document["verdict"])) in page.text
    for branch in document["branches"]:  # one election, a contest per branch (issue 11)
        link = f'<a href="/e/{document["election_id"]}">{escape(branch["name"])}</a>'
        assert link in page.text
    for vote in document["affiliates"]:
        assert str(escape(vote["officer"])) in page.text
    for abstention in document["abstentions"]:  # the Fabian Society did not meet
        assert str(escape(abstention["body"])) in page.text
    assert "V-TRIG-READ-1" in page.text
    assert "Failed" not in page.text
    assert '<strong class="passed">Verified</strong>' in page.text
    assert entry.hash in page.text
    download = client.get(f"/t/{TRIGGER}/declaration.json")
    assert download.status_code == 200
    assert hashlib.sha256(download.content).hexdigest() == entry.hash
    assert download.content == entry.document.encode("utf-8")


def test_an_unknown_trigger_ballot_is_a_404(client: TestClient) -> None:
    assert client.get("/t/nope").status_code == 404
    assert client.get("/t/nope/declaration.json").status_code == 404


def test_refusal_pages_are_in_welsh_too(client: TestClient) -> None:
    page = client.get("/e/nope/results", params={"lang": "cy"})
    assert page.status_code == 404
    assert "Heb ddod o hyd i&#39;r dudalen" in page.text
    assert "Nid oes etholiad o&#39;r fath yma" in page.text
    missing = client.get("/nothing/here", params={"lang": "cy"})
    assert missing.status_code == 404
    assert "Nid oes tudalen yn y cyfeiriad hwn" in missing.text
