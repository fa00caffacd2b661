"""Setup: the manifest, the roll commitment and the roles, before the key ceremony (spec §11.2).

The official writes a `Manifest`; `draft_setup` turns it, the roll and the tellers' public keys
into a Setup without trustees (what the ceremony context hashes); `setup_event` adds the
ceremony's outcome and makes event 0.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from clearcount.crypto.group import Point
from clearcount.record.chain import Event, next_event
from clearcount.record.events import (
    HOMOMORPHIC_METHODS,
    ContestSpec,
    RollCommitment,
    Setup,
    Teller,
    TrusteeEntry,
)
from clearcount.record.roll import RollEntry, merkle_root

__all__ = ["Manifest", "contest_spec", "draft_setup", "roll_commitment", "setup_event"]


@dataclass(frozen=True, slots=True)
class Manifest:
    """What the official decides: the election, its contests and the published rules."""

    election_id: str
    title: str
    organisation: str
    opens: str
    closes: str
    contests: tuple[ContestSpec, ...]
    credential_authority: str
    channel_precedence: tuple[str, ...] = ("meeting", "postal", "online")


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
    """Root, size and eligible count of the roll (spec §10.4)."""
    eligible = sum(1 for entry in entries if entry.status == "eligible")
    return RollCommitment(merkle_root(entries), len(entries), eligible)


def draft_setup(
    manifest: Manifest, roll: RollCommitment, tellers: Sequence[Teller], threshold: int
) -> Setup:
    """Setup without trustees (joint key G as a placeholder): the ceremony's input (§11.2)."""
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
        credential_authority=manifest.credential_authority,
        tellers=tuple(tellers),
        channel_precedence=manifest.channel_precedence,
    )


def setup_event(draft: Setup, trustees: Sequence[TrusteeEntry], joint_key: Point) -> Event:
    """Event 0: the draft with the trustees' announcements and the joint key (spec §11.2)."""
    setup = dataclasses.replace(draft, trustees=tuple(trustees), joint_key=joint_key)
    return next_event([], "Setup", setup.to_body())
