"""Setup: the manifest, the roll commitment and the roles, before the key ceremony (spec §11.2).

The official writes a `Manifest`; `draft_setup` turns it, the roll and the roles' public keys
(`SetupRoles`, from their cards) into a Setup without the trustees' commitments (what the
ceremony context hashes); the key ceremony (`protocol.ceremony_rounds`) completes it and
`setup_event` makes event 0.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from clearcount.crypto.group import Point
from clearcount.record.ceremony_body import CeremonyTranscript
from clearcount.record.chain import Event, next_event
from clearcount.record.events import (
    HOMOMORPHIC_METHODS,
    ContestSpec,
    RoleEntry,
    RollCommitment,
    RollScope,
    Setup,
    TrusteeRole,
)
from clearcount.record.postal_body import PostalRules
from clearcount.record.roll import RollEntry, merkle_root, scope_histograms, weight_histogram

__all__ = [
    "Manifest",
    "SetupRoles",
    "contest_spec",
    "draft_setup",
    "roll_commitment",
    "setup_event",
]


@dataclass(frozen=True, slots=True)
class Manifest:
    """What the official decides: the election, its contests and the published rules."""

    election_id: str
    title: str
    organisation: str
    opens: str
    closes: str
    contests: tuple[ContestSpec, ...]
    channel_precedence: tuple[str, ...] = ("meeting", "postal", "online")
    booth: Mapping[str, str] = field(default_factory=dict)
    """The booth bundles' SRI values pinned for this election (record.booth); {} for none."""
    postal: PostalRules | None = None
    """Postal voting papers and workplaces (spec §11.12); None when none are issued."""


@dataclass(frozen=True, slots=True)
class SetupRoles:
    """Every role's public keys, from the cards each role made on its own machine (§11.2.2)."""

    officer: RoleEntry
    credential_authority: RoleEntry
    tellers: tuple[RoleEntry, ...]
    trustees: tuple[TrusteeRole, ...]


def contest_spec(
    contest_id: str,
    title: str,
    method: str,
    candidates: Sequence[str],
    *,
    seats: int = 1,
    min_selections: int = 0,
    max_selections: int | None = None,
    max_ranks: int | None = None,
    weighted: bool = False,
    options: Mapping[str, object] | None = None,
) -> ContestSpec:
    """A contest with the usual limits: fptp/yes-no 1 mark, block `seats`, approval any; a
    mixnet contest ranks up to every candidate unless `max_ranks` says fewer (spec §11.2)."""
    k = len(candidates)
    homomorphic = method in HOMOMORPHIC_METHODS
    if max_selections is None:
        max_selections = {"block": seats, "approval": k}.get(method, 1) if homomorphic else k
    ranks = 0 if homomorphic else (k if max_ranks is None else max_ranks)
    return ContestSpec(
        contest_id, title, method, seats, tuple(candidates),
        "homomorphic" if homomorphic else "mixnet", min_selections, max_selections, ranks,
        weighted, dict(options or {}),
    )  # fmt: skip


def roll_commitment(entries: Sequence[RollEntry]) -> RollCommitment:
    """Root, size, eligible count and eligible weights of the roll (spec §10.4), and each
    scope's when the entries are scoped to contests (§10.4.1)."""
    eligible = sum(1 for entry in entries if entry.status == "eligible")
    scopes = tuple(
        RollScope(contests, sum(m for _, m in weights), weights)
        for contests, weights in scope_histograms(entries)
    )
    return RollCommitment(
        merkle_root(entries), len(entries), eligible, weight_histogram(entries), scopes
    )


def draft_setup(
    manifest: Manifest, roll: RollCommitment, roles: SetupRoles, threshold: int
) -> Setup:
    """Setup without the trustees' commitments (joint key G as a placeholder): the ceremony's
    input (§11.2); the trustees are those of `roles`, with indices 1..n in that order."""
    return Setup(
        election_id=manifest.election_id,
        title=manifest.title,
        organisation=manifest.organisation,
        opens=manifest.opens,
        closes=manifest.closes,
        contests=manifest.contests,
        trustees=(),
        threshold=threshold,
        joint_key=Point.generator(),
        roll=roll,
        officer=roles.officer,
        credential_authority=roles.credential_authority,
        tellers=roles.tellers,
        trustee_keys=roles.trustees,
        channel_precedence=manifest.channel_precedence,
        ceremony=CeremonyTranscript((), ()),
        booth=dict(manifest.booth),
        postal=manifest.postal,
    )


def setup_event(setup: Setup) -> Event:
    """Event 0: the Setup the key ceremony completed (spec §11.2)."""
    return next_event([], "Setup", setup.to_body())
