"""The trustees' key ceremony: t-of-n Pedersen DKG with Feldman commitments (spec §11.2, §5.2).

Round 1: each trustee draws its polynomial, announces commitments with proofs (bound to the
ceremony context) and sends one share to each trustee. Round 2: each trustee checks what it
received; a bad or missing share is an attributable complaint naming the sender
(`CeremonyComplaintError`), otherwise it combines its key share. The announcements go into Setup.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from clearcount.core.errors import CryptoError
from clearcount.crypto.dkg import (
    CeremonyParameters,
    Complaint,
    KeyShare,
    TrusteeAnnouncement,
    TrusteeKey,
    TrusteePolynomial,
    announce,
    check_shares,
    combine_shares,
    generate_polynomial,
    joint_key,
    make_shares,
)
from clearcount.crypto.group import Point, Scalar, ScalarSource
from clearcount.record.events import Setup, TrusteeEntry

__all__ = [
    "CeremonyComplaintError", "CeremonyOutcome", "TrusteeSecret", "run_ceremony", "trustee_combine",
    "trustee_round",
]  # fmt: skip


@dataclass(frozen=True, slots=True)
class TrusteeSecret:
    """What trustee `name` keeps after the ceremony: its key share z_ℓ (spec §5.2.4)."""

    name: str
    key: TrusteeKey

    def __repr__(self) -> str:
        return f"TrusteeSecret({self.name!r}, index={self.key.index}, <hidden>)"


@dataclass(frozen=True, slots=True)
class CeremonyOutcome:
    entries: tuple[TrusteeEntry, ...]
    joint_key: Point
    secrets: tuple[TrusteeSecret, ...]


class CeremonyComplaintError(CryptoError):
    """A trustee received a bad or missing share: names the accuser and the accused (§5.2.3)."""

    def __init__(self, complaints: Sequence[Complaint], names: Mapping[int, str]) -> None:
        self.complaints = tuple(complaints)
        listed = "; ".join(
            f"trustee {names[c.accuser]!r} accuses trustee {names[c.accused]!r}: {c.reason}"
            for c in complaints
        )
        super().__init__(
            f"key ceremony: expected every share to match its sender's "
            f"commitments, got complaints: {listed}"
        )


def trustee_round(
    context: bytes, parameters: CeremonyParameters, index: int, rng: ScalarSource
) -> tuple[TrusteePolynomial, TrusteeAnnouncement, tuple[KeyShare, ...]]:
    """Round 1 for trustee `index`: polynomial (secret), announcement, one share per trustee."""
    polynomial = generate_polynomial(parameters, index, rng)
    return polynomial, announce(context, polynomial, rng), make_shares(parameters, polynomial)


def trustee_combine(
    parameters: CeremonyParameters,
    index: int,
    received: Sequence[KeyShare],
    announcements: Mapping[int, TrusteeAnnouncement],
    names: Mapping[int, str],
) -> TrusteeKey:
    """Round 2 for trustee `index`: check every share, complain by name or combine (§5.2.2)."""
    complaints = check_shares(index, received, announcements)
    if complaints:
        raise CeremonyComplaintError(complaints, names)
    return combine_shares(parameters, index, [s for s in received if s.recipient == index])


def run_ceremony(
    draft: Setup,
    rng: ScalarSource = Scalar.random,
    *,
    deliver: Callable[[KeyShare], KeyShare] | None = None,
) -> CeremonyOutcome:
    """Every trustee's two rounds in one place: protocol simulations and tests only (a real
    election runs each trustee's rounds on its own machine, `protocol.ceremony_rounds`).

    `deliver` stands for the private channel (identity by default); tests use it to corrupt a
    share and see the complaint name its sender.
    """
    names = [t.name for t in draft.trustee_keys]
    context = draft.ceremony_context()
    parameters = CeremonyParameters(draft.threshold, len(names))
    by_index = dict(enumerate(names, start=1))
    rounds = {i: trustee_round(context, parameters, i, rng) for i in parameters.indices}
    announcements = {i: r[1] for i, r in rounds.items()}
    shares = [deliver(s) if deliver else s for r in rounds.values() for s in r[2]]
    keys = [
        trustee_combine(parameters, i, shares, announcements, by_index) for i in parameters.indices
    ]
    joint = joint_key(context, parameters, list(announcements.values()))
    entries = tuple(
        TrusteeEntry(by_index[i], i, a.commitments, a.proofs) for i, a in announcements.items()
    )
    secrets = tuple(TrusteeSecret(by_index[k.index], k) for k in keys)
    return CeremonyOutcome(entries, joint.public_key.point, secrets)
