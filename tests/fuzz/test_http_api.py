"""Fuzzing the HTTP API from its own OpenAPI document (schemathesis, in process, on the ASGI app):
every operation of /api/openapi.json (the role API and the booth's) on a database with a real
open election, half the cases on that election and half on a random id. No answer is a 500, and
each answer with a described status matches its schema; refusals are `{"error", "kind"}`.

Then the flows: schemathesis' state machine follows the document's links (fetch the booth's
data, ask for a sign-in code, cast, fetch the record; fetch the record or a message, post an
act), with the same checks on every step. Some of its sign-in requests name a real member, whose
mailed code the cast then carries, with a real ballot: the flow reaches the board, and the
receipt's tracking code is looked up on the public check page.

The booth's POSTs carry a valid CSRF token, so the fuzzed body reaches the handler; the rate
limits are lifted so that a case is not refused with 429 before it is read.
"""

from __future__ import annotations

import itertools
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import schemathesis
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import FlakyStrategyDefinition
from schemathesis.checks import not_a_server_error, response_schema_conformance
from schemathesis.core.transport import Response
from schemathesis.generation.case import Case
from schemathesis.generation.stateful import run_state_machine_as_test
from starlette.testclient import TestClient
from tests.fuzz.harness import FUZZ
from tests.unit.service.election_world import ELECTION
from tests.unit.web.voter_world import ServedElection, serve_election

from clearcount.bootstrap import Config, Services, build
from clearcount.service.rate_limits import RateLimits
from clearcount.web.app import create_app
from clearcount.web.security import CSRF_COOKIE, CSRF_HEADER

UNLIMITED = RateLimits().given(dict.fromkeys(("login", "code", "cast"), (10**9, 1.0)))
TOKEN = "fuzz-csrf-token"


MEMBERS = {"lee.lowther@example.org": "NTW-00001", "mo.marsden@example.org": "NTW-00002"}
"""Two of the election's voters (tests/unit/service/election_world.py), by address."""


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz-api")


@pytest.fixture(scope="module")
def world(folder: Path) -> ServedElection:
    world = serve_election(folder)
    world.services.close()
    return world


@pytest.fixture(scope="module")
def services(folder: Path, world: ServedElection) -> Iterator[Services]:
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


def test_no_flow_answers_a_server_error(world: ServedElection, services: Services) -> None:
    """The document's links followed as flows (schemathesis' state machine), each step checked:
    no 500, and every answer with a described status matches its schema."""
    app = create_app(Config(), services=services)
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    cast_label = "POST /api/elections/{election_id}/cast"
    failures: list[str] = []  # kept here too: a failing flow's replay may not fail again
    flows = itertools.count()

    class Flows(schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: Case) -> dict[str, Any]:
            return {"headers": {CSRF_HEADER: TOKEN}, "cookies": {CSRF_COOKIE: TOKEN}}

        def setup(self) -> None:
            self.steps = 0
            next(flows)

        def before_call(self, case: Case) -> None:
            # each choice a function of the case and its step (never of earlier flows), so
            # that a flow's draws are the same whenever hypothesis replays its choices
            self.steps += 1
            turn = zlib.crc32(repr((self.steps, case.path_parameters, case.body)).encode())
            parameters = case.path_parameters or {}
            if "election_id" in parameters and turn % 3:
                parameters["election_id"] = ELECTION
            if "name" in parameters and turn % 2:  # a message there is (or not yet)
                parameters["name"] = CEREMONY[turn % len(CEREMONY)]
            body = case.body if isinstance(case.body, dict) else {}
            if case.operation.label.endswith("/code") and "email" in body and turn % 2:
                body["email"] = sorted(MEMBERS)[turn % 4 // 2]
            if case.operation.label == cast_label and body.get("email") in MEMBERS:
                world.clock.advance(seconds=31)  # past the resend gap: a fresh code is mailed
                services.sign_in.request_code(ELECTION, body["email"])
                body["code"] = world.mail.code_for(body["email"])
                if turn % 4:  # a real ballot, or the fuzzed one
                    choices = {"chair": (0,), "leader": (2, 0)}
                    ballot = world.life.ballot(MEMBERS[body["email"]], choices)
                    body["ballot"] = dict(ballot.to_body())

        def after_call(self, response: Response, case: Case) -> None:
            if case.operation.label == cast_label and response.status_code == 200:
                code = response.json()["tracking_code"]
                election = (case.path_parameters or {})["election_id"]
                with TestClient(app) as client:
                    check = client.get(f"/e/{quote(election)}/board/check", params={"code": code})
                if check.status_code != 200 or code not in check.text:
                    failures.append(f"tracking code {code} not found: {check.text[:300]}")
                    raise AssertionError(failures[-1])

        def validate_response(self, response: Response, case: Case, **kwargs: Any) -> None:
            try:
                case.validate_response(response, checks=[not_a_server_error,
                                                         response_schema_conformance])  # fmt: skip
            except Exception as failure:
                failures.append(f"{case.operation.label}: {failure}")
                raise

    wanted = settings(FUZZ, stateful_step_count=STEPS, phases=[Phase.generate])
    for _ in range(RERUNS):
        # The app's database lives on between flows, so a replayed flow may draw differently
        # (FlakyStrategyDefinition); as schemathesis' own runner does, start a fresh run then
        # until the flows are done. A failed check is never lost: it is in `failures`.
        try:
            run_state_machine_as_test(Flows, settings=wanted)
        except FlakyStrategyDefinition:
            if not failures and next(flows) < wanted.max_examples:
                continue
        break
    assert not failures, failures


STEPS = 10
"""Steps per flow (each of FUZZ's examples is one flow)."""
RERUNS = 20
"""Fresh runs at most, after a replayed flow drew differently (see the test)."""
CEREMONY = ("draft-setup", "round1-1", "round1-2", "round2-3", "round2-1")
"""Key ceremony messages of the election (its GET link posts the message back)."""


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
