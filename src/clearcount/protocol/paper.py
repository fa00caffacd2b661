"""Paper ballots from meetings and the post, entered by two tellers (spec §11.6).

Each batch holds one contest's papers as candidate indices, the public credentials of the
members who voted on paper (the credential authority, which alone maps members to credentials,
tells the tellers which to cancel), and both tellers' Schnorr signatures (purpose
`paper-batch`) over the SHA-256 of the body without signatures. Paper channels take precedence
over online voting when they come before "online" in `channel_precedence`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from clearcount.core.errors import ProofError, RecordError
from clearcount.crypto.group import Point, Scalar, ScalarSource
from clearcount.crypto.proofs.schnorr import SchnorrProof, prove_schnorr, verify_schnorr
from clearcount.protocol.casting import contest_plaintexts
from clearcount.protocol.context import Election
from clearcount.record.events import PaperBallot, PaperBatch

__all__ = ["TELLER_PURPOSE", "TellerSecret", "enter_paper_batch", "verify_paper_batch"]

TELLER_PURPOSE = "paper-batch"


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


def enter_paper_batch(
    election: Election,
    channel: str,
    contest: str,
    ballots: Sequence[PaperBallot],
    cancelled: Sequence[Point],
    tellers: tuple[TellerSecret, TellerSecret],
    rng: ScalarSource = Scalar.random,
) -> PaperBatch:
    """Both tellers sign the batch (spec §11.6); the batch is checked before signing."""
    zero = SchnorrProof(Scalar.from_int(0), Scalar.from_int(0))
    ordered = tuple(sorted(cancelled, key=lambda p: p.to_bytes()))
    draft = PaperBatch(
        channel, contest, tuple(ballots), ordered, (tellers[0].name, tellers[1].name), (zero, zero)
    )
    _check_contents(election, draft)
    message = draft.signed_digest()
    first, second = (
        prove_schnorr(
            election.fingerprint, t.secret, message=message, purpose=TELLER_PURPOSE, rng=rng
        )
        for t in tellers
    )
    return PaperBatch(
        draft.channel, draft.contest, draft.ballots, ordered, draft.tellers, (first, second)
    )


def _check_contents(election: Election, batch: PaperBatch) -> None:
    setup = election.setup
    spec = setup.contest(batch.contest)
    precedence = setup.channel_precedence
    if batch.channel not in precedence or precedence.index(batch.channel) >= precedence.index(
        "online"
    ):
        raise RecordError(
            f"PaperBatch.channel: expected a channel ranked before 'online' in "
            f"{list(precedence)}, got {batch.channel!r}"
        )
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


def verify_paper_batch(election: Election, batch: PaperBatch) -> None:
    """Contents, tellers known to Setup, and both signatures (spec §11.6)."""
    _check_contents(election, batch)
    message = batch.signed_digest()
    for i, (name, signature) in enumerate(zip(batch.tellers, batch.signatures, strict=True)):
        key = election.setup.teller(name).key
        try:
            verify_schnorr(
                election.fingerprint, key, signature, message=message, purpose=TELLER_PURPOSE
            )
        except ProofError as error:
            raise ProofError(f"PaperBatch.signatures[{i}] (teller {name!r}): {error}") from None
