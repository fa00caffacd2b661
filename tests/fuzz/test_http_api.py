"""Fuzzing the HTTP API from its own OpenAPI document (schemathesis, in process, on the ASGI app):
every operation of /api/openapi.json (the role API and the booth's) on a database with a real
open election, half the cases on that election and half on a random id. No answer is a 500, and
each answer with a described status matches its schema; refusals are `{"error", "kind"}`.

The booth's POSTs carry a valid CSRF token, so the fuzzed body reaches the handler; the rate
limits are lifted so that a case is not refused with 429 before it is read.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import pytest
import schemathesis
from hypothesis import given
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error, response_schema_conformance
from starlette.testclient import TestClient
from tests.fuzz.harness import FUZZ
from tests.unit.service.election_world import ELECTION
from tests.unit.web.voter_world import serve_election

from clearcount.bootstrap import Config, Services, build
from clearcount.service.rate_limits import RateLimits
from clearcount.web.app import create_app
from clearcount.web.security import CSRF_COOKIE, CSRF_HEADER

UNLIMITED = RateLimits().given(dict.fromkeys(("login", "code", "cast"), (10**9, 1.0)))
TOKEN = "fuzz-csrf-token"


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    folder = tmp_path_factory.mktemp("fuzz-api")
    world = serve_election(folder)
    world.services.close()
    config = Config(database_url=f"sqlite:///{folder / 'clearcount.db'}", verifier_workers=1,
                    rate_limits=UNLIMITED)  # fmt: skip
    unlimited = build(config, clock=world.clock, mailer=world.mail)
    yield unlimited
    unlimited.close()


def test_no_operation_answers_a_server_error(services: Services) -> None:
    """Each operation of the document in turn, as hypothesis tests built from schemathesis'
    strategies (not its pytest plugin, which reaches into pytest's private node ids)."""
    schema = schemathesis.openapi.from_asgi(
        "/api/openapi.json", create_app(Config(), services=services)
    )
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 14

    for operation in operations:

        @FUZZ
        @given(case=operation.as_strategy(), real=st.booleans())
        def fuzzed(case, real: bool) -> None:  # type: ignore[no-untyped-def]
            if real and "election_id" in (case.path_parameters or {}):
                case.path_parameters["election_id"] = ELECTION
            case.call_and_validate(
                headers={CSRF_HEADER: TOKEN},
                cookies={CSRF_COOKIE: TOKEN},
                checks=[not_a_server_error, response_schema_conformance],
            )

        fuzzed()


@pytest.mark.parametrize(
    "path",
    [
        f"/api/elections/{ELECTION}/code",
        f"/api/elections/{ELECTION}/cast",
        f"/api/roles/elections/{ELECTION}/ceremony/round1-1",
        f"/api/roles/elections/{ELECTION}/partial-decryptions",
    ],
)
@pytest.mark.parametrize("body", [b"[" * 100_000, b'{"email": ' + b"9" * 5000 + b"}"])
def test_json_too_deep_or_too_long_is_a_400_not_a_500(
    services: Services, path: str, body: bytes
) -> None:
    with TestClient(create_app(Config(), services=services)) as client:
        client.cookies[CSRF_COOKIE] = TOKEN
        answer = client.post(path, content=body, headers={CSRF_HEADER: TOKEN})
    assert answer.status_code == 400
    assert set(answer.json()) == {"error", "kind"}


PUBLIC = ["/e/{e}", "/e/{e}/board", "/e/{e}/board/check", "/e/{e}/results", "/e/{e}/record",
          "/e/{e}/record/download", "/e/{e}/verification", "/e/{e}/vote", "/t/{e}",
          "/t/{e}/declaration.json"]  # fmt: skip
"""The public pages (HTML, not in the OpenAPI document): every one a GET with an id and a query."""


def test_no_public_page_answers_a_server_error(services: Services) -> None:
    ids = st.sampled_from([ELECTION]) | st.text(min_size=1, max_size=40).filter(
        lambda t: "/" not in t and t not in (".", "..")
    )
    queries = st.dictionaries(st.sampled_from(["q", "page", "code", "lang"]), st.text(max_size=80))

    with TestClient(create_app(Config(), services=services)) as client:

        @FUZZ
        @given(page=st.sampled_from(PUBLIC), election=ids, query=queries)
        def fuzzed(page: str, election: str, query: dict[str, str]) -> None:
            answer = client.get(page.replace("{e}", quote(election, safe="")), params=query)
            assert answer.status_code < 500, (page, election, query, answer.text[:300])

        fuzzed()
