"""What a trigger ballot stores, and the port storage implements for it (issue 5).

A trigger ballot (Labour Rule Book Ch.5 Cl.IV.5; docs/counting/trigger-ballot.md) is a set of
party branches, each deciding by its own members' yes/no election, and a set of affiliates, each
voting through its officer, who signs with the key made on the officer's own machine (issue 8).
`TriggerRepository` keeps the definition (with each affiliate's public key), the branches, the
officer's signed list of bodies, every signed affiliate vote ever recorded (append-only: a
replacement is a new row, the old one stays as evidence) and the declaration document; storage's
`SqlUnitOfWork` implements it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from clearcount.service.elections.ports import ElectionUnitOfWork

__all__ = [
    "AffiliateVote",
    "TriggerBallot",
    "TriggerBodiesEntry",
    "TriggerBranch",
    "TriggerDeclarationEntry",
    "TriggerRepository",
    "TriggerUnitOfWork",
    "TriggerUnitOfWorkFactory",
]


@dataclass(frozen=True, slots=True)
class TriggerBallot:
    """The trigger ballot's definition: its profile and the affiliates entitled to vote."""

    trigger_id: str
    organisation_id: str
    title: str
    profile: str
    """counting.trigger_ballot.PROFILES: "labour-pre-2018", "labour-2018" or "labour-2021"."""
    affiliates: tuple[str, ...]
    created_by: str
    created_at: str
    affiliate_keys: tuple[str, ...] = ()
    """Each affiliate's public signing key (hex), in the order of `affiliates`, from the card
    its officer made with `clearcount affiliate init` ("" for a ballot made before issue 8)."""


@dataclass(frozen=True, slots=True)
class TriggerBranch:
    """A party branch and the election in which its own members vote yes/no."""

    trigger_id: str
    branch: str
    election_id: str
    added_by: str
    added_at: str
    ordinal: int
    """0 for the first branch added, 1 for the next: the declaration lists them in this order."""


@dataclass(frozen=True, slots=True)
class AffiliateVote:
    """One affiliate's vote as its officer recorded it; the latest row per affiliate counts."""

    trigger_id: str
    affiliate: str
    vote: str
    officer: str
    """The affiliate's officer who gave the vote (named on the declaration)."""
    recorded_by: str
    recorded_at: str
    replaces: bool
    """True when this vote replaced an earlier one (`--replace`)."""
    signed: str = ""
    """The vote as the affiliate's officer signed it (record.trigger_signed.AffiliateVoteAct,
    canonical JSON)."""


@dataclass(frozen=True, slots=True)
class TriggerBodiesEntry:
    """The list of bodies taking part, signed by the returning officer before opening."""

    trigger_id: str
    document: str
    """record.trigger_signed.BodiesList, canonical JSON."""
    hash: str
    """SHA-256 (hex) of the document: what every affiliate vote names."""
    fixed_by: str
    fixed_at: str


@dataclass(frozen=True, slots=True)
class TriggerDeclarationEntry:
    trigger_id: str
    document: str
    """The public trigger declaration document, canonical JSON text."""
    hash: str
    """SHA-256 (hex) of the document's bytes."""
    declared_by: str
    declared_at: str


class TriggerRepository(Protocol):
    def add(self, trigger: TriggerBallot) -> None: ...
    def get(self, trigger_id: str) -> TriggerBallot | None: ...
    def add_branch(self, branch: TriggerBranch) -> None: ...
    def branches(self, trigger_id: str) -> Sequence[TriggerBranch]: ...
    def fix_bodies(self, entry: TriggerBodiesEntry) -> None: ...
    def bodies(self, trigger_id: str) -> TriggerBodiesEntry | None: ...
    def add_vote(self, vote: AffiliateVote) -> None: ...
    def votes(self, trigger_id: str) -> Sequence[AffiliateVote]:
        """Every vote recorded, in the order recorded."""
        ...

    def declare(self, entry: TriggerDeclarationEntry) -> None: ...
    def declaration(self, trigger_id: str) -> TriggerDeclarationEntry | None: ...


class TriggerUnitOfWork(ElectionUnitOfWork, Protocol):
    triggers: TriggerRepository


TriggerUnitOfWorkFactory = Callable[[], TriggerUnitOfWork]
