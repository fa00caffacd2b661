"""Secrets sealed under a passphrase, for the files each role keeps to itself.

The credential authority's key file (`service.roles.credential_keyfile`) and the trustees' and
tellers' key files (`service.roles.keys`) share this construction: the key is scrypt(passphrase,
salt) (RFC 7914; memory-hard: 128 MiB at log2_n = 17, r = 8), the secret is sealed with
AES-256-GCM whose associated data is the canonical JSON (spec §10.1) of every other field of the
file, so a file cannot be relabelled (another election, another trustee) or its KDF cost lowered
without the tag failing. A wrong passphrase and an altered file give the same error: no oracle.
Files are JSON, created exclusively with permissions 0600, fsynced, and refused on reading when
others can read them (as ssh does with private keys).
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import stat
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from clearcount.core.canonical import canonical_json
from clearcount.core.errors import ClearcountError
from clearcount.core.json_text import load_json
from clearcount.record import codec
from clearcount.service.errors import ConflictError, ServiceError, ValidationError

__all__ = [
    "DEFAULT_LOG2_N",
    "LOG2_N_RANGE",
    "MIN_PASSPHRASE",
    "open_sealed",
    "read_private_file",
    "seal",
    "write_private_file",
]

DEFAULT_LOG2_N = 17
"""scrypt cost N = 2**17 with r = 8: 128 MiB and about half a second per derivation."""
LOG2_N_RANGE = (14, 20)
MIN_PASSPHRASE = 12
_SEAL_FIELDS = ("kdf", "cipher", "ciphertext")

ErrorFactory = Callable[[str], ServiceError]


def _key(passphrase: str, salt: bytes, log2_n: int) -> bytes:
    if len(passphrase) < MIN_PASSPHRASE:
        raise ValidationError(
            "key file", "passphrase", f"at least {MIN_PASSPHRASE} characters", "a shorter one"
        )
    secret = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    return Scrypt(salt=salt, length=32, n=2**log2_n, r=8, p=1).derive(secret)


def seal(header: Mapping[str, object], plaintext: bytes, passphrase: str, *, log2_n: int) -> bytes:
    """The file's bytes: `header`, the KDF and cipher parameters, and the sealed plaintext."""
    if not LOG2_N_RANGE[0] <= log2_n <= LOG2_N_RANGE[1]:
        raise ValidationError("key file", "kdf.log2_n", f"{LOG2_N_RANGE}", log2_n)
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    full = dict(header) | {
        "kdf": {"name": "scrypt", "salt": salt.hex(), "log2_n": log2_n, "r": 8, "p": 1},
        "cipher": {"name": "AES-256-GCM", "nonce": nonce.hex()},
    }
    sealed = AESGCM(_key(passphrase, salt, log2_n)).encrypt(nonce, plaintext, canonical_json(full))
    document = full | {"ciphertext": base64.b64encode(sealed).decode("ascii")}
    return json.dumps(document, indent=1, sort_keys=True).encode("utf-8") + b"\n"


def open_sealed(
    data: bytes,
    passphrase: str,
    *,
    source: str,
    fields: Sequence[str],
    error: ErrorFactory,
    expect: Mapping[str, object] | None = None,
) -> tuple[dict[str, object], bytes]:
    """The header fields named in `fields` and the plaintext; `error(message)` on any failure.

    `expect` names header fields with their required values (the format, the role), checked
    before the slow key derivation so that the wrong kind of file is named as such.
    """
    try:
        document = load_json(data)
        f = codec.fields(document, source, (*fields, *_SEAL_FIELDS))
        for name, value in (expect or {}).items():
            if f[name] != value:
                raise error(f"{source}: {name}: expected {value!r}, got {f[name]!r}")
        kdf = codec.fields(f["kdf"], f"{source}: kdf", ("name", "salt", "log2_n", "r", "p"))
        if (kdf["name"], kdf["r"], kdf["p"]) != ("scrypt", 8, 1):
            raise error(f"{source}: kdf: expected scrypt with r = 8, p = 1")
        log2_n = codec.integer(
            kdf["log2_n"], f"{source}: kdf.log2_n", minimum=LOG2_N_RANGE[0], maximum=LOG2_N_RANGE[1]
        )
        salt = codec.raw_hex(kdf["salt"], f"{source}: kdf.salt", 16)
        cipher = codec.fields(f["cipher"], f"{source}: cipher", ("name", "nonce"))
        if cipher["name"] != "AES-256-GCM":
            raise error(f"{source}: cipher: expected AES-256-GCM, got {cipher['name']!r}")
        nonce = codec.raw_hex(cipher["nonce"], f"{source}: cipher.nonce", 12)
        sealed = base64.b64decode(
            codec.text(f["ciphertext"], f"{source}: ciphertext"), validate=True
        )
    except ServiceError:
        raise
    except (ValueError, ClearcountError) as exc:
        raise error(f"{source}: not a clearcount key file: {exc}") from None
    header = {k: v for k, v in document.items() if k != "ciphertext"}
    try:
        plaintext = AESGCM(_key(passphrase, salt, log2_n)).decrypt(
            nonce, sealed, canonical_json(header)
        )
    except InvalidTag:
        raise error(
            f"{source}: cannot open: the passphrase is wrong or the file was altered"
        ) from None
    return {name: f[name] for name in fields}, plaintext


def write_private_file(path: Path, data: bytes, *, refusal: str) -> None:
    """Create `path` with permissions 0600 and `data`, durably; never overwrite (ConflictError)."""
    if path.exists():
        raise ConflictError(f"{path}: {refusal}")
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), 0o600)  # whatever the umask
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def read_private_file(path: Path, *, error: ErrorFactory, what: str) -> bytes:
    """The bytes of a key file; refused when unreadable or when others may read it."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        data = path.read_bytes()
    except OSError as exc:
        raise error(f"{path}: cannot read the key file: {exc.strerror}") from None
    if os.name == "posix" and mode & 0o077:
        raise error(
            f"{path}: permissions {mode:04o} let others read {what}; "
            f"expected 0600 (run: chmod 600 {path})"
        )
    return data
