"""The booth's cast in one transaction (service.elections.booth_cast, issue 12): what it keeps.

Sign-in code, cast rate limit, ballot and the code used up are one unit of work; a refused
ballot leaves the code usable and still counts against the limit; a used code answers only a
byte-identical re-send of the stored ballot (its receipt, `resent`), never a new ballot.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from tests.unit.service.election_world import ELECTION
from tests.unit.service.test_casting import CommitThenLost
from tests.unit.web.test_voter_api import API, LEE, MO, ballot_body, sign_in
from tests.unit.web.voter_world import ServedElection, serve_election

from clearcount.service.elections.booth_cast import BoothCasting
from clearcount.service.elections.casting import CastingService
from clearcount.service.elections.sign_in import LIFETIME, SignInCode
from clearcount.service.errors import CommitUncertainError
from clearcount.service.rate_limits import Limit, RateLimits
from clearcount.storage.store import SqlUnitOfWork
from clearcount.web.security import CSRF_COOKIE


@pytest.fixture
def served(tmp_path: Path) -> Iterator[ServedElection]:
    world = serve_election(tmp_path)
    yield world
    world.services.close()


@pytest.fixture
def client(served: ServedElection) -> Iterator[TestClient]:
    with served.client() as test_client:
        test_client.get(f"/e/{ELECTION}/vote")
        test_client.headers["X-CSRF-Token"] = test_client.cookies[CSRF_COOKIE]
        yield test_client


def ballots_on_board(served: ServedElection) -> int:
    """How many Ballot events the election's record holds."""
    return sum(
        1 for e in served.services.ballots.record(ELECTION) if getattr(e, "kind", "") == "Ballot"
    )


def test_a_cast_is_one_transaction_and_its_receipt_is_mailed(
    client: TestClient, served: ServedElection, monkeypatch: pytest.MonkeyPatch
) -> None:
    member, email = LEE
    code = sign_in(client, served, email)
    body = {"email": email, "code": code, "ballot": ballot_body(served, member)}
    opened: list[SqlUnitOfWork] = []
    enter = SqlUnitOfWork.__enter__

    def counted(self: SqlUnitOfWork) -> SqlUnitOfWork:
        opened.append(self)
        return enter(self)

    monkeypatch.setattr(SqlUnitOfWork, "__enter__", counted)
    response = client.post(f"{API}/cast", json=body)
    assert response.status_code == 200, response.text
    assert len(opened) == 1, "sign-in, rate limit, cast and the code used up: one transaction"
    assert response.json()["tracking_code"] in served.mail.sent[-1].body


def test_a_resent_ballot_gets_its_receipt_though_its_code_is_used(
    client: TestClient, served: ServedElection
) -> None:
    member, email = LEE
    code = sign_in(client, served, email)
    body = {"email": email, "code": code, "ballot": ballot_body(served, member)}
    first = client.post(f"{API}/cast", json=body)
    assert first.status_code == 200, first.text
    again = client.post(f"{API}/cast", json=body)  # the first answer was lost
    assert again.status_code == 200, again.text
    assert again.json()["resent"] is True
    assert again.json()["tracking_code"] == first.json()["tracking_code"]
    assert again.json()["seq"] == first.json()["seq"]
    fresh = {**body, "ballot": ballot_body(served, member, 1)}
    refused = client.post(f"{API}/cast", json=fresh)
    assert refused.status_code == 403, "a used code casts no new ballot"
    assert refused.json()["kind"] == "sign_in"
    assert ballots_on_board(served) == 1


def test_a_used_code_does_not_resend_another_members_ballot(
    client: TestClient, served: ServedElection
) -> None:
    lee, lee_email = LEE
    mo, mo_email = MO
    code = sign_in(client, served, lee_email)
    lees = ballot_body(served, lee)
    assert client.post(f"{API}/cast", json={"email": lee_email, "code": code, "ballot": lees})
    mo_code = sign_in(client, served, mo_email)
    mine = {"email": mo_email, "code": mo_code, "ballot": ballot_body(served, mo)}
    assert client.post(f"{API}/cast", json=mine).status_code == 200  # Mo's code is used up
    response = client.post(f"{API}/cast", json={**mine, "ballot": lees})
    assert response.status_code == 409, response.text
    assert response.json()["kind"] == "credential_bound"
    assert ballots_on_board(served) == 2


def test_refused_casts_leave_the_code_usable_and_count_against_the_limit(
    client: TestClient, served: ServedElection
) -> None:
    member, email = LEE
    code = sign_in(client, served, email)
    served.services.rate_limits.limits = RateLimits(cast=Limit(3, 600))
    forged = ballot_body(served, member)
    forged["contests"][0] = ballot_body(served, member, 2)["contests"][0]
    for _ in range(2):
        refused = client.post(f"{API}/cast", json={"email": email, "code": code, "ballot": forged})
        assert refused.status_code == 422
    good = {"email": email, "code": code, "ballot": ballot_body(served, member)}
    cast = client.post(f"{API}/cast", json=good)
    assert cast.status_code == 200, "refused ballots leave the code usable"
    limited = client.post(f"{API}/cast", json={**good, "ballot": ballot_body(served, member, 1)})
    assert limited.status_code == 429, "the refused casts counted against the limit"
    wrong = client.post(f"{API}/cast", json={**good, "code": "000000"})
    assert wrong.status_code == 429


def test_a_cast_whose_answer_was_lost_in_the_commit_is_answered_on_the_resend(
    client: TestClient, served: ServedElection
) -> None:
    """CommitUncertainError after the commit went through: the code was used up with the
    stored ballot, and the same ballot sent again with it gets the stored receipt."""
    member, email = LEE
    code = sign_in(client, served, email)
    ballot = ballot_body(served, member)
    services = served.services
    store = served.life.world.store
    lost = BoothCasting(CastingService(lambda: CommitThenLost(store), services.clock),
                        services.sign_in, services.rate_limits)  # fmt: skip
    with pytest.raises(CommitUncertainError, match="cannot tell whether your ballot"):
        lost.cast(ELECTION, email, code, None, ballot, "192.0.2.1")
    again = client.post(f"{API}/cast", json={"email": email, "code": code, "ballot": ballot})
    assert again.status_code == 200, again.text
    assert again.json()["resent"] is True
    assert ballots_on_board(served) == 1


def test_a_shared_address_with_another_members_older_code_still_signs_in(
    client: TestClient, served: ServedElection
) -> None:
    """The code fits one member of a shared address and not the other's older code: that is a
    wrong try for the other (counted, as `authenticate` always did) and the cast goes on."""
    from tests.principals import officer

    served.life.world.members.update(
        officer(), "northfold-twu", MO[0], "shares a household address", email=LEE[1]
    )
    code = sign_in(client, served, LEE[1])
    now = served.clock.now()
    with served.services.store.unit_of_work() as uow:
        uow.sign_in_codes.put(SignInCode(ELECTION, MO[0], "0" * 64, "00" * 16, now, now + LIFETIME))
        uow.commit()
    body = {
        "email": LEE[1],
        "code": code,
        "member_id": LEE[0],
        "ballot": ballot_body(served, LEE[0]),
    }
    response = client.post(f"{API}/cast", json=body)
    assert response.status_code == 200, response.text
    with served.services.store.unit_of_work() as uow:
        mine, other = (uow.sign_in_codes.get(ELECTION, m) for m in (LEE[0], MO[0]))
    assert mine is not None
    assert mine.used
    assert other is not None
    assert other.failures == 1


def test_a_resend_counts_against_the_limit(client: TestClient, served: ServedElection) -> None:
    member, email = LEE
    code = sign_in(client, served, email)
    served.services.rate_limits.limits = RateLimits(cast=Limit(2, 600))
    body = {"email": email, "code": code, "ballot": ballot_body(served, member)}
    assert client.post(f"{API}/cast", json=body).status_code == 200
    assert client.post(f"{API}/cast", json=body).json()["resent"] is True
    assert client.post(f"{API}/cast", json=body).status_code == 429
