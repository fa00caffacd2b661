"""The two factors: an argon2id password hash (RFC 9106, through argon2-cffi) and a TOTP code
(RFC 6238, through pyotp). Nothing here is homemade: this module only fixes the parameters and
makes a code usable once (RFC 6238 §5.2: the verifier must not accept the same OTP twice).
"""

from __future__ import annotations

from datetime import datetime

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pyotp.exceptions import OTPVerificationError

__all__ = [
    "ISSUER",
    "MIN_PASSWORD",
    "code_step",
    "hash_password",
    "new_totp_secret",
    "password_matches",
    "provisioning_uri",
]

ISSUER = "clearcount"
MIN_PASSWORD = 12
_HASHER = PasswordHasher()  # argon2id, RFC 9106's second recommended (low-memory) profile
_DUMMY = _HASHER.hash("not a password of anyone's")


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def password_matches(stored_hash: str | None, password: str) -> bool:
    """Whether `password` matches; an unknown account is checked against a dummy hash so that
    the time taken does not say whether the account exists."""
    try:
        return _HASHER.verify(stored_hash or _DUMMY, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def new_totp_secret() -> str:
    """160 random bits in base32 (RFC 4226 §4 R6 recommends at least 160)."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, username: str) -> str:
    """The otpauth:// URI an authenticator app reads (shown once, when the account is made)."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def code_step(secret: str, code: str, at: datetime, last_step: int) -> int | None:
    """The time step of a valid `code` at `at` (one step of clock drift either way allowed,
    RFC 6238 §6), or None if it is wrong or its step is not after `last_step` (a replay)."""
    if not (len(code) == 6 and code.isdigit()):
        return None
    try:
        step = pyotp.TOTP(secret).verify_and_get_timecode(code, for_time=at, valid_window=1)
    except OTPVerificationError:
        return None
    return step if step > last_step else None
