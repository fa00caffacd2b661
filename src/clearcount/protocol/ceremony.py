"""The trustees' key ceremony run in one process: protocol simulations and tests (spec §11.2).

A real election runs each trustee's rounds on its own machine (`protocol.ceremony_rounds`,
`service.roles.trustee_ceremony`); this runs the very same rounds, with the same signed and
encrypted messages, for every trustee at once, so that simulated records carry a real transcript.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from clearcount.crypto.dkg import KeyShare, TrusteeKey
from clearcount.crypto.group import Scalar, ScalarSource
from clearcount.protocol.ceremony_rounds import assemble, round1, round2
from clearcount.protocol.roles import RoleSecret
from clearcount.record.events import Setup

__all__ = ["CeremonyOutcome", "TrusteeSecret", "run_ceremony"]


@dataclass(frozen=True, slots=True)
class TrusteeSecret:
    """What trustee `name` keeps after the ceremony: its key share z_ℓ (spec §5.2.4)."""

    name: str
    key: TrusteeKey

    def __repr__(self) -> str:
        return f"TrusteeSecret({self.name!r}, index={self.key.index}, <hidden>)"


@dataclass(frozen=True, slots=True)
class CeremonyOutcome:
    setup: Setup
    secrets: tuple[TrusteeSecret, ...]


def run_ceremony(
    draft: Setup,
    trustees: Mapping[str, RoleSecret],
    rng: ScalarSource = Scalar.random,
    *,
    deliver: Callable[[KeyShare], KeyShare] | None = None,
) -> CeremonyOutcome:
    """Every trustee's two rounds, then the officer's assembly; `trustees` by name.

    `deliver` (tests) alters a share before its sender seals it: the recipient's complaint then
    names the sender (`CeremonyError`).
    """
    first = [round1(draft, trustees[t.name], rng, deliver=deliver) for t in draft.trustee_keys]
    outcomes = [round2(draft, trustees[t.name], first, rng) for t in draft.trustee_keys]
    setup, _ = assemble(draft, first, [o.message for o in outcomes])
    secrets = tuple(
        TrusteeSecret(t.name, o.key)
        for t, o in zip(draft.trustee_keys, outcomes, strict=True)
        if o.key is not None
    )
    return CeremonyOutcome(setup, secrets)
