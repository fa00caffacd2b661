"""Paper ballots from meetings and the post, entered by two tellers (spec §11.6).

Each batch holds one contest's papers as candidate indices, the public credentials of the
members who voted on paper with the credential authority's signature on that list (purpose
`credential-cancellation`: the authority alone maps members to credentials, so only it can say
whose online vote a paper replaces; `Cancellation`, made on the authority's machine), and both
tellers' Schnorr signatures (purpose `paper-batch`) over the SHA-256 of the body without
signatures. Paper channels take precedence over online voting when they come before "online" in
`channel_precedence`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from clearcount.core.errors import ProofError, RecordError
from clearcount.crypto.group import Point, Scalar, ScalarSource
from clearcount.crypto.proofs.schnorr import SchnorrProof, prove_schnorr, verify_schnorr
from clearcount.protocol.acts import UNSIGNED, check_act, sign_act
from clearcount.protocol.casting import contest_plaintexts
from clearcount.protocol.context import Election
from clearcount.record.events import PaperBallot, PaperBatch, cancellation_digest
from clearcount.record.postal_rules import paper_channel_problem
from clearcount.record.signing import CANCELLATION_PURPOSE, TELLER_PURPOSE

__all__ = [
    "TELLER_PURPOSE",
    "Cancellation",
    "TellerSecret",
    "draft_paper_batch",
    "enter_paper_batch",
    "sign_cancellation",
    "sign_paper_batch",
    "verify_paper_batch",
]


@dataclass(frozen=True, slots=True)
class Cancellation:
    """The credential authority's signed list of credentials whose members voted on paper."""

    credentials: tuple[Point, ...]
    """Distinct, in ascending order of encoding."""
    signature: SchnorrProof


def sign_cancellation(
    fingerprint: bytes,
    credentials: Sequence[Point],
    authority: Scalar,
    rng: ScalarSource = Scalar.random,
) -> Cancellation:
    """The authority signs the (sorted) list on its own machine (spec §11.6)."""
    ordered = tuple(sorted(set(credentials), key=lambda p: p.to_bytes()))
    if len(ordered) != len(credentials):
        raise RecordError("cancellation: expected distinct credentials, got a repeated one")
    digest = cancellation_digest(ordered)
    return Cancellation(
        ordered, sign_act(fingerprint, authority, CANCELLATION_PURPOSE, digest, rng)
    )


@dataclass(frozen=True, slots=True)
class TellerSecret:
    """A teller's signing key; its public key is in Setup.tellers."""

    name: str
    secret: Scalar

    @property
    def public(self) -> Point:
        return Point.base_mul(self.secret)

    def __repr__(self) -> str:
        return f"TellerSecret({self.name!r}, <hidden>)"


def draft_paper_batch(
    election: Election,
    channel: str,
    contest: str,
    ballots: Sequence[PaperBallot],
    cancellation: Cancellation | None,
    tellers: tuple[str, str],
    *,
    workplace: str | None = None,
) -> PaperBatch:
    """The batch the two tellers `tellers` are to sign, checked, with no signatures yet (§11.6).
    Whoever receives a batch signed elsewhere rebuilds it from the papers and compares."""
    ordered = () if cancellation is None else cancellation.credentials
    draft = PaperBatch(
        channel,
        contest,
        tuple(ballots),
        ordered,
        None if cancellation is None or not ordered else cancellation.signature,
        tellers,
        (UNSIGNED, UNSIGNED),
        workplace,
    )
    _check_contents(election, draft)
    _check_cancellation(election, draft)
    return draft


def sign_paper_batch(
    election: Election,
    draft: PaperBatch,
    tellers: tuple[TellerSecret, TellerSecret],
    rng: ScalarSource = Scalar.random,
) -> PaperBatch:
    """Both tellers sign `draft` (from `draft_paper_batch`) with their own keys (§11.6)."""
    message = draft.signed_digest()
    first, second = (
        prove_schnorr(
            election.fingerprint, t.secret, message=message, purpose=TELLER_PURPOSE, rng=rng
        )
        for t in tellers
    )
    return replace(draft, signatures=(first, second))


def enter_paper_batch(
    election: Election,
    channel: str,
    contest: str,
    ballots: Sequence[PaperBallot],
    cancellation: Cancellation | None,
    tellers: tuple[TellerSecret, TellerSecret],
    rng: ScalarSource = Scalar.random,
    *,
    workplace: str | None = None,
) -> PaperBatch:
    """Both tellers sign the batch (spec §11.6); the batch is checked before signing."""
    names = (tellers[0].name, tellers[1].name)
    draft = draft_paper_batch(
        election, channel, contest, ballots, cancellation, names, workplace=workplace
    )
    return sign_paper_batch(election, draft, tellers, rng)


def _check_contents(election: Election, batch: PaperBatch) -> None:
    setup = election.setup
    spec = setup.contest(batch.contest)
    problem = paper_channel_problem(setup, batch.channel, batch.workplace)
    if problem is not None:
        raise RecordError(f"PaperBatch: {problem}")
    for i, paper in enumerate(batch.ballots):
        try:
            contest_plaintexts(spec, paper.marks)
        except RecordError as error:
            raise RecordError(f"PaperBatch.ballots[{i}]: {error}") from None
        if paper.weight != 1 and not spec.weighted:
            raise RecordError(
                f"PaperBatch.ballots[{i}].weight: expected 1 in an unweighted "
                f"contest, got {paper.weight}"
            )
    for i, credential in enumerate(batch.cancelled_credentials):
        if credential.to_bytes() not in election.credentials:
            raise RecordError(
                f"PaperBatch.cancelled_credentials[{i}]: expected a published "
                "credential, got an unknown one"
            )
    keys = [c.to_bytes() for c in batch.cancelled_credentials]
    if keys != sorted(set(keys)):
        raise RecordError(
            "PaperBatch.cancelled_credentials: expected distinct credentials in ascending order"
        )


def _check_cancellation(election: Election, batch: PaperBatch) -> None:
    """The authority's signature on the cancelled credentials, if the batch cancels any."""
    if not batch.cancelled_credentials:
        if batch.authority_signature is not None:
            raise RecordError("PaperBatch.authority_signature: expected none with no cancellations")
        return
    authority = election.setup.credential_authority
    if batch.authority_signature is None:
        raise ProofError(
            f"PaperBatch.authority_signature: expected credential authority {authority.name!r}'s "
            "signature on the cancelled credentials, got none"
        )
    check_act(
        election.fingerprint,
        authority.key,
        batch.authority_signature,
        CANCELLATION_PURPOSE,
        batch.cancellation_digest(),
        f"PaperBatch.authority_signature (credential authority {authority.name!r})",
    )


def verify_paper_batch(election: Election, batch: PaperBatch) -> None:
    """Contents, the authority's cancellation, tellers known to Setup, both signatures (§11.6)."""
    _check_contents(election, batch)
    _check_cancellation(election, batch)
    message = batch.signed_digest()
    for i, (name, signature) in enumerate(zip(batch.tellers, batch.signatures, strict=True)):
        key = election.setup.teller(name).key
        try:
            verify_schnorr(
                election.fingerprint, key, signature, message=message, purpose=TELLER_PURPOSE
            )
        except ProofError as error:
            raise ProofError(f"PaperBatch.signatures[{i}] (teller {name!r}): {error}") from None
