"""The credential authority's key file: its secrets, encrypted at rest (spec §11.3).

The only copy of the credential secrets and of the member -> credential mapping is this file,
kept by the scrutineer. It is JSON, written with permissions 0600 (owner only), and holds:

    {"format": "clearcount-ca-keyfile/1",
     "election": {...public facts: id, title, fingerprint, roll root, eligible...},
     "kdf": {"name": "scrypt", "salt": hex, "log2_n": 17, "r": 8, "p": 1},
     "cipher": {"name": "AES-256-GCM", "nonce": hex},
     "ciphertext": base64}

The key is scrypt(passphrase, salt) (RFC 7914; memory-hard, 128 MiB at log2_n = 17); the
plaintext is the canonical JSON of the members (their contact details, weight and secret s),
sealed with AES-256-GCM whose associated data is the canonical JSON of everything above the
ciphertext: a file cannot be re-labelled as another election's, nor its KDF cost lowered,
without the tag failing. A wrong passphrase and an altered file give the same error (no oracle).
Why AES-GCM with scrypt from pyca/cryptography rather than PyNaCl's secretbox: see
docs/service/credentials.md §"The key file".
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import stat
import unicodedata
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from clearcount.core.canonical import canonical_json
from clearcount.core.errors import ClearcountError
from clearcount.crypto.group import Scalar
from clearcount.protocol.credentials import CredentialSecret
from clearcount.record import codec
from clearcount.service.credential_authority import IssuedCredential, KeyMaterial
from clearcount.service.delivery import ElectionFacts, Recipient
from clearcount.service.errors import ConflictError, ServiceError, ValidationError

__all__ = [
    "DEFAULT_LOG2_N",
    "KEYFILE_FORMAT",
    "MIN_PASSPHRASE",
    "KeyFileError",
    "load_key_file",
    "open_key_material",
    "save_key_file",
    "seal_key_material",
]

KEYFILE_FORMAT = "clearcount-ca-keyfile/1"
DEFAULT_LOG2_N = 17
"""scrypt cost N = 2**17 with r = 8: 128 MiB and about half a second per derivation."""
_LOG2_N_RANGE = (14, 20)
MIN_PASSPHRASE = 12


class KeyFileError(ServiceError):
    """The key file cannot be opened: unreadable, malformed, wrong passphrase or altered."""


def _key(passphrase: str, salt: bytes, log2_n: int) -> bytes:
    if len(passphrase) < MIN_PASSPHRASE:
        raise ValidationError(
            "key file", "passphrase", f"at least {MIN_PASSPHRASE} characters", "a shorter one"
        )
    secret = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    return Scrypt(salt=salt, length=32, n=2**log2_n, r=8, p=1).derive(secret)


def _member_json(issued: IssuedCredential) -> dict[str, object]:
    return issued.recipient.to_json() | {"secret": issued.secret.secret.to_bytes().hex()}


def _member(item: object, where: str) -> IssuedCredential:
    names = ("member_id", "name", "channel", "email", "address", "weight", "secret")
    f = codec.fields(item, where, names)
    recipient = Recipient(
        member_id=codec.text(f["member_id"], f"{where}.member_id"),
        name=codec.text(f["name"], f"{where}.name"),
        channel=codec.text(f["channel"], f"{where}.channel"),
        email=codec.text(f["email"], f"{where}.email", empty=True),
        address=tuple(
            codec.text(a, f"{where}.address[{i}]")
            for i, a in enumerate(codec.array(f["address"], f"{where}.address"))
        ),
        weight=codec.integer(f["weight"], f"{where}.weight", minimum=1),
    )
    secret: Scalar = codec.scalar(f["secret"], f"{where}.secret")
    return IssuedCredential(recipient, CredentialSecret.from_secret(secret, recipient.weight))


def _election(value: object) -> ElectionFacts:
    names = ("election_id", "title", "organisation", "opens", "closes", "authority",
             "fingerprint", "roll_root", "eligible")  # fmt: skip
    f = codec.fields(value, "key file: election", names)
    texts = {n: codec.text(f[n], f"key file: election.{n}", empty=True) for n in names[:6]}
    return ElectionFacts(
        election_id=texts["election_id"],
        title=texts["title"],
        organisation=texts["organisation"],
        opens=texts["opens"],
        closes=texts["closes"],
        authority=texts["authority"],
        fingerprint=codec.digest(f["fingerprint"], "key file: election.fingerprint"),
        roll_root=codec.digest(f["roll_root"], "key file: election.roll_root"),
        eligible=codec.integer(f["eligible"], "key file: election.eligible"),
    )


def seal_key_material(
    material: KeyMaterial, passphrase: str, *, log2_n: int = DEFAULT_LOG2_N
) -> bytes:
    """The key file's bytes: public header, AES-256-GCM ciphertext of the members."""
    if not _LOG2_N_RANGE[0] <= log2_n <= _LOG2_N_RANGE[1]:
        raise ValidationError("key file", "kdf.log2_n", f"{_LOG2_N_RANGE}", log2_n)
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    header: dict[str, object] = {
        "format": KEYFILE_FORMAT,
        "election": material.election.to_json(),
        "kdf": {"name": "scrypt", "salt": salt.hex(), "log2_n": log2_n, "r": 8, "p": 1},
        "cipher": {"name": "AES-256-GCM", "nonce": nonce.hex()},
    }
    plaintext = canonical_json({"members": [_member_json(i) for i in material.issued]})
    sealed = AESGCM(_key(passphrase, salt, log2_n)).encrypt(
        nonce, plaintext, canonical_json(header)
    )
    document = header | {"ciphertext": base64.b64encode(sealed).decode("ascii")}
    return json.dumps(document, indent=1, sort_keys=True).encode("utf-8") + b"\n"


def open_key_material(data: bytes, passphrase: str, source: str = "key file") -> KeyMaterial:
    """The key material of a key file's bytes; KeyFileError naming what is wrong."""
    try:
        document = json.loads(data)
        f = codec.fields(document, source, ("format", "election", "kdf", "cipher", "ciphertext"))
        if f["format"] != KEYFILE_FORMAT:
            raise KeyFileError(
                f"{source}: format: expected {KEYFILE_FORMAT!r}, got {f['format']!r}"
            )
        kdf = codec.fields(f["kdf"], f"{source}: kdf", ("name", "salt", "log2_n", "r", "p"))
        if (kdf["name"], kdf["r"], kdf["p"]) != ("scrypt", 8, 1):
            raise KeyFileError(f"{source}: kdf: expected scrypt with r = 8, p = 1")
        log2_n = codec.integer(kdf["log2_n"], f"{source}: kdf.log2_n", minimum=_LOG2_N_RANGE[0],
                               maximum=_LOG2_N_RANGE[1])  # fmt: skip
        salt = codec.raw_hex(kdf["salt"], f"{source}: kdf.salt", 16)
        cipher = codec.fields(f["cipher"], f"{source}: cipher", ("name", "nonce"))
        if cipher["name"] != "AES-256-GCM":
            raise KeyFileError(f"{source}: cipher: expected AES-256-GCM, got {cipher['name']!r}")
        nonce = codec.raw_hex(cipher["nonce"], f"{source}: cipher.nonce", 12)
        election = _election(f["election"])
        sealed = base64.b64decode(
            codec.text(f["ciphertext"], f"{source}: ciphertext"), validate=True
        )
    except (ValueError, ClearcountError) as error:
        if isinstance(error, KeyFileError | ValidationError):
            raise
        raise KeyFileError(f"{source}: not a clearcount key file: {error}") from None
    header = {k: v for k, v in document.items() if k != "ciphertext"}
    try:
        plaintext = AESGCM(_key(passphrase, salt, log2_n)).decrypt(
            nonce, sealed, canonical_json(header)
        )
    except InvalidTag:
        raise KeyFileError(
            f"{source}: cannot open: the passphrase is wrong or the file was altered"
        ) from None
    members = codec.array(json.loads(plaintext)["members"], f"{source}: members")
    issued = tuple(_member(m, f"{source}: members[{i}]") for i, m in enumerate(members))
    return KeyMaterial(election, issued)


def save_key_file(
    path: Path, material: KeyMaterial, passphrase: str, *, log2_n: int = DEFAULT_LOG2_N
) -> None:
    """Write a new key file with permissions 0600; never overwrites one (ConflictError)."""
    if path.exists():
        raise ConflictError(
            f"{path}: a key file is already there; the credentials of an election are drawn "
            "once (move the old file away only if its credentials were never published)"
        )
    data = seal_key_material(material, passphrase, log2_n=log2_n)
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


def load_key_file(path: Path, passphrase: str) -> KeyMaterial:
    """Open a key file; refuses one that others can read (as ssh does with private keys)."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        data = path.read_bytes()
    except OSError as error:
        raise KeyFileError(f"{path}: cannot read the key file: {error.strerror}") from None
    if os.name == "posix" and mode & 0o077:
        raise KeyFileError(
            f"{path}: permissions {mode:04o} let others read the credential secrets; "
            f"expected 0600 (run: chmod 600 {path})"
        )
    return open_key_material(data, passphrase, str(path))
