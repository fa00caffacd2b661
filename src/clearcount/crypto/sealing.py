"""Small secrets sealed at rest under the server's key: ChaCha20-Poly1305 (RFC 8439 §2.8).

The officials' TOTP secrets (RFC 6238) must be readable by the server to check a code, so they
cannot be hashed like passwords; they are sealed instead, so a copy of the database (a backup,
a dump) gives no second factor without the key, which lives elsewhere (`server_key`). Each
sealed value is bound to its purpose and its owner as associated data ("clearcount
totp-secret v1", NUL, the official's username), so a value copied onto another row does not
open. A fresh random 96-bit nonce per sealing (RFC 8439 §2.8: never reused under one key; a
few values per official stay far below the random-nonce bound).

Stored form: "sealed1:" + base64url (no padding) of nonce || ciphertext || tag.
"""

from __future__ import annotations

import base64
import binascii
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from clearcount.core.errors import CryptoError

__all__ = [
    "KEY_BYTES",
    "PREFIX",
    "SealError",
    "Sealer",
    "ServerKey",
    "is_sealed",
    "open_sealed",
    "seal",
]

KEY_BYTES = 32
PREFIX = "sealed1:"
_NONCE = 12


class SealError(CryptoError):
    """A sealed value does not open: another key, another owner's value, or altered."""


@dataclass(frozen=True, slots=True)
class ServerKey:
    """The 32-byte sealing key and where it came from (for the error that names it)."""

    key: bytes
    source: str

    def __post_init__(self) -> None:
        if len(self.key) != KEY_BYTES:
            raise SealError(f"{self.source}: a server key has {KEY_BYTES} bytes")


def _associated(purpose: str, owner: str) -> bytes:
    return f"clearcount {purpose} v1".encode() + b"\x00" + owner.encode("utf-8")


def is_sealed(value: str) -> bool:
    return value.startswith(PREFIX)


def seal(key: ServerKey, purpose: str, owner: str, secret: str) -> str:
    """`secret` sealed for `owner` under `key` (a fresh nonce each time)."""
    nonce = os.urandom(_NONCE)
    sealed = ChaCha20Poly1305(key.key).encrypt(
        nonce, secret.encode("utf-8"), _associated(purpose, owner)
    )
    return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii").rstrip("=")


def open_sealed(key: ServerKey, purpose: str, owner: str, value: str) -> str:
    """The secret `seal` sealed for `owner`; SealError naming the key's source otherwise."""
    what = f"the {purpose} of {owner!r}"
    if not is_sealed(value):
        raise SealError(f"{what} is not sealed: the database missed migration 0011 (it seals it)")
    body = value[len(PREFIX) :]
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError):
        raise SealError(f"{what} is damaged (not base64url)") from None
    try:
        opened = ChaCha20Poly1305(key.key).decrypt(
            raw[:_NONCE], raw[_NONCE:], _associated(purpose, owner)
        )
    except (InvalidTag, ValueError):
        raise SealError(
            f"{what} does not open under the server key from {key.source}: the key is not the "
            f"one it was sealed with (restore that key), or the value was altered or copied "
            f"from another account (reset this account's second factor)"
        ) from None
    return opened.decode("utf-8")


@dataclass
class Sealer:
    """Seals and opens one purpose's secrets; the key is loaded at first use (so a server
    that never touches such a secret never makes a key file)."""

    purpose: str
    load: Callable[[], ServerKey]
    _key: ServerKey | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def key(self) -> ServerKey:
        with self._lock:
            if self._key is None:
                self._key = self.load()
            return self._key

    def seal(self, owner: str, secret: str) -> str:
        return seal(self.key(), self.purpose, owner, secret)

    def open(self, owner: str, value: str) -> str:
        return open_sealed(self.key(), self.purpose, owner, value)
