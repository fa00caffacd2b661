"""Roles' key files: each role's secret, encrypted under its own passphrase.

Two kinds. The **long-term role key** (`clearcount-role-key/2`, spec §11.2.2) is made by
`clearcount role init` on the role's own machine: its signing key and, for a trustee, its
encryption key; the header repeats the public keys (so the card can be re-made and the file
named without the passphrase):

    {"format": "clearcount-role-key/2", "role": ..., "name": ..., "key": hex,
     "encryption_key": hex | null, "kdf": ..., "cipher": ..., "ciphertext": base64}

whose plaintext is the signing scalar followed, for a trustee, by the encryption scalar.
The **trustee's share file** holds its key share z_ℓ for one election (spec §5.2.4), written
by the trustee's own round 2 of the key ceremony on its own machine
(`service.roles.trustee_ceremony`, spec §11.2.3); the service never sees it. Only the trustee's own
step (`TallyService.decrypt_with_key_file`) reads it back. Format (JSON, permissions 0600):

    {"format": "clearcount-trustee-share/1", "role": "trustee", "name": ..., "index": ℓ,
     "election_id": ..., "joint_key": <the ceremony's joint key, hex>,
     "kdf": {"name": "scrypt", "salt": hex, "log2_n": n, "r": 8, "p": 1},
     "cipher": {"name": "AES-256-GCM", "nonce": hex}, "ciphertext": base64}

The plaintext is the secret scalar; the associated data is the canonical JSON of every other
field, so a file cannot be relabelled as another trustee's, election's or ceremony's. A wrong
passphrase and an altered file give the same error. The sealing is `service.roles.sealed_file`,
shared with the credential authority's key file (docs/service/credentials.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from clearcount.core.errors import ClearcountError
from clearcount.crypto.dkg import TrusteeKey
from clearcount.crypto.group import Scalar
from clearcount.protocol.ceremony import TrusteeSecret
from clearcount.protocol.roles import RoleSecret
from clearcount.record import codec
from clearcount.service.errors import ConflictError, ServiceError, ValidationError
from clearcount.service.roles.sealed_file import (
    DEFAULT_LOG2_N,
    MIN_PASSPHRASE,
    open_sealed,
    read_private_file,
    seal,
    write_private_file,
)

__all__ = [
    "DEFAULT_LOG2_N",
    "LONG_TERM_FORMAT",
    "MIN_PASSPHRASE",
    "ROLE_KEY_FORMAT",
    "RoleKey",
    "RoleKeyError",
    "load_long_term_key",
    "load_role_key",
    "save_long_term_key",
    "save_role_key",
]

ROLE_KEY_FORMAT = "clearcount-trustee-share/1"
LONG_TERM_FORMAT = "clearcount-role-key/2"
_LONG_TERM_FIELDS = ("format", "role", "name", "key", "encryption_key")
_REFUSAL = "a key file is already there; refusing to overwrite it"


class RoleKeyError(ServiceError):
    """A key file cannot be opened: unreadable, malformed, wrong passphrase or altered."""


@dataclass(frozen=True, slots=True)
class RoleKey:
    """A trustee's key share for one election; `joint_key` (hex) names its ceremony."""

    role: str
    name: str
    index: int
    election_id: str
    joint_key: str
    secret: Scalar

    def __repr__(self) -> str:
        return f"RoleKey({self.role} {self.name!r}, {self.election_id!r}, <hidden>)"

    def trustee(self) -> TrusteeSecret:
        return TrusteeSecret(self.name, TrusteeKey(self.index, self.secret))

    def header(self) -> dict[str, object]:
        return {
            "format": ROLE_KEY_FORMAT,
            "role": self.role,
            "name": self.name,
            "index": self.index,
            "election_id": self.election_id,
            "joint_key": self.joint_key,
        }


def save_role_key(
    path: Path, key: RoleKey, passphrase: str, *, log2_n: int = DEFAULT_LOG2_N
) -> None:
    """Write `key` to a new file (0600); never overwrites one (ConflictError)."""
    if path.exists():  # before the slow key derivation
        raise ConflictError(f"{path}: {_REFUSAL}")
    data = seal(key.header(), key.secret.to_bytes(), passphrase, log2_n=log2_n)
    write_private_file(path, data, refusal=_REFUSAL)


def load_role_key(path: Path, passphrase: str, *, role: str = "trustee") -> RoleKey:
    """Open a trustee's share file at `path`; RoleKeyError if it fails."""
    if role != "trustee":
        raise ValidationError("share file", "role", "trustee", role)
    data = read_private_file(path, error=RoleKeyError, what="the trustee's key share")
    names = ("format", "role", "name", "index", "election_id", "joint_key")
    f, plain = open_sealed(
        data,
        passphrase,
        source=str(path),
        fields=names,
        error=RoleKeyError,
        expect={"format": ROLE_KEY_FORMAT, "role": role},
    )
    try:
        return RoleKey(
            role,
            codec.text(f["name"], f"{path}: name"),
            codec.integer(f["index"], f"{path}: index", minimum=1),
            codec.text(f["election_id"], f"{path}: election_id"),
            codec.point(f["joint_key"], f"{path}: joint_key").to_bytes().hex(),
            Scalar.from_bytes(plain),
        )
    except ClearcountError as error:
        raise RoleKeyError(f"{path}: not a clearcount {role} share file: {error}") from None


def save_long_term_key(
    path: Path, secret: RoleSecret, passphrase: str, *, log2_n: int = DEFAULT_LOG2_N
) -> None:
    """Write a role's long-term keys to a new sealed file (0600); never overwrites one."""
    if path.exists():  # before the slow key derivation
        raise ConflictError(f"{path}: {_REFUSAL}")
    encryption_key = secret.encryption_key
    header = {
        "format": LONG_TERM_FORMAT,
        "role": secret.role,
        "name": secret.name,
        "key": codec.hexify(secret.key),
        "encryption_key": None if encryption_key is None else codec.hexify(encryption_key),
    }
    plain = secret.signing.to_bytes()
    if secret.encryption is not None:
        plain += secret.encryption.to_bytes()
    write_private_file(path, seal(header, plain, passphrase, log2_n=log2_n), refusal=_REFUSAL)


def load_long_term_key(path: Path, passphrase: str, *, role: str) -> RoleSecret:
    """Open `role`'s long-term key file at `path`; RoleKeyError if it fails."""
    data = read_private_file(path, error=RoleKeyError, what=f"the {role}'s secret")
    f, plain = open_sealed(
        data,
        passphrase,
        source=str(path),
        fields=_LONG_TERM_FIELDS,
        error=RoleKeyError,
        expect={"format": LONG_TERM_FORMAT, "role": role},
    )
    try:
        size = 64 if role == "trustee" else 32
        if len(plain) != size:
            raise RoleKeyError(f"{path}: expected {size} bytes of secret, got {len(plain)}")
        secret = RoleSecret(
            role,
            codec.text(f["name"], f"{path}: name"),
            Scalar.from_bytes(plain[:32]),
            Scalar.from_bytes(plain[32:]) if size == 64 else None,
        )
        encryption_key = secret.encryption_key
        listed = (f["key"], f["encryption_key"])
        derived = (
            codec.hexify(secret.key),
            None if encryption_key is None else codec.hexify(encryption_key),
        )
        if listed != derived:
            raise RoleKeyError(f"{path}: the public keys in the header do not match the secret")
        return secret
    except RoleKeyError:
        raise
    except ClearcountError as error:
        raise RoleKeyError(f"{path}: not a clearcount {role} key file: {error}") from None
