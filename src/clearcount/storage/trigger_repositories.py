"""`service.trigger.ports.TriggerRepository` over one SQLAlchemy connection (append-only)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from clearcount.core.canonical import canonical_json
from clearcount.service.trigger.ports import (
    AffiliateVote,
    TriggerBallot,
    TriggerBodiesEntry,
    TriggerBranch,
    TriggerDeclarationEntry,
)
from clearcount.storage.trigger_tables import (
    trigger_ballots,
    trigger_bodies,
    trigger_branches,
    trigger_declarations,
    trigger_signed_votes,
)

__all__ = ["SqlTriggerRepository"]


def _trigger(row: sa.Row[Any]) -> TriggerBallot:
    """`affiliates` is a JSON array of {"name", "key"} (of names only before issue 8)."""
    listed = [
        a if isinstance(a, dict) else {"name": a, "key": ""} for a in json.loads(row.affiliates)
    ]
    return TriggerBallot(
        row.trigger_id,
        row.organisation_id,
        row.title,
        row.profile,
        tuple(str(a["name"]) for a in listed),
        row.created_by,
        row.created_at,
        tuple(str(a["key"]) for a in listed),
    )


class SqlTriggerRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._c = connection

    def add(self, trigger: TriggerBallot) -> None:
        self._c.execute(
            trigger_ballots.insert().values(
                trigger_id=trigger.trigger_id,
                organisation_id=trigger.organisation_id,
                title=trigger.title,
                profile=trigger.profile,
                affiliates=canonical_json(
                    [
                        {"name": name, "key": key}
                        for name, key in zip(
                            trigger.affiliates, trigger.affiliate_keys, strict=True
                        )
                    ]
                ).decode("utf-8"),
                created_by=trigger.created_by,
                created_at=trigger.created_at,
            )
        )

    def get(self, trigger_id: str) -> TriggerBallot | None:
        row = self._c.execute(
            sa.select(trigger_ballots).where(trigger_ballots.c.trigger_id == trigger_id)
        ).one_or_none()
        return None if row is None else _trigger(row)

    def add_branch(self, branch: TriggerBranch) -> None:
        self._c.execute(
            trigger_branches.insert().values(
                trigger_id=branch.trigger_id,
                branch=branch.branch,
                ordinal=branch.ordinal,
                election_id=branch.election_id,
                added_by=branch.added_by,
                added_at=branch.added_at,
            )
        )

    def branches(self, trigger_id: str) -> Sequence[TriggerBranch]:
        rows = self._c.execute(
            sa.select(trigger_branches)
            .where(trigger_branches.c.trigger_id == trigger_id)
            .order_by(trigger_branches.c.ordinal)
        )
        return [
            TriggerBranch(r.trigger_id, r.branch, r.election_id, r.added_by, r.added_at, r.ordinal)
            for r in rows
        ]

    def fix_bodies(self, entry: TriggerBodiesEntry) -> None:
        self._c.execute(
            trigger_bodies.insert().values(
                trigger_id=entry.trigger_id,
                document=entry.document,
                hash=entry.hash,
                fixed_by=entry.fixed_by,
                fixed_at=entry.fixed_at,
            )
        )

    def bodies(self, trigger_id: str) -> TriggerBodiesEntry | None:
        row = self._c.execute(
            sa.select(trigger_bodies).where(trigger_bodies.c.trigger_id == trigger_id)
        ).one_or_none()
        if row is None:
            return None
        return TriggerBodiesEntry(
            row.trigger_id, row.document, row.hash, row.fixed_by, row.fixed_at
        )

    def add_vote(self, vote: AffiliateVote) -> None:
        self._c.execute(
            trigger_signed_votes.insert().values(
                trigger_id=vote.trigger_id,
                affiliate=vote.affiliate,
                vote=vote.vote,
                officer=vote.officer,
                signed=vote.signed,
                recorded_by=vote.recorded_by,
                recorded_at=vote.recorded_at,
                replaces=vote.replaces,
            )
        )

    def votes(self, trigger_id: str) -> Sequence[AffiliateVote]:
        rows = self._c.execute(
            sa.select(trigger_signed_votes)
            .where(trigger_signed_votes.c.trigger_id == trigger_id)
            .order_by(trigger_signed_votes.c.vote_id)
        )
        return [
            AffiliateVote(
                r.trigger_id,
                r.affiliate,
                r.vote,
                r.officer,
                r.recorded_by,
                r.recorded_at,
                bool(r.replaces),
                r.signed,
            )
            for r in rows
        ]

    def declare(self, entry: TriggerDeclarationEntry) -> None:
        self._c.execute(
            trigger_declarations.insert().values(
                trigger_id=entry.trigger_id,
                document=entry.document,
                hash=entry.hash,
                declared_by=entry.declared_by,
                declared_at=entry.declared_at,
            )
        )

    def declaration(self, trigger_id: str) -> TriggerDeclarationEntry | None:
        row = self._c.execute(
            sa.select(trigger_declarations).where(trigger_declarations.c.trigger_id == trigger_id)
        ).one_or_none()
        if row is None:
            return None
        return TriggerDeclarationEntry(
            row.trigger_id, row.document, row.hash, row.declared_by, row.declared_at
        )
