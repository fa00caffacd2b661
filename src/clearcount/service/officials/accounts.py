"""Officials' accounts, their two-factor sign-in and their sessions (issue 9).

`add` makes an account for an organisation with one role and returns the TOTP provisioning
URI once (it is not shown again). Sign-in is two steps, each refused with the same message
whatever was wrong (no account enumeration):

1. `sign_in(username, password, address)`: the address's rate limit, the account's lock, then
   the argon2id hash. Right: a short-lived PENDING session whose token only `confirm_code` takes.
2. `confirm_code(pending_token, code, address)`: the TOTP code (RFC 6238) at a time step after the
   last one accepted (a code works once). Right: the pending session is deleted and a new session
   with a new token is made (so a token planted before sign-in never becomes a signed-in one),
   the failure count is reset, and "official.signed_in" goes in the audit log.

Every wrong password or code counts against the account; after `MAX_FAILURES` in a row it is
locked for `LOCK_FOR` (and "official.locked" is logged). `session(token)` returns the signed-in
`OfficialSession` (its Principal is what the console passes to every service call) or None when
the token is unknown, pending, idle longer than `IDLE_FOR` or older than `LIFETIME`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from clearcount.service.audit import Change, append_events, format_instant
from clearcount.service.authorisation import Principal, Role, authorise
from clearcount.service.errors import (
    ConflictError,
    NotAuthorisedError,
    NotFoundError,
    ServiceError,
    ValidationError,
)
from clearcount.service.officials.factors import (
    MIN_PASSWORD,
    code_step,
    hash_password,
    new_totp_secret,
    password_matches,
    provisioning_uri,
)
from clearcount.service.officials.records import (
    PENDING,
    SIGNED_IN,
    Official,
    OfficialUnitOfWork,
    OfficialUnitOfWorkFactory,
    SecretSeal,
    StoredSession,
)
from clearcount.service.ports import Clock
from clearcount.service.rate_limits import RateLimitedError, RateLimitService

__all__ = [
    "IDLE_FOR",
    "LIFETIME",
    "LOCK_FOR",
    "MAX_FAILURES",
    "NewOfficial",
    "OfficialService",
    "OfficialSession",
    "OfficialSignInError",
    "OfficialSummary",
]

MAX_FAILURES = 5
LOCK_FOR = timedelta(minutes=15)
PENDING_FOR = timedelta(minutes=5)
IDLE_FOR = timedelta(minutes=30)
LIFETIME = timedelta(hours=12)
OFFICIAL_ROLES = frozenset(Role) - {Role.VOTER}
_USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{2,63}")
_REFUSED = "wrong username, password or code, or too many tries; wait and try again"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


class OfficialSignInError(ServiceError):
    """A sign-in step was refused. One message whatever was wrong (the name, the password, the
    code, a lock or a rate limit), so the answer does not say whether the account exists."""


@dataclass(frozen=True, slots=True)
class NewOfficial:
    """A new account and its TOTP provisioning URI (for the authenticator app; shown once)."""

    username: str
    organisation_id: str
    role: Role
    provisioning_uri: str


@dataclass(frozen=True, slots=True)
class OfficialSummary:
    """An account as an officer lists it (no hash, no secret)."""

    username: str
    name: str
    role: Role
    locked: bool


@dataclass(frozen=True, slots=True)
class OfficialSession:
    """A signed-in official: who they are for the service (`principal`), for which
    organisation, and the CSRF token every form of the session carries."""

    token: str
    username: str
    organisation_id: str
    principal: Principal
    csrf_token: str

    def require_organisation(self, organisation_id: str) -> None:
        """NotAuthorisedError unless the object acted on belongs to this official's
        organisation (an officer of one organisation never acts on another's ballots)."""
        if organisation_id != self.organisation_id:
            raise NotAuthorisedError(
                f"official {self.username!r}: expected an object of organisation "
                f"{self.organisation_id!r}, got one of {organisation_id!r}"
            )


class OfficialService:
    """Accounts, two-factor sign-in and sessions of officials."""

    def __init__(
        self,
        uow: OfficialUnitOfWorkFactory,
        clock: Clock,
        seal: SecretSeal,
        limits: RateLimitService,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._seal = seal
        self._limits = limits

    def add(
        self,
        principal: Principal,
        organisation_id: str,
        username: str,
        name: str,
        role: Role,
        password: str,
    ) -> NewOfficial:
        """Make an account (ConflictError if the username is taken)."""
        authorise(principal, "officials.add")
        obj = f"official {username!r}"
        if not _USERNAME.fullmatch(username):
            raise ValidationError(obj, "username", "3-64 of a-z 0-9 . _ -", username)
        if not name.strip():
            raise ValidationError(obj, "name", "the name the audit log shows", name)
        if role not in OFFICIAL_ROLES:
            raise ValidationError(obj, "role", "an official's role (not voter)", role)
        if len(password) < MIN_PASSWORD or password.lower() == username:
            raise ValidationError(
                obj, "password", f"at least {MIN_PASSWORD} characters, not the username", "***"
            )
        at = self._clock.now()
        secret = new_totp_secret()
        official = Official(
            username,
            organisation_id,
            role,
            name.strip(),
            hash_password(password),
            self._seal.seal(username, secret),
            principal.name,
            format_instant(at),
        )
        with self._uow() as uow:
            if uow.organisations.get(organisation_id) is None:
                raise NotFoundError(f"organisation {organisation_id!r}: no such organisation")
            if uow.officials.get(username) is not None:
                raise ConflictError(f"{obj}: the username is taken; choose another")
            uow.officials.add(official)
            append_events(
                uow,
                at=at,
                actor=principal.name,
                action="official.added",
                organisation_id=organisation_id,
                subject=f"official:{username}",
                changes=[Change("role", None, role.value), Change("name", None, official.name)],
            )
            uow.commit()
        return NewOfficial(username, organisation_id, role, provisioning_uri(secret, username))

    def officials(self, principal: Principal, organisation_id: str) -> list[OfficialSummary]:
        authorise(principal, "officials.officials")
        now = self._clock.now()
        with self._uow() as uow:
            accounts = uow.officials.list(organisation_id)
        return [OfficialSummary(a.username, a.name, a.role, self._locked(a, now)) for a in accounts]

    @staticmethod
    def _locked(official: Official, now: datetime) -> bool:
        return official.locked_until is not None and now < _instant(official.locked_until)

    def _check_address(self, address: str) -> None:
        """Each sign-in step counts against the address's `login` limit, in the database so
        that every server process shares it (service.rate_limits); over it, the one refusal."""
        try:
            self._limits.hit("login", address)
        except RateLimitedError:
            raise OfficialSignInError(_REFUSED) from None

    def _fail(self, uow: OfficialUnitOfWork, official: Official, now: datetime) -> None:
        """Count a wrong password or code; lock the account at MAX_FAILURES; commit."""
        failures = official.failed_attempts + 1
        locked = None
        if failures >= MAX_FAILURES:
            failures, locked = 0, format_instant(now + LOCK_FOR)
            append_events(
                uow,
                at=now,
                actor=official.username,
                action="official.locked",
                organisation_id=official.organisation_id,
                subject=f"official:{official.username}",
                note=f"{MAX_FAILURES} wrong passwords or codes in a row",
            )
        uow.officials.replace(
            dataclasses.replace(official, failed_attempts=failures, locked_until=locked)
        )
        uow.commit()

    def sign_in(self, username: str, password: str, address: str) -> str:
        """Step 1: the password. Returns the pending token `confirm_code` takes."""
        now = self._clock.now()
        self._check_address(address)
        with self._uow() as uow:
            official = uow.officials.get(username, lock=True)
            right = password_matches(None if official is None else official.password_hash, password)
            if official is None or self._locked(official, now):
                raise OfficialSignInError(_REFUSED)
            if not right:
                self._fail(uow, official, now)
                raise OfficialSignInError(_REFUSED)
            token = secrets.token_urlsafe(32)
            stamp = format_instant(now)
            uow.sessions.add(StoredSession(_hash(token), username, PENDING, "", stamp, stamp))
            uow.commit()
        return token

    def confirm_code(self, pending_token: str, code: str, address: str) -> OfficialSession:
        """Step 2: the TOTP code. Returns the new signed-in session (a new token)."""
        now = self._clock.now()
        self._check_address(address)
        with self._uow() as uow:
            pending = uow.sessions.get(_hash(pending_token))
            if pending is None or pending.stage != PENDING:
                raise OfficialSignInError(_REFUSED)
            uow.sessions.delete(pending.token_hash)
            if now - _instant(pending.created_at) > PENDING_FOR:
                uow.commit()
                raise OfficialSignInError(_REFUSED)
            official = uow.officials.get(pending.username, lock=True)
            if official is None or self._locked(official, now):
                uow.commit()
                raise OfficialSignInError(_REFUSED)
            secret = self._seal.open(official.username, official.totp_secret)
            step = code_step(secret, code.strip(), now, official.totp_last_step)
            if step is None:
                # the password stays proven: keep a pending session under the same token
                uow.sessions.add(pending)
                self._fail(uow, official, now)
                raise OfficialSignInError(_REFUSED)
            uow.officials.replace(
                dataclasses.replace(
                    official, totp_last_step=step, failed_attempts=0, locked_until=None
                )
            )
            token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
            stamp = format_instant(now)
            uow.sessions.add(StoredSession(_hash(token), official.username, SIGNED_IN, csrf,
                                           stamp, stamp))  # fmt: skip
            append_events(
                uow,
                at=now,
                actor=official.name,
                action="official.signed_in",
                organisation_id=official.organisation_id,
                subject=f"official:{official.username}",
            )
            uow.commit()
        return self._session(token, official, csrf)

    @staticmethod
    def _session(token: str, official: Official, csrf: str) -> OfficialSession:
        principal = Principal(official.name, official.role)
        return OfficialSession(token, official.username, official.organisation_id, principal, csrf)

    def session(self, token: str) -> OfficialSession | None:
        """The signed-in session of `token`, its idle time restarted; None if there is none."""
        if not token:
            return None
        now = self._clock.now()
        with self._uow() as uow:
            stored = uow.sessions.get(_hash(token))
            if stored is None or stored.stage != SIGNED_IN:
                return None
            official = uow.officials.get(stored.username)
            expired = (
                now - _instant(stored.last_seen) > IDLE_FOR
                or now - _instant(stored.created_at) > LIFETIME
            )
            if official is None or expired:
                uow.sessions.delete(stored.token_hash)
                uow.commit()
                return None
            uow.sessions.touch(stored.token_hash, format_instant(now))
            uow.commit()
        return self._session(token, official, stored.csrf_token)

    def sign_out(self, token: str) -> None:
        """End the session of `token` (nothing happens if there is none)."""
        with self._uow() as uow:
            uow.sessions.delete(_hash(token))
            uow.commit()
