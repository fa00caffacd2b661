"""Officials' accounts and two-factor sign-in (issue 9): argon2id, TOTP once only, locks,
rate limits, server-side sessions with a new token after sign-in."""

from __future__ import annotations

from datetime import datetime

import pyotp
import pytest
import sqlalchemy as sa
from tests.principals import officer
from tests.unit.service.world import OFFICER, World

from clearcount.crypto.sealing import Sealer, ServerKey
from clearcount.service.authorisation import Principal, Role
from clearcount.service.errors import (
    ConflictError,
    NotAuthorisedError,
    ValidationError,
)
from clearcount.service.officials.accounts import (
    IDLE_FOR,
    LOCK_FOR,
    MAX_FAILURES,
    NewOfficial,
    OfficialService,
    OfficialSignInError,
)
from clearcount.service.officials.records import TOTP_PURPOSE
from clearcount.service.rate_limits import RateLimitService

PASSWORD = "correct horse battery"


def sealer(key: bytes = bytes(range(32)), source: str = "the test key") -> Sealer:
    return Sealer(TOTP_PURPOSE, lambda: ServerKey(key, source))


@pytest.fixture
def service(world: World) -> OfficialService:
    world.union()
    limits = RateLimitService(world.store.unit_of_work, world.clock)
    return OfficialService(world.store.unit_of_work, world.clock, sealer(), limits)


def make(service: OfficialService, role: Role = Role.OFFICER) -> NewOfficial:
    return service.add(officer(OFFICER), "northfold-twu", "rquayle", "R. Quayle", role, PASSWORD)


def code(new: NewOfficial, at: datetime) -> str:
    return pyotp.parse_uri(new.provisioning_uri).at(at)  # type: ignore[no-any-return]


def test_sign_in_with_password_then_code_gives_the_official_as_principal(
    service: OfficialService, world: World
) -> None:
    new = make(service)
    assert new.provisioning_uri.startswith("otpauth://totp/clearcount:rquayle?secret=")
    pending = service.sign_in("rquayle", PASSWORD, "192.0.2.1")
    assert service.session(pending) is None  # a pending token is no session
    session = service.confirm_code(pending, code(new, world.clock.now()), "192.0.2.1")
    assert session.token != pending
    assert session.principal == Principal("R. Quayle", Role.OFFICER)
    assert service.session(session.token) == session
    service.sign_out(session.token)
    assert service.session(session.token) is None


def test_the_database_holds_an_argon2id_hash_and_no_usable_token(
    service: OfficialService, world: World
) -> None:
    new = make(service)
    pending = service.sign_in("rquayle", PASSWORD, "a")
    session = service.confirm_code(pending, code(new, world.clock.now()), "a")
    with world.store.engine.connect() as c:
        stored = c.execute(sa.text("SELECT password_hash FROM officials")).scalar_one()
        tokens = c.execute(sa.text("SELECT token_hash FROM official_sessions")).scalars().all()
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert session.token not in tokens
    assert len(tokens) == 1


@pytest.mark.parametrize(
    ("username", "password"),
    [("rquayle", "wrong password here"), ("nobody", PASSWORD)],
)
def test_a_wrong_password_or_unknown_account_gets_one_message(
    service: OfficialService, username: str, password: str
) -> None:
    make(service)
    with pytest.raises(OfficialSignInError, match="wrong username, password or code"):
        service.sign_in(username, password, "a")


def test_a_wrong_code_and_a_replayed_code_are_refused(
    service: OfficialService, world: World
) -> None:
    new = make(service)
    now = world.clock.now()
    pending = service.sign_in("rquayle", PASSWORD, "a")
    with pytest.raises(OfficialSignInError):
        service.confirm_code(pending, "000000" if code(new, now) != "000000" else "111111", "a")
    used = code(new, now)
    service.confirm_code(pending, used, "a")  # the pending session survived the wrong code
    again = service.sign_in("rquayle", PASSWORD, "a")
    with pytest.raises(OfficialSignInError):
        service.confirm_code(again, used, "a")  # the same code at the same step: a replay
    world.clock.advance(seconds=30)
    service.confirm_code(again, code(new, world.clock.now()), "a")


def test_locked_after_max_failures_even_with_the_right_password(
    service: OfficialService, world: World
) -> None:
    new = make(service)
    for _ in range(MAX_FAILURES):
        with pytest.raises(OfficialSignInError):
            service.sign_in("rquayle", "wrong password here", "a")
    with pytest.raises(OfficialSignInError):
        service.sign_in("rquayle", PASSWORD, "a")
    assert service.officials(officer(), "northfold-twu")[0].locked
    world.clock.advance(seconds=LOCK_FOR.total_seconds() + 1)
    pending = service.sign_in("rquayle", PASSWORD, "a")
    service.confirm_code(pending, code(new, world.clock.now()), "a")


def test_one_address_is_rate_limited(service: OfficialService) -> None:
    make(service)
    refused = 0
    for i in range(25):
        try:
            service.sign_in(f"nobody{i}", PASSWORD, "203.0.113.9")
        except OfficialSignInError:
            refused += 1
    with pytest.raises(OfficialSignInError):
        service.sign_in("rquayle", PASSWORD, "203.0.113.9")  # right, but over the limit
    service.sign_in("rquayle", PASSWORD, "198.51.100.7")  # another address is not


def test_an_idle_session_ends(service: OfficialService, world: World) -> None:
    new = make(service)
    pending = service.sign_in("rquayle", PASSWORD, "a")
    session = service.confirm_code(pending, code(new, world.clock.now()), "a")
    world.clock.advance(seconds=IDLE_FOR.total_seconds() + 1)
    assert service.session(session.token) is None


def test_accounts_are_made_by_an_officer_with_a_real_password(service: OfficialService) -> None:
    with pytest.raises(NotAuthorisedError):
        service.add(Principal("t", Role.TELLER), "northfold-twu", "tt", "T", Role.TELLER, PASSWORD)
    with pytest.raises(ValidationError, match="at least 12 characters"):
        service.add(officer(), "northfold-twu", "tt1", "T", Role.TELLER, "short")
    with pytest.raises(ValidationError, match="not voter"):
        service.add(officer(), "northfold-twu", "tt2", "T", Role.VOTER, PASSWORD)
    make(service)
    with pytest.raises(ConflictError, match="taken"):
        make(service)


def test_a_session_refuses_another_organisations_objects(
    service: OfficialService, world: World
) -> None:
    new = make(service)
    session = service.confirm_code(
        service.sign_in("rquayle", PASSWORD, "a"), code(new, world.clock.now()), "a"
    )
    session.require_organisation("northfold-twu")
    with pytest.raises(NotAuthorisedError, match="organisation"):
        session.require_organisation("ashby-labour")
