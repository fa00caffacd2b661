"""The distributed key ceremony, one trustee's round at a time (spec §11.2.3, §5.2).

Each function is what one party computes on its own machine from the messages it was relayed:
`round1` and `round2` run on trustee ℓ's machine with its long-term keys (`RoleSecret`), and
`assemble` on the officer's, from public messages only. Nothing here moves messages: the
transport (a folder of files today, the server later) is the service layer's.

As in ElectionGuard 2.0 §3.2 (guardians' key ceremony: commitments with proofs, shares
encrypted to each guardian, share verification, complaints answered in public) and Belenios'
threshold mode (each trustee's signed certificate with an encryption key, polynomials whose
shares are encrypted to the other trustees, checked by each of them).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from clearcount.core.errors import ClearcountError, CryptoError
from clearcount.crypto.dkg import (
    CeremonyParameters,
    KeyShare,
    TrusteeKey,
    announce,
    combine_shares,
    generate_polynomial,
    joint_key,
    make_shares,
    verify_announcement,
    verify_share,
    verify_trustee_key,
)
from clearcount.crypto.group import Point, Scalar, ScalarSource
from clearcount.crypto.share_encryption import decrypt_share, encrypt_share, open_share
from clearcount.protocol.roles import RoleSecret
from clearcount.record.ceremony_body import (
    CeremonyComplaint,
    CeremonyTranscript,
    Round1,
    Round2,
    transcript_problems,
)
from clearcount.record.events import Setup, TrusteeEntry, TrusteeRole

__all__ = [
    "CeremonyError",
    "Round2Outcome",
    "assemble",
    "round1",
    "round2",
    "trustee_of",
]


class CeremonyError(CryptoError):
    """The transcript cannot make a Setup: names the check and the trustee (spec §11.2.3)."""


@dataclass(frozen=True, slots=True)
class Round2Outcome:
    """Trustee ℓ's acknowledgement (or complaints), and its key share if all shares checked."""

    message: Round2
    key: TrusteeKey | None
    joint_key: Point | None


def trustee_of(draft: Setup, secret: RoleSecret) -> TrusteeRole:
    """The draft's entry for this trustee's keys; CeremonyError if it lists other keys."""
    for entry in draft.trustee_keys:
        if entry.name == secret.name:
            if (entry.key, entry.encryption_key) != (secret.key, secret.encryption_key):
                raise CeremonyError(
                    f"trustee {secret.name!r}: the draft Setup lists other keys than those of "
                    "this key file (a card registered for someone else?)"
                )
            return entry
    raise CeremonyError(
        f"trustee {secret.name!r}: expected to be one of the draft's trustees "
        f"{[t.name for t in draft.trustee_keys]}, is not"
    )


def round1(
    draft: Setup,
    secret: RoleSecret,
    rng: ScalarSource = Scalar.random,
    *,
    deliver: Callable[[KeyShare], KeyShare] | None = None,
) -> Round1:
    """Trustee's round 1: polynomial (forgotten after this), announcement, encrypted shares.

    `deliver` (tests only) alters a share before it is sealed, as a cheating sender would.
    """
    me = trustee_of(draft, secret)
    context = draft.ceremony_context()
    parameters = CeremonyParameters(draft.threshold, len(draft.trustee_keys))
    polynomial = generate_polynomial(parameters, me.index, rng)
    announcement = announce(context, polynomial, rng)
    shares = [deliver(s) if deliver else s for s in make_shares(parameters, polynomial)]
    keys = {t.index: t.encryption_key for t in draft.trustee_keys}
    sealed = tuple(encrypt_share(context, s, keys[s.recipient], rng) for s in shares)
    message = Round1(
        context, me.index, me.name, announcement.commitments, announcement.proofs, sealed
    )
    return message.signed(secret.signing, rng)


def _check_round1(draft: Setup, messages: Sequence[Round1]) -> None:
    """Every round-1 message is there, signed by its trustee, for this ceremony, proofs good."""
    context = draft.ceremony_context()
    parameters = CeremonyParameters(draft.threshold, len(draft.trustee_keys))
    if [m.index for m in messages] != [t.index for t in draft.trustee_keys]:
        raise CeremonyError(
            f"round 2: expected round-1 messages of trustees 1..{parameters.trustees}, got "
            f"{[m.index for m in messages]} (wait for every trustee's round 1)"
        )
    for entry, message in zip(draft.trustee_keys, messages, strict=True):
        who = f"round-1 message of trustee {entry.name!r}"
        if message.context != context or message.name != entry.name:
            raise CeremonyError(f"{who}: made for another ceremony or trustee")
        try:
            message.verify_signature(entry.key)
        except ClearcountError:
            raise CeremonyError(
                f"{who}: the signature does not verify under its key (forged or altered)"
            ) from None
        try:
            verify_announcement(context, parameters, message.announcement())
        except ClearcountError as error:
            raise CeremonyError(f"{who}: {error}") from None


def round2(
    draft: Setup,
    secret: RoleSecret,
    messages: Sequence[Round1],
    rng: ScalarSource = Scalar.random,
) -> Round2Outcome:
    """Trustee's round 2: open and check its shares; acknowledge, or complain with openings."""
    me = trustee_of(draft, secret)
    assert secret.encryption is not None  # a trustee's RoleSecret always has one
    _check_round1(draft, messages)
    context = draft.ceremony_context()
    parameters = CeremonyParameters(draft.threshold, len(draft.trustee_keys))
    received: list[KeyShare] = []
    complaints: list[CeremonyComplaint] = []
    for message in messages:
        sealed = next((s for s in message.shares if s.recipient == me.index), None)
        if sealed is None:
            raise CeremonyError(f"trustee {message.name!r} sent no share to {me.name!r}")
        try:
            share = decrypt_share(context, sealed, secret.encryption)
            verify_share(share, message.announcement())
            received.append(share)
        except CryptoError:
            opening = open_share(context, sealed, secret.encryption, rng)
            complaints.append(CeremonyComplaint(message.index, opening))
    digests = tuple(m.digest() for m in messages) if not complaints else ()
    reply = Round2(context, me.index, me.name, digests, tuple(complaints)).signed(
        secret.signing, rng
    )
    if complaints:
        return Round2Outcome(reply, None, None)
    key = combine_shares(parameters, me.index, received)
    joint = joint_key(context, parameters, [m.announcement() for m in messages])
    verify_trustee_key(joint, key)
    return Round2Outcome(reply, key, joint.public_key.point)


def assemble(
    draft: Setup, first: Sequence[Round1], second: Sequence[Round2]
) -> tuple[Setup, Point]:
    """The officer: check the whole transcript and make Setup (trustees, joint key, transcript).

    CeremonyError naming the check and trustee if anything is missing, forged or contested.
    """
    transcript = CeremonyTranscript(tuple(first), tuple(second))
    people = [(t.name, t.index, t.key, t.encryption_key) for t in draft.trustee_keys]
    problems = transcript_problems(draft.ceremony_context(), people, draft.threshold, transcript)
    if problems:
        listed = "; ".join(f"{check}: {reason}" for check, reason in problems)
        raise CeremonyError(f"key ceremony: expected a sound transcript, got {listed}")
    context = draft.ceremony_context()
    parameters = CeremonyParameters(draft.threshold, len(draft.trustee_keys))
    joint = joint_key(context, parameters, [m.announcement() for m in first])
    entries = tuple(TrusteeEntry(m.name, m.index, m.commitments, m.proofs) for m in first)
    setup = dataclasses.replace(
        draft, trustees=entries, joint_key=joint.public_key.point, ceremony=transcript
    )
    return setup, joint.public_key.point
