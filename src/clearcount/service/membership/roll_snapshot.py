"""Freezing the roll of a ballot into a versioned, committed snapshot (spec §10.4).

`RollService.freeze` evaluates every member of the organisation under the ballot's latest rules,
gives each member a secret 32-byte salt for this ballot (kept across versions, so a member's
commitment does not change when the roll is refrozen), and commits the roll with
`record.roll`: the Merkle root over the members' salted commitments and statuses, in commitment
order (which reveals nothing of membership numbers). Each entry keeps the facts the decision read
and the decision with its reasons, so `recheck` can reproduce every decision and the root.

Snapshots are immutable (storage refuses updates). Changes to member records after a freeze are
audit events (`members.write_member`); refreezing makes a new version and audits its diff.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from clearcount.record.roll import (
    InclusionProof,
    RollEntry,
    inclusion_proof,
    member_commitment,
    merkle_root,
)
from clearcount.service.audit import Change, append_events, format_instant
from clearcount.service.authorisation import Principal, Role, authorise
from clearcount.service.errors import (
    NotAuthorisedError,
    NotFoundError,
    SnapshotError,
    ValidationError,
)
from clearcount.service.membership.eligibility import (
    EligibilityDecision,
    EligibilityRules,
    MemberFacts,
    RulesWork,
    decide,
    no_such_ballot,
)
from clearcount.service.ports import Clock, SaltSource, system_salts

__all__ = [
    "MemberReceipt",
    "RollService",
    "RollSnapshot",
    "SnapshotDiff",
    "SnapshotEntry",
    "SnapshotHeader",
    "SnapshotRepository",
    "SnapshotWork",
    "diff_snapshots",
    "recheck",
]


@dataclass(frozen=True, slots=True)
class SnapshotHeader:
    ballot_id: str
    organisation_id: str
    version: int
    rules_version: int
    frozen_at: str
    frozen_by: str
    reason: str
    root: str
    size: int
    eligible: int


@dataclass(frozen=True, slots=True)
class SnapshotEntry:
    position: int
    member_id: str
    salt: bytes
    commitment: str
    facts: MemberFacts
    decision: EligibilityDecision

    @property
    def status(self) -> str:
        return "eligible" if self.decision.eligible else "ineligible"

    def roll_entry(self) -> RollEntry:
        contests = self.decision.contests if self.decision.eligible else None
        return RollEntry(self.commitment, self.status, contests=contests)


@dataclass(frozen=True, slots=True)
class RollSnapshot:
    header: SnapshotHeader
    entries: tuple[SnapshotEntry, ...]

    def entry(self, member_id: str) -> SnapshotEntry:
        for e in self.entries:
            if e.member_id == member_id:
                return e
        raise NotFoundError(
            f"member {member_id!r} is not on roll version {self.header.version} of "
            f"ballot {self.header.ballot_id!r}"
        )


@dataclass(frozen=True, slots=True)
class MemberReceipt:
    """What a member needs to check they are on the committed roll (`verify_inclusion`)."""

    member_id: str
    salt_hex: str
    entry: RollEntry
    proof: InclusionProof
    root: str


@dataclass(frozen=True, slots=True)
class SnapshotDiff:
    added: tuple[str, ...]
    removed: tuple[str, ...]
    status_changed: tuple[tuple[str, str, str], ...]  # (member_id, old status, new status)


def diff_snapshots(old: RollSnapshot, new: RollSnapshot) -> SnapshotDiff:
    before = {e.member_id: e.status for e in old.entries}
    after = {e.member_id: e.status for e in new.entries}
    return SnapshotDiff(
        added=tuple(sorted(after.keys() - before.keys())),
        removed=tuple(sorted(before.keys() - after.keys())),
        status_changed=tuple(
            (m, before[m], after[m])
            for m in sorted(before.keys() & after.keys())
            if before[m] != after[m]
        ),
    )


def recheck(snapshot: RollSnapshot, rules: EligibilityRules) -> None:
    """Raise SnapshotError unless every decision, commitment and the root recompute the same."""
    for e in snapshot.entries:
        if decide(e.facts, rules) != e.decision:
            raise SnapshotError(
                f"roll entry {e.position} ({e.member_id}): the stored decision differs from the "
                f"one the rules give for the stored facts"
            )
        if member_commitment(e.salt, e.member_id) != e.commitment:
            raise SnapshotError(f"roll entry {e.position}: commitment does not match salt and id")
    root = merkle_root([e.roll_entry() for e in snapshot.entries])
    if root != snapshot.header.root:
        raise SnapshotError(
            f"roll version {snapshot.header.version}: root {root} recomputed, "
            f"{snapshot.header.root} stored"
        )


class SnapshotRepository(Protocol):
    """Frozen rolls, versioned per ballot; stored snapshots are immutable."""

    def add(self, snapshot: RollSnapshot) -> None: ...
    def get(self, ballot_id: str, version: int | None = None) -> RollSnapshot | None: ...
    def entry(self, ballot_id: str, version: int, member_id: str) -> SnapshotEntry | None:
        """One member's entry of a stored snapshot (None: not on that roll)."""
        ...

    def entries(
        self, ballot_id: str, version: int, member_ids: Collection[str]
    ) -> Mapping[str, SnapshotEntry]:
        """`entry` for several members in one query (absent: not on that roll)."""
        ...

    def headers(self, organisation_id: str) -> Sequence[SnapshotHeader]:
        """The latest snapshot header of each frozen ballot of the organisation."""
        ...

    def salt(self, ballot_id: str, member_id: str) -> bytes | None: ...
    def add_salt(self, ballot_id: str, member_id: str, salt: bytes) -> None: ...


class SnapshotWork(RulesWork, Protocol):
    """What freezing a roll needs of a unit of work."""

    snapshots: SnapshotRepository


class RollService:
    def __init__(
        self, uow: Callable[[], SnapshotWork], clock: Clock, salts: SaltSource = system_salts
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._salts = salts

    def freeze(self, principal: Principal, ballot_id: str, reason: str) -> SnapshotHeader:
        """Freeze the roll under the ballot's latest rules as its next version."""
        authorise(principal, "rolls.freeze")
        actor = principal.name
        if not reason.strip():
            raise ValidationError("freeze", "reason", "why the roll is frozen now", reason)
        with self._uow() as uow:
            stored = uow.rules.get(ballot_id)
            if stored is None:
                raise NotFoundError(no_such_ballot(ballot_id))
            rules = stored.rules
            org = rules.organisation_id
            units = list(uow.organisations.units(org))
            previous = uow.snapshots.get(ballot_id)
            staged: list[tuple[str, bytes, str, MemberFacts, EligibilityDecision]] = []
            for member in uow.members.list(org):
                salt = uow.snapshots.salt(ballot_id, member.member_id)
                if salt is None:
                    salt = self._salts(32)
                    uow.snapshots.add_salt(ballot_id, member.member_id, salt)
                facts = MemberFacts.of(member, units)
                commitment = member_commitment(salt, member.member_id)
                staged.append((commitment, salt, member.member_id, facts, decide(facts, rules)))
            staged.sort(key=lambda s: s[0])
            entries = tuple(
                SnapshotEntry(i, member_id, salt, commitment, facts, decision)
                for i, (commitment, salt, member_id, facts, decision) in enumerate(staged)
            )
            at = self._clock.now()
            header = SnapshotHeader(
                ballot_id=ballot_id,
                organisation_id=org,
                version=1 if previous is None else previous.header.version + 1,
                rules_version=stored.version,
                frozen_at=format_instant(at),
                frozen_by=actor,
                reason=reason,
                root=merkle_root([e.roll_entry() for e in entries]),
                size=len(entries),
                eligible=sum(e.decision.eligible for e in entries),
            )
            snapshot = RollSnapshot(header, entries)
            uow.snapshots.add(snapshot)
            old = previous.header if previous else None
            append_events(
                uow,
                at=at,
                actor=actor,
                action="roll.frozen",
                organisation_id=org,
                subject=f"ballot:{ballot_id}",
                changes=[
                    Change(name, None if old is None else getattr(old, name), getattr(header, name))
                    for name in ("version", "rules_version", "root", "size", "eligible")
                ],
                note=reason,
            )
            if previous is not None:
                diff = diff_snapshots(previous, snapshot)
                for member_id in diff.added:
                    self._member_event(
                        uow, at, actor, header, member_id, None, snapshot.entry(member_id).status
                    )
                for member_id in diff.removed:
                    self._member_event(
                        uow, at, actor, header, member_id, previous.entry(member_id).status, None
                    )
                for member_id, was, now in diff.status_changed:
                    self._member_event(uow, at, actor, header, member_id, was, now)
            uow.commit()
            return header

    @staticmethod
    def _member_event(
        uow: SnapshotWork,
        at: datetime,
        actor: str,
        header: SnapshotHeader,
        member_id: str,
        old: str | None,
        new: str | None,
    ) -> None:
        append_events(
            uow,
            at=at,
            actor=actor,
            action="roll.refrozen_member",
            organisation_id=header.organisation_id,
            subject=f"member:{member_id}",
            changes=[Change(f"roll:{header.ballot_id}", old, new)],
            note=f"roll version {header.version}",
        )

    def snapshot(
        self, principal: Principal, ballot_id: str, version: int | None = None
    ) -> RollSnapshot:
        """A frozen roll with its members (personal data: the officer and the authority)."""
        authorise(principal, "rolls.snapshot")
        return self._snapshot(ballot_id, version)

    def _snapshot(self, ballot_id: str, version: int | None = None) -> RollSnapshot:
        with self._uow() as uow:
            snap = uow.snapshots.get(ballot_id, version)
        if snap is None:
            raise NotFoundError(
                f"ballot {ballot_id!r} has no frozen roll"
                + ("" if version is None else f" version {version}")
            )
        return snap

    def receipt(
        self, principal: Principal, ballot_id: str, member_id: str, version: int | None = None
    ) -> MemberReceipt:
        """A member's inclusion proof: the member's own, or any for the officer."""
        authorise(principal, "rolls.receipt")
        if principal.role is Role.VOTER and principal.name != member_id:
            raise NotAuthorisedError(
                f"roll receipt of member {member_id!r}: a voter gets only their own, got "
                f"{principal.name!r}"
            )
        snap = self._snapshot(ballot_id, version)
        entry = snap.entry(member_id)
        proof = inclusion_proof([e.roll_entry() for e in snap.entries], entry.position)
        return MemberReceipt(
            member_id, entry.salt.hex(), entry.roll_entry(), proof, snap.header.root
        )

    def recheck(self, ballot_id: str, version: int | None = None) -> None:
        """Recompute the frozen roll; SnapshotError if it does not reproduce (reveals nothing
        else, so anyone may ask)."""
        snap = self._snapshot(ballot_id, version)
        with self._uow() as uow:
            stored = uow.rules.get(ballot_id, snap.header.rules_version)
        if stored is None:
            raise SnapshotError(
                f"rules version {snap.header.rules_version} of {ballot_id!r} is missing"
            )
        recheck(snap, stored.rules)

    def versions(self, principal: Principal, ballot_id: str) -> Sequence[SnapshotHeader]:
        authorise(principal, "rolls.versions")
        latest = self._snapshot(ballot_id).header.version
        return [self._snapshot(ballot_id, v).header for v in range(1, latest + 1)]
