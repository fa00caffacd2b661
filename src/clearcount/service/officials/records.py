"""The stored values of officials' accounts and sessions, and the ports that store them.

An account holds only what sign-in needs: the argon2id hash of the password (never the
password), the TOTP secret (RFC 6238) sealed under the server's key (`SecretSeal`: the database
never holds it in the clear), the last time step a code was accepted at (so a code is
never accepted twice), and the failed-attempt counter and lock. A session is stored under the
SHA-256 of its token: whoever reads the database gets no token a browser could present.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from clearcount.service.authorisation import Role
from clearcount.service.membership.ports import UnitOfWork

__all__ = [
    "PENDING",
    "SIGNED_IN",
    "TOTP_PURPOSE",
    "Official",
    "OfficialRepository",
    "OfficialUnitOfWork",
    "OfficialUnitOfWorkFactory",
    "SecretSeal",
    "SessionRepository",
    "StoredSession",
]

PENDING = "password"
"""A session whose password was right and which waits for the TOTP code."""
SIGNED_IN = "signed_in"
TOTP_PURPOSE = "totp-secret"
"""The sealed TOTP secrets' purpose, in their associated data (`crypto.sealing`)."""


@dataclass(frozen=True, slots=True)
class Official:
    """An official's account. `name` is how the audit log names them (the Principal's name)."""

    username: str
    organisation_id: str
    role: Role
    name: str
    password_hash: str
    totp_secret: str
    """Sealed (`SecretSeal.seal(username, secret)`), never the base32 secret itself."""
    created_by: str
    created_at: str
    totp_last_step: int = -1
    failed_attempts: int = 0
    locked_until: str | None = None


class SecretSeal(Protocol):
    """Seals an official's TOTP secret for storage, bound to the username, and opens it
    (`crypto.sealing.Sealer`: ChaCha20-Poly1305 under the server's key)."""

    def seal(self, owner: str, secret: str) -> str: ...

    def open(self, owner: str, value: str) -> str: ...


@dataclass(frozen=True, slots=True)
class StoredSession:
    """One server-side session: `stage` is PENDING or SIGNED_IN; instants are stored text."""

    token_hash: str
    username: str
    stage: str
    csrf_token: str
    created_at: str
    last_seen: str


class OfficialRepository(Protocol):
    def add(self, official: Official) -> None: ...
    def get(self, username: str, *, lock: bool = False) -> Official | None: ...
    def replace(self, official: Official) -> None:
        """Store the counters, lock and last TOTP step of an existing account."""
        ...

    def list(self, organisation_id: str) -> Sequence[Official]: ...


class SessionRepository(Protocol):
    def add(self, session: StoredSession) -> None: ...
    def get(self, token_hash: str) -> StoredSession | None: ...
    def touch(self, token_hash: str, last_seen: str) -> None: ...
    def delete(self, token_hash: str) -> None: ...


class OfficialUnitOfWork(UnitOfWork, Protocol):
    officials: OfficialRepository
    sessions: SessionRepository


OfficialUnitOfWorkFactory = Callable[[], OfficialUnitOfWork]
