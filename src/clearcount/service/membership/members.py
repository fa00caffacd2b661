"""Member records and every change to them, each through the audit log.

A member is identified by the organisation's membership number (`member_id`). `joined` is the
start of the member's current continuous membership; `left` the day membership ended (the member
is not a member on that day). `paid_up_to` is the last day the subscription covers; None means
no subscription record. Suspensions keep their scope, dates and the decision that made them
(domain.md §1.3 and §4 row 6: a boolean is not enough).

`write_member` is the one path by which a member record is stored: it appends one audit event per
changed field (old and new value), and when the organisation has a frozen roll, a
`roll.changed_after_freeze` event per field as well.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from types import SimpleNamespace
from typing import Protocol

from clearcount.core.suggest import no_such
from clearcount.service.audit import AuditWriter, Change, Entry, jsonable
from clearcount.service.authorisation import Principal, authorise
from clearcount.service.errors import ConflictError, NotFoundError, ValidationError
from clearcount.service.membership.organisations import (
    OrganisationWork,
    check_id,
    require_organisation,
    require_units,
)
from clearcount.service.ports import Clock

__all__ = [
    "CONTACT_FIELDS",
    "MEMBER_FIELDS",
    "FrozenRollHeader",
    "FrozenRolls",
    "Member",
    "MemberRepository",
    "MemberService",
    "MemberWork",
    "Suspension",
    "member_changes",
    "member_problems",
    "require_members",
    "valid_email",
    "write_member",
    "write_members",
]

CONTACT_FIELDS = ("email", "phone", "address", "postcode")
MEMBER_FIELDS = (
    "given_name",
    "family_name",
    "email",
    "phone",
    "address",
    "postcode",
    "joined",
    "left",
    "paid_up_to",
    "units",
    "categories",
    "suspensions",
)
_MEMBER_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,63}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE = re.compile(r"\+?[0-9 ()-]{7,20}")
_TOKEN = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")


@dataclass(frozen=True, slots=True)
class Suspension:
    """A suspension: in force from `start` until the day before `end` (None: not lifted).

    `ballot_kinds` None bars the member from every ballot; otherwise only from ballots of those
    kinds (e.g. {"selection"}). `unit_id` None applies everywhere; otherwise only to ballots held
    for that unit. `reference` names the decision (body, date, minute) that imposed it.
    """

    start: date
    end: date | None
    reference: str
    ballot_kinds: frozenset[str] | None = None
    unit_id: str | None = None

    def __post_init__(self) -> None:
        if not self.reference.strip():
            raise ValidationError("suspension", "reference", "the decision's reference", "")
        if self.end is not None and self.end <= self.start:
            raise ValidationError("suspension", "end", f"a date after start {self.start}", self.end)
        if self.ballot_kinds is not None and not self.ballot_kinds:
            raise ValidationError("suspension", "ballot_kinds", "None (all) or kinds", "empty set")

    def in_force_on(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)

    def scope_text(self) -> str:
        kinds = (
            "all ballots"
            if self.ballot_kinds is None
            else ("ballots of kind " + ", ".join(sorted(self.ballot_kinds)))
        )
        return kinds if self.unit_id is None else f"{kinds} in unit {self.unit_id}"

    def to_json(self) -> dict[str, object]:
        return {
            "start": self.start.isoformat(),
            "end": None if self.end is None else self.end.isoformat(),
            "reference": self.reference,
            "ballot_kinds": None if self.ballot_kinds is None else sorted(self.ballot_kinds),
            "unit_id": self.unit_id,
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Suspension:
        kinds = data["ballot_kinds"]
        end = data["end"]
        unit = data["unit_id"]
        return cls(
            start=date.fromisoformat(str(data["start"])),
            end=None if end is None else date.fromisoformat(str(end)),
            reference=str(data["reference"]),
            ballot_kinds=None if kinds is None else frozenset(str(k) for k in kinds),  # type: ignore[attr-defined]
            unit_id=None if unit is None else str(unit),
        )


@dataclass(frozen=True, slots=True)
class Member:
    organisation_id: str
    member_id: str
    given_name: str
    family_name: str
    joined: date
    email: str = ""
    phone: str = ""
    address: str = ""
    postcode: str = ""
    left: date | None = None
    paid_up_to: date | None = None
    units: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()
    suspensions: tuple[Suspension, ...] = ()

    def __post_init__(self) -> None:
        problems = member_problems(self)
        if problems:
            raise problems[0]

    def to_json(self) -> dict[str, object]:
        return {"organisation_id": self.organisation_id, "member_id": self.member_id} | {
            name: jsonable(getattr(self, name)) for name in MEMBER_FIELDS
        }


class MemberRepository(Protocol):
    """Member records. Storage only writes; the service audits every change before calling."""

    def get(self, organisation_id: str, member_id: str) -> Member | None: ...
    def add_many(self, added: Sequence[Member]) -> None:
        """Insert new members in one statement."""
        ...

    def replace_many(self, replaced: Sequence[Member]) -> None:
        """Replace stored members (same ids) in one statement."""
        ...

    def list(self, organisation_id: str) -> Sequence[Member]: ...
    def with_email(self, organisation_id: str, email: str) -> Sequence[Member]:
        """At least every member whose address equals `email` ignoring case (Unicode case
        folding) and surrounding spaces, perhaps more: the caller compares exactly."""
        ...

    def with_emails(self, organisation_id: str, emails: Collection[str]) -> Sequence[Member]:
        """`with_email` for several addresses in one query: at least every member whose
        address is any of them."""
        ...

    def ids(self, organisation_id: str) -> Sequence[str]:
        """Every member id of the organisation (to name the nearest to a mistyped one)."""
        ...


class FrozenRollHeader(Protocol):
    """What a member change reports of each frozen roll it comes after (`SnapshotHeader`)."""

    @property
    def ballot_id(self) -> str: ...
    @property
    def version(self) -> int: ...
    @property
    def frozen_at(self) -> str: ...
    @property
    def frozen_by(self) -> str: ...


class FrozenRolls(Protocol):
    def headers(self, organisation_id: str) -> Sequence[FrozenRollHeader]: ...


class MemberWork(OrganisationWork, Protocol):
    """What member changes need of a unit of work: a change after a freeze is audited per roll."""

    members: MemberRepository

    @property
    def snapshots(self) -> FrozenRolls: ...


def member_problems(m: Member | SimpleNamespace) -> list[ValidationError]:
    """Every field of `m` (a Member, or the fields of one to be) that is not valid: an import
    names them all at once rather than the first only."""
    problems: list[ValidationError] = []
    if not _MEMBER_ID.fullmatch(m.member_id):
        problems.append(ValidationError(
            "member", "member_id", "1-64 of A-Z a-z 0-9 . _ / -, starting alphanumeric",
            m.member_id,
        ))  # fmt: skip
    for name in ("given_name", "family_name"):
        value = getattr(m, name)
        if not value.strip() or len(value) > 200 or value != value.strip():
            problems.append(
                ValidationError("member", name, "1-200 characters, no outer spaces", value)
            )
    if m.email and not valid_email(m.email):
        problems.append(
            ValidationError("member", "email", "an address like name@example.org", m.email)
        )
    if m.phone and (
        not _PHONE.fullmatch(m.phone) or not 7 <= sum(c.isdigit() for c in m.phone) <= 15
    ):
        problems.append(
            ValidationError("member", "phone", "7-15 digits, optional + ( ) - spaces", m.phone)
        )
    if m.left is not None and m.left < m.joined:
        problems.append(
            ValidationError("member", "left", f"a date on or after joined {m.joined}", m.left)
        )
    for unit in m.units:
        try:
            check_id("member", "units", unit)
        except ValidationError as error:
            problems.append(error)
    for category in m.categories:
        if not _TOKEN.fullmatch(category):
            problems.append(
                ValidationError("member", "categories", "tokens of a-z, 0-9 and '-'", category)
            )
    return problems


def valid_email(address: str) -> bool:
    return _EMAIL.fullmatch(address) is not None


def member_changes(old: Member | None, new: Member) -> list[Change]:
    """The changed fields, in MEMBER_FIELDS order (every non-empty field for a new member)."""
    changes: list[Change] = []
    for name in MEMBER_FIELDS:
        after = getattr(new, name)
        before = None if old is None else getattr(old, name)
        if old is None and after in ("", None, frozenset(), ()):
            continue
        if before != after:
            changes.append(Change(name, before, after))
    return changes


def write_member(
    uow: MemberWork, *, at: datetime, actor: str, new: Member, note: str = ""
) -> list[Change]:
    """Store `new` (adding or replacing) with its audit events; returns the changes made."""
    old = uow.members.get(new.organisation_id, new.member_id)
    write_members(uow, at=at, actor=actor, pairs=[(old, new)], note=note)
    return member_changes(old, new)


WRITE_BATCH = 2000
"""Members written per statement by `write_members` (their audit events go with them)."""


def write_members(
    uow: MemberWork,
    *,
    at: datetime,
    actor: str,
    pairs: Iterable[tuple[Member | None, Member]],
    note: str = "",
) -> int:
    """Store each (old, new) pair, old None for a new member, with the audit events one
    `write_member` would write (member.created/updated per changed field, and per frozen roll
    roll.changed_after_freeze), in batches of WRITE_BATCH members; returns how many changed."""
    writer = AuditWriter(uow, at=at, actor=actor)
    frozen: dict[str, list[str]] = {}
    added: list[Member] = []
    replaced: list[Member] = []
    entries: list[Entry] = []
    written = 0

    def flush() -> None:
        uow.members.add_many(added)
        uow.members.replace_many(replaced)
        writer.write(entries)
        added.clear()
        replaced.clear()
        entries.clear()

    for old, new in pairs:
        changes = member_changes(old, new)
        if not changes and old is not None:
            continue
        org = new.organisation_id
        if org not in frozen:
            frozen[org] = [
                f"ballot {h.ballot_id}: roll version {h.version} frozen at {h.frozen_at} by "
                f"{h.frozen_by}"
                for h in uow.snapshots.headers(org)
            ]
        (added if old is None else replaced).append(new)
        subject = f"member:{new.member_id}"
        action = "member.created" if old is None else "member.updated"
        entries.append(Entry(action, org, subject, changes, note))
        entries.extend(
            Entry("roll.changed_after_freeze", org, subject, changes, n) for n in frozen[org]
        )
        written += 1
        if len(added) + len(replaced) >= WRITE_BATCH:
            flush()
    flush()
    return written


class MemberService:
    """Adding and changing members one at a time (bulk changes go through `RollImporter`)."""

    def __init__(self, uow: Callable[[], MemberWork], clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def get(self, principal: Principal, organisation_id: str, member_id: str) -> Member:
        """One member's record (personal data: officers only)."""
        authorise(principal, "members.get")
        return self._get(organisation_id, member_id)

    def _get(self, organisation_id: str, member_id: str) -> Member:
        with self._uow() as uow:
            member = uow.members.get(organisation_id, member_id)
        if member is None:
            with self._uow() as uow:
                known = uow.members.ids(organisation_id)
            raise NotFoundError(no_such("member", member_id, known, organisation_id))
        return member

    def list_members(self, principal: Principal, organisation_id: str) -> Sequence[Member]:
        """Every member (personal data: officers, and the credential authority for delivery)."""
        authorise(principal, "members.list_members")
        with self._uow() as uow:
            return list(uow.members.list(organisation_id))

    def add(self, principal: Principal, member: Member, reason: str = "") -> None:
        authorise(principal, "members.add")
        actor = principal.name
        with self._uow() as uow:
            require_organisation(uow, member.organisation_id)
            if uow.members.get(member.organisation_id, member.member_id) is not None:
                raise ConflictError(
                    f"member {member.member_id!r} already exists in {member.organisation_id!r}"
                )
            _check_units(uow, member)
            write_member(uow, at=self._clock.now(), actor=actor, new=member, note=reason)
            uow.commit()

    def update(
        self,
        principal: Principal,
        organisation_id: str,
        member_id: str,
        reason: str,
        **fields: object,
    ) -> list[Change]:
        """Change the named fields; `reason` is kept with each audit event."""
        authorise(principal, "members.update")
        actor = principal.name
        unknown = set(fields) - set(MEMBER_FIELDS)
        if unknown:
            raise ValidationError(
                "member update", "fields", f"names in {MEMBER_FIELDS}", sorted(unknown)
            )
        if not reason.strip():
            raise ValidationError("member update", "reason", "why the record changes", reason)
        with self._uow() as uow:
            old = uow.members.get(organisation_id, member_id)
            if old is None:
                known = uow.members.ids(organisation_id)
                raise NotFoundError(no_such("member", member_id, known, organisation_id))
            new = dataclasses.replace(old, **fields)  # type: ignore[arg-type]
            _check_units(uow, new)
            changes = write_member(uow, at=self._clock.now(), actor=actor, new=new, note=reason)
            uow.commit()
            return changes

    def suspend(
        self, principal: Principal, organisation_id: str, member_id: str, suspension: Suspension
    ) -> None:
        authorise(principal, "members.suspend")
        member = self._get(organisation_id, member_id)
        self.update(
            principal,
            organisation_id,
            member_id,
            f"suspension: {suspension.reference}",
            suspensions=(*member.suspensions, suspension),
        )

    def lift_suspension(
        self,
        principal: Principal,
        organisation_id: str,
        member_id: str,
        index: int,
        end: date,
        reason: str,
    ) -> None:
        """End suspension number `index` (0-based) on `end`; the old dates stay in the log."""
        authorise(principal, "members.lift_suspension")
        member = self._get(organisation_id, member_id)
        if not 0 <= index < len(member.suspensions):
            raise ValidationError("suspension", "index", f"0..{len(member.suspensions) - 1}", index)
        lifted = dataclasses.replace(member.suspensions[index], end=end)
        suspensions = list(member.suspensions)
        suspensions[index] = lifted
        self.update(principal, organisation_id, member_id, reason, suspensions=tuple(suspensions))


def require_members(
    uow: MemberWork, organisation_id: str, member_ids: Iterable[str], option: str
) -> None:
    """NotFoundError unless every id is a member of the organisation, naming the nearest (for
    officials' commands only: a voter is never shown other members' ids)."""
    missing = sorted({m for m in member_ids if uow.members.get(organisation_id, m) is None})
    if missing:
        known = uow.members.ids(organisation_id)
        raise NotFoundError(f"{option}: " + no_such("member", missing[0], known, organisation_id))


def _check_units(uow: MemberWork, member: Member) -> None:
    require_units(uow, member.organisation_id, member.units, f"member {member.member_id!r} units")
    scoped = {s.unit_id for s in member.suspensions if s.unit_id is not None}
    require_units(uow, member.organisation_id, scoped, f"member {member.member_id!r} suspension")
