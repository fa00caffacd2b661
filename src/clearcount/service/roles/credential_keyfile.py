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

from pathlib import Path

from clearcount.core.canonical import canonical_json
from clearcount.core.errors import ClearcountError
from clearcount.core.json_text import load_json
from clearcount.crypto.group import Scalar
from clearcount.protocol.credentials import CredentialSecret
from clearcount.record import codec
from clearcount.service.errors import ConflictError, ServiceError, ValidationError
from clearcount.service.roles.credential_authority import IssuedCredential, KeyMaterial
from clearcount.service.roles.delivery import ElectionFacts, Recipient
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
    "KEYFILE_FORMAT",
    "MIN_PASSPHRASE",
    "KeyFileError",
    "load_key_file",
    "open_key_material",
    "save_key_file",
    "seal_key_material",
]

KEYFILE_FORMAT = "clearcount-ca-keyfile/1"
_ALREADY_THERE = (
    "a key file is already there; the credentials of an election are drawn "
    "once (move the old file away only if its credentials were never published)"
)


class KeyFileError(ServiceError):
    """The key file cannot be opened: unreadable, malformed, wrong passphrase or altered."""


def _member_json(issued: IssuedCredential) -> dict[str, object]:
    return issued.recipient.to_json() | {"secret": issued.secret.secret.to_bytes().hex()}


def _member(item: object, where: str) -> IssuedCredential:
    names = ("member_id", "name", "channel", "email", "address", "weight", "secret")
    scoped = isinstance(item, dict) and "contests" in item
    f = codec.fields(item, where, (*names, "contests") if scoped else names)
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
        contests=tuple(
            codec.text(c, f"{where}.contests[{i}]")
            for i, c in enumerate(codec.array(f["contests"], f"{where}.contests", least=1))
        )
        if scoped
        else None,
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
    header = {"format": KEYFILE_FORMAT, "election": material.election.to_json()}
    plaintext = canonical_json({"members": [_member_json(i) for i in material.issued]})
    return seal(header, plaintext, passphrase, log2_n=log2_n)


def open_key_material(data: bytes, passphrase: str, source: str = "key file") -> KeyMaterial:
    """The key material of a key file's bytes; KeyFileError naming what is wrong."""
    header, plaintext = open_sealed(
        data,
        passphrase,
        source=source,
        fields=("format", "election"),
        error=KeyFileError,
        expect={"format": KEYFILE_FORMAT},
    )
    try:
        election = _election(header["election"])
        members = codec.array(load_json(plaintext)["members"], f"{source}: members")
        issued = tuple(_member(m, f"{source}: members[{i}]") for i, m in enumerate(members))
    except (ValueError, KeyError, ClearcountError) as error:
        if isinstance(error, KeyFileError | ValidationError):
            raise
        raise KeyFileError(f"{source}: not a clearcount key file: {error}") from None
    return KeyMaterial(election, issued)


def save_key_file(
    path: Path, material: KeyMaterial, passphrase: str, *, log2_n: int = DEFAULT_LOG2_N
) -> None:
    """Write a new key file with permissions 0600; never overwrites one (ConflictError)."""
    if path.exists():  # before the slow key derivation
        raise ConflictError(f"{path}: {_ALREADY_THERE}")
    data = seal_key_material(material, passphrase, log2_n=log2_n)
    write_private_file(path, data, refusal=_ALREADY_THERE)


def load_key_file(path: Path, passphrase: str) -> KeyMaterial:
    """Open a key file; refuses one that others can read (as ssh does with private keys)."""
    data = read_private_file(path, error=KeyFileError, what="the credential secrets")
    return open_key_material(data, passphrase, str(path))
