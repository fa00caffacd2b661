"""Checks of the roles' signed acts: who said so, and whether they could have (spec §12.4).

The hostile returning officer has the service's code, database and files, and the tellers'
keys may be within reach too; what it does not have are the credential authority's and the
trustees' keys. So every act that changes who counts or what the count is must carry one of
their signatures (purposes in `record.signing`): the Credentials list and every cancellation of
an online credential by the authority, every Shuffle and PartialDecryption by the trustee it
names. And paper cannot outweigh the credentials the authority cancelled for it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from clearcount.core.errors import ProofError
from clearcount.crypto.group import Point
from clearcount.crypto.proofs.schnorr import SchnorrProof, verify_schnorr
from clearcount.record.chain import Event
from clearcount.record.events import Credentials, PaperBatch, PartialDecryption, Shuffle
from clearcount.record.postal_rules import online_first
from clearcount.record.signing import (
    CANCELLATION_PURPOSE,
    CREDENTIALS_PURPOSE,
    DECRYPTION_PURPOSE,
    SHUFFLE_PURPOSE,
)
from clearcount.verifier import facts
from clearcount.verifier.view import Collector, RecordView

__all__ = ["CHECKS", "cancellations", "is_signed"]


def is_signed(
    view: RecordView, key: Point, signature: SchnorrProof, purpose: str, digest: bytes
) -> bool:
    try:
        verify_schnorr(view.fingerprint, key, signature, message=digest, purpose=purpose)
    except ProofError:
        return False
    return True


def check_credentials_signature(view: RecordView, out: Collector) -> None:
    """V-CRED-SIG (spec §11.3): the credential authority signed the list and its weights."""
    authority = facts.setup(view).credential_authority
    published: Credentials = facts.credentials(view)
    event = next(view.of_kind("Credentials"))
    if not is_signed(
        view, authority.key, published.signature, CREDENTIALS_PURPOSE, published.signed_digest()
    ):
        out.fail(
            f"the Credentials list is not signed by credential authority {authority.name!r} "
            f"(purpose {CREDENTIALS_PURPOSE}): credentials or weights were made or altered "
            "without its key",
            event,
        )
    out.detail = f"{len(published.credentials)} credentials signed by {authority.name!r}"


def cancellations(view: RecordView) -> Mapping[bytes, int]:
    """Credential (32 bytes) -> the seq of the PaperBatch that cancelled it with the authority's
    valid signature, first one only (spec §11.6)."""

    def compute() -> dict[bytes, int]:
        key = facts.setup(view).credential_authority.key
        found: dict[bytes, int] = {}
        for event, batch in facts.bodies(view, "PaperBatch"):
            assert isinstance(batch, PaperBatch)
            signature = batch.authority_signature
            if signature is None or not is_signed(
                view, key, signature, CANCELLATION_PURPOSE, batch.cancellation_digest()
            ):
                continue
            for credential in batch.cancelled_credentials:
                found.setdefault(credential.to_bytes(), event.seq)
        return found

    return view.derive("the authority's cancellations", compute)


def check_cancellations(view: RecordView, out: Collector) -> None:
    """V-CANCEL-1 (spec §11.6): each cancellation signed by the authority, each credential
    cancelled at most once."""
    authority = facts.setup(view).credential_authority
    batches = [(e, b) for e, b in facts.bodies(view, "PaperBatch") if b.cancelled_credentials]
    if not batches:
        out.not_applicable("no credential cancelled")
        return
    seen: dict[str, int] = {}
    total = 0
    for event, batch in batches:
        assert isinstance(batch, PaperBatch)
        signature = batch.authority_signature
        if signature is None or not is_signed(
            view, authority.key, signature, CANCELLATION_PURPOSE, batch.cancellation_digest()
        ):
            out.fail(
                f"{len(batch.cancelled_credentials)} credentials cancelled without credential "
                f"authority {authority.name!r}'s signature (purpose {CANCELLATION_PURPOSE}): "
                "their members' online votes were dropped by someone else",
                event,
            )
        for credential in batch.cancelled_credentials:
            total += 1
            text = credential.to_bytes().hex()
            if text in seen:
                out.fail(f"credential {text[:16]}… already cancelled in event {seen[text]}", event)
            seen.setdefault(text, event.seq)
    out.detail = f"{total} cancellations in {len(batches)} batches"


def check_paper_weight(view: RecordView, out: Collector) -> None:
    """V-PAPER-2 (spec §11.6): per contest, paper weight <= the cancelled credentials' weight
    (their number in an unweighted contest, where every paper weighs 1)."""
    batches = facts.bodies(view, "PaperBatch")
    if not batches:
        out.not_applicable("no paper batches")
        return
    weights = facts.weights(view)
    scopes = facts.scopes(view)
    cancelled = cancellations(view)

    def bound(contest: str, weighted: bool) -> int:
        """The cancelled credentials that may vote in `contest` (all, unscoped: §10.4.1)."""
        mine = [c for c in cancelled if not scopes or contest in scopes.get(c, ())]
        return sum(weights.get(c, 0) for c in mine) if weighted else len(mine)

    papers: dict[str, int] = {}
    last: dict[str, Event] = {}
    for event, batch in batches:
        assert isinstance(batch, PaperBatch)
        papers[batch.contest] = papers.get(batch.contest, 0) + sum(p.weight for p in batch.ballots)
        last[batch.contest] = event
    weighted = {c.id: c.weighted for c in facts.setup(view).contests}
    for contest, weight in papers.items():
        allowed = bound(contest, weighted.get(contest, True))
        if weight > allowed:
            out.fail(
                f"contest {contest!r}: paper weight {weight}, but the credential authority "
                f"cancelled credentials of weight {allowed} only that may vote in it (a paper "
                "vote needs the voter's online credential cancelled)",
                last[contest],
            )
    if online_first(facts.setup(view)):
        voted = {credential for _, credential in view.ballot_credentials()}
        for event, batch in batches:
            assert isinstance(batch, PaperBatch)
            for credential in batch.cancelled_credentials:
                if batch.channel == "postal" and credential.to_bytes() in voted:
                    out.fail(
                        f"credential {credential.to_bytes().hex()[:16]}… voted online, which "
                        "takes precedence in this hybrid ballot, yet a postal paper cancels it "
                        "(the member would be counted by post instead)",
                        event,
                    )
    out.detail = f"{len(cancelled)} cancelled credentials; paper weight per contest {papers}"


def _trustee_acts(view: RecordView, out: Collector, kind: str, purpose: str) -> None:
    """Each `kind` event (Shuffle, PartialDecryption) is signed by the trustee it names."""
    events = facts.bodies(view, kind)
    if not events:
        out.not_applicable(f"no {kind} events")
        return
    keys = {t.name: t.key for t in facts.setup(view).trustee_keys}
    for event, body in events:
        assert isinstance(body, Shuffle | PartialDecryption)
        key = keys.get(body.trustee)
        if key is None:
            out.fail(f"{kind} by {body.trustee!r}, who is not a trustee of the Setup", event)
        elif not is_signed(view, key, body.signature, purpose, body.signed_digest()):
            out.fail(
                f"{kind} is not signed by trustee {body.trustee!r} (purpose {purpose}): "
                "someone else acted under their name",
                event,
            )
    out.detail = f"{len(events)} {kind} events"


def check_shuffle_signatures(view: RecordView, out: Collector) -> None:
    """V-SHUFFLE-SIG (spec §11.8): each Shuffle signed by the trustee it names."""
    _trustee_acts(view, out, "Shuffle", SHUFFLE_PURPOSE)


def check_decryption_signatures(view: RecordView, out: Collector) -> None:
    """V-DECRYPT-SIG (spec §11.9): each PartialDecryption signed by the trustee it names."""
    _trustee_acts(view, out, "PartialDecryption", DECRYPTION_PURPOSE)


CHECKS: Mapping[str, Callable[[RecordView, Collector], None]] = {
    "V-CRED-SIG": check_credentials_signature,
    "V-CANCEL-1": check_cancellations,
    "V-PAPER-2": check_paper_weight,
    "V-SHUFFLE-SIG": check_shuffle_signatures,
    "V-DECRYPT-SIG": check_decryption_signatures,
}
