"""A trustee's own steps of the key ceremony, on its own machine (spec §11.2.3).

No database: the trustee reads the officer's draft Setup and the other trustees' messages from
the transport (`service.roles.ceremony_transport`), opens its own long-term key file, and writes
only signed public messages back. Its key share goes into its own sealed share file
(`service.roles.keys.save_role_key`), never into the transport.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from clearcount.core.errors import ClearcountError, RecordError
from clearcount.crypto.group import Scalar, ScalarSource
from clearcount.protocol.ceremony_rounds import CeremonyError, round1, round2, trustee_of
from clearcount.protocol.roles import RoleSecret
from clearcount.record import codec
from clearcount.record.ceremony_body import Round1, Round2
from clearcount.record.events import Setup
from clearcount.service.errors import ConflictError, ElectionStateError, ValidationError
from clearcount.service.roles.ceremony_transport import CeremonyTransport
from clearcount.service.roles.keys import (
    DEFAULT_LOG2_N,
    RoleKey,
    load_long_term_key,
    save_role_key,
)

__all__ = [
    "DRAFT_FORMAT",
    "TrusteeRound2",
    "draft_document",
    "read_draft",
    "read_round1",
    "read_round2",
    "trustee_round1",
    "trustee_round2",
]

DRAFT_FORMAT = "clearcount-ceremony-draft/1"
DRAFT = "draft-setup"


def draft_document(draft: Setup) -> dict[str, object]:
    """What the officer publishes to start: the manifest (every role's keys included)."""
    return {"format": DRAFT_FORMAT, "manifest": draft.manifest_body()}


def read_draft(transport: CeremonyTransport) -> Setup:
    """The officer's draft Setup from the transport; ValidationError if missing or malformed."""
    document = transport.get(DRAFT)
    if document is None:
        raise ElectionStateError(
            "key ceremony: no draft Setup in the ceremony folder yet (the returning officer "
            "starts the ceremony first)"
        )
    try:
        f = codec.fields(document, DRAFT, ("format", "manifest"))
        if f["format"] != DRAFT_FORMAT:
            raise RecordError(f"{DRAFT}.format: expected {DRAFT_FORMAT!r}, got {f['format']!r}")
        return Setup.from_manifest(f["manifest"], DRAFT)
    except RecordError as error:
        raise ValidationError(DRAFT, "manifest", "the officer's draft Setup", str(error)) from None


def _messages(transport: CeremonyTransport, draft: Setup, kind: str) -> list[object | None]:
    return [transport.get(f"{kind}-{t.index}") for t in draft.trustee_keys]


def _missing(draft: Setup, documents: list[object | None], kind: str) -> None:
    waiting = [t.name for t, d in zip(draft.trustee_keys, documents, strict=True) if d is None]
    if waiting:
        raise ElectionStateError(
            f"key ceremony: waiting for the {kind} messages of {waiting} (each trustee runs "
            f"`clearcount trustee ceremony {kind}` and the officer relays the files)"
        )


def read_round1(transport: CeremonyTransport, draft: Setup) -> list[Round1]:
    documents = _messages(transport, draft, "round1")
    _missing(draft, documents, "round1")
    try:
        return [Round1.from_body(d, f"round1-{i + 1}") for i, d in enumerate(documents)]
    except RecordError as error:
        raise ValidationError("round 1", "message", "a ceremony message", str(error)) from None


def read_round2(transport: CeremonyTransport, draft: Setup) -> list[Round2]:
    documents = _messages(transport, draft, "round2")
    _missing(draft, documents, "round2")
    try:
        return [Round2.from_body(d, f"round2-{i + 1}") for i, d in enumerate(documents)]
    except RecordError as error:
        raise ValidationError("round 2", "message", "a ceremony message", str(error)) from None


def _open_key(key_path: Path, passphrase: str, draft: Setup) -> RoleSecret:
    secret = load_long_term_key(key_path, passphrase, role="trustee")
    try:
        trustee_of(draft, secret)
    except CeremonyError as error:
        raise ValidationError(
            str(key_path), "key", "a trustee of this election", str(error)
        ) from None
    return secret


def trustee_round1(
    transport: CeremonyTransport,
    key_path: Path,
    passphrase: str,
    *,
    rng: ScalarSource = Scalar.random,
) -> Round1:
    """Round 1 as the trustee of `key_path`: its signed announcement and encrypted shares."""
    draft = read_draft(transport)
    secret = _open_key(key_path, passphrase, draft)
    me = trustee_of(draft, secret)
    if transport.get(f"round1-{me.index}") is not None:
        raise ConflictError(f"key ceremony: trustee {me.name!r} has already sent round 1")
    message = round1(draft, secret, rng)
    transport.put(f"round1-{me.index}", message.to_body())
    return message


@dataclass(frozen=True, slots=True)
class TrusteeRound2:
    message: Round2
    share_file: Path | None
    """Where the key share went; None when the trustee complained (no share is made)."""


def trustee_round2(
    transport: CeremonyTransport,
    key_path: Path,
    passphrase: str,
    share_path: Path,
    *,
    log2_n: int = DEFAULT_LOG2_N,
    rng: ScalarSource = Scalar.random,
) -> TrusteeRound2:
    """Round 2: open and check the shares sent to this trustee; acknowledge (and keep the key
    share in a new sealed share file) or complain, naming the sender, in a signed message."""
    draft = read_draft(transport)
    secret = _open_key(key_path, passphrase, draft)
    me = trustee_of(draft, secret)
    if transport.get(f"round2-{me.index}") is not None:
        raise ConflictError(f"key ceremony: trustee {me.name!r} has already sent round 2")
    if share_path.exists():
        raise ConflictError(f"{share_path}: a share file is already there; refusing to overwrite")
    try:
        outcome = round2(draft, secret, read_round1(transport, draft), rng)
    except CeremonyError as error:
        raise ValidationError(
            "key ceremony", "round 1 messages", "sound ones", str(error)
        ) from None
    written = None
    if outcome.key is not None and outcome.joint_key is not None:
        share_path.parent.mkdir(parents=True, exist_ok=True)
        key = RoleKey(
            "trustee",
            me.name,
            me.index,
            draft.election_id,
            codec.hexify(outcome.joint_key),
            outcome.key.share,
        )
        save_role_key(share_path, key, passphrase, log2_n=log2_n)
        written = share_path
    try:
        transport.put(f"round2-{me.index}", outcome.message.to_body())
    except ClearcountError:
        if written is not None:
            written.unlink(missing_ok=True)
        raise
    return TrusteeRound2(outcome.message, written)
