"""Repositories implementing the service ports over one SQLAlchemy connection (transaction).

They translate rows to the service's values and back; they decide nothing. The audit
repository has `append` and no update or delete; the append-only tables also refuse them in
the database (triggers, migration 0001).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from clearcount.core.canonical import canonical_json
from clearcount.service.audit import GENESIS, AuditEvent, format_instant, jsonable
from clearcount.service.membership.eligibility import (
    EligibilityDecision,
    EligibilityRules,
    MemberFacts,
    StoredRules,
)
from clearcount.service.membership.members import Member, Suspension
from clearcount.service.membership.organisations import (
    Organisation,
    OrganisationKind,
    Unit,
    UnitKind,
)
from clearcount.service.membership.roll_snapshot import RollSnapshot, SnapshotEntry, SnapshotHeader
from clearcount.storage.tables import (
    audit_events,
    ballot_rules,
    members,
    organisations,
    roll_entries,
    roll_salts,
    roll_snapshots,
    units,
)

__all__ = [
    "SqlAuditRepository",
    "SqlBallotRulesRepository",
    "SqlMemberRepository",
    "SqlOrganisationRepository",
    "SqlSnapshotRepository",
]

_AUDIT_LOCK = 0x636C6561  # pg_advisory_xact_lock key serialising audit appends ("clea")


def _json(value: object) -> str:
    return canonical_json(jsonable(value)).decode("utf-8")


def _load(text: str) -> Any:
    return json.loads(text)


class SqlOrganisationRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._c = connection

    def add(self, organisation: Organisation) -> None:
        self._c.execute(
            organisations.insert().values(
                organisation_id=organisation.organisation_id,
                name=organisation.name,
                kind=str(organisation.kind),
            )
        )

    def get(self, organisation_id: str) -> Organisation | None:
        row = self._c.execute(
            sa.select(organisations).where(organisations.c.organisation_id == organisation_id)
        ).one_or_none()
        if row is None:
            return None
        return Organisation(row.organisation_id, row.name, OrganisationKind(row.kind))

    def ids(self) -> Sequence[str]:
        query = sa.select(organisations.c.organisation_id).order_by(organisations.c.organisation_id)
        return list(self._c.execute(query).scalars())

    def add_unit(self, unit: Unit) -> None:
        self._c.execute(
            units.insert().values(
                organisation_id=unit.organisation_id,
                unit_id=unit.unit_id,
                name=unit.name,
                kind=str(unit.kind),
                parent_id=unit.parent_id,
            )
        )

    def units(self, organisation_id: str) -> Sequence[Unit]:
        rows = self._c.execute(
            sa.select(units)
            .where(units.c.organisation_id == organisation_id)
            .order_by(units.c.unit_id)
        )
        return [
            Unit(r.organisation_id, r.unit_id, r.name, UnitKind(r.kind), r.parent_id) for r in rows
        ]


def _member_values(m: Member) -> dict[str, object]:
    return {
        "organisation_id": m.organisation_id,
        "member_id": m.member_id,
        "given_name": m.given_name,
        "family_name": m.family_name,
        "email": m.email,
        "phone": m.phone,
        "address": m.address,
        "postcode": m.postcode,
        "joined": m.joined,
        "left_on": m.left,
        "paid_up_to": m.paid_up_to,
        "units": _json(m.units),
        "categories": _json(m.categories),
        "suspensions": _json(m.suspensions),
    }


def _member(row: sa.Row[Any]) -> Member:
    return Member(
        organisation_id=row.organisation_id,
        member_id=row.member_id,
        given_name=row.given_name,
        family_name=row.family_name,
        joined=row.joined,
        email=row.email,
        phone=row.phone,
        address=row.address,
        postcode=row.postcode,
        left=row.left_on,
        paid_up_to=row.paid_up_to,
        units=frozenset(_load(row.units)),
        categories=frozenset(_load(row.categories)),
        suspensions=tuple(Suspension.from_json(s) for s in _load(row.suspensions)),
    )


def _with_emails(non_ascii: str) -> sa.Select[Any]:
    """Members whose address lower-cases to one of `f`, or has a character outside ASCII
    (`non_ascii`: the dialect's pattern operator for that), in organisation `o`."""
    stored = members.c.email
    pattern = stored.op("GLOB")("*[^ -~]*") if non_ascii == "GLOB" else stored.op("~")("[^ -~]")
    folded = sa.func.lower(sa.func.trim(stored)).in_(sa.bindparam("f", expanding=True))
    return (
        sa.select(members)
        .where(members.c.organisation_id == sa.bindparam("o"), sa.or_(folded, pattern))
        .order_by(members.c.member_id)
    )


_WITH_EMAILS = {"sqlite": _with_emails("GLOB"), "postgresql": _with_emails("~")}
"""Built once per dialect: a cast's statements cost more to build than to run (issue 12)."""


class SqlMemberRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._c = connection

    def get(self, organisation_id: str, member_id: str) -> Member | None:
        row = self._c.execute(
            sa.select(members).where(
                members.c.organisation_id == organisation_id, members.c.member_id == member_id
            )
        ).one_or_none()
        return None if row is None else _member(row)

    def add(self, member: Member) -> None:
        self.add_many([member])

    def add_many(self, added: Sequence[Member]) -> None:
        if added:
            self._c.execute(members.insert(), [_member_values(m) for m in added])

    def replace(self, member: Member) -> None:
        self.replace_many([member])

    def replace_many(self, replaced: Sequence[Member]) -> None:
        if not replaced:
            return
        statement = members.update().where(
            members.c.organisation_id == sa.bindparam("key_organisation_id"),
            members.c.member_id == sa.bindparam("key_member_id"),
        )
        rows = [
            {**_member_values(m), "key_organisation_id": m.organisation_id,
             "key_member_id": m.member_id}
            for m in replaced
        ]  # fmt: skip
        result = self._c.execute(statement, rows)
        if result.rowcount != len(replaced):
            raise LookupError(
                f"expected {len(replaced)} stored members to replace, found {result.rowcount}"
            )

    def ids(self, organisation_id: str) -> Sequence[str]:
        query = sa.select(members.c.member_id).where(members.c.organisation_id == organisation_id)
        return list(self._c.execute(query.order_by(members.c.member_id)).scalars())

    def list(self, organisation_id: str) -> Sequence[Member]:
        rows = self._c.execute(
            sa.select(members)
            .where(members.c.organisation_id == organisation_id)
            .order_by(members.c.member_id)
        )
        return [_member(r) for r in rows]

    def with_email(self, organisation_id: str, email: str) -> Sequence[Member]:
        """Every member whose address may be `email` up to case and surrounding spaces: each
        ASCII address that lower-cases to it, and each non-ASCII one (SQL's lower() is not
        Unicode case folding); the caller compares exactly. One query, not the whole roll."""
        return self.with_emails(organisation_id, [email])

    def with_emails(self, organisation_id: str, emails: Collection[str]) -> Sequence[Member]:
        """`with_email` for several addresses at once (a batch of casts): every member whose
        address may be any of them."""
        folded = sorted({email.strip().casefold() for email in emails})
        query = _WITH_EMAILS[self._c.dialect.name]
        rows = self._c.execute(query, {"o": organisation_id, "f": folded})
        return [_member(r) for r in rows]


class SqlAuditRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._c = connection

    def head(self) -> tuple[int, str]:
        if self._c.dialect.name == "postgresql":
            self._c.execute(sa.select(sa.func.pg_advisory_xact_lock(_AUDIT_LOCK)))
        row = self._c.execute(
            sa.select(audit_events.c.seq, audit_events.c.hash)
            .order_by(audit_events.c.seq.desc())
            .limit(1)
        ).one_or_none()
        return (0, GENESIS) if row is None else (row.seq, row.hash)

    def append_many(self, events: Sequence[AuditEvent]) -> None:
        rows = [{**event.body(), "hash": event.hash} for event in events]
        self._c.execute(audit_events.insert(), rows)

    def list(
        self, *, organisation_id: str | None = None, subject: str | None = None
    ) -> Sequence[AuditEvent]:
        query = sa.select(audit_events).order_by(audit_events.c.seq)
        if organisation_id is not None:
            query = query.where(audit_events.c.organisation_id == organisation_id)
        if subject is not None:
            query = query.where(audit_events.c.subject == subject)
        return [
            AuditEvent(
                seq=r.seq,
                at=r.at,
                actor=r.actor,
                action=r.action,
                organisation_id=r.organisation_id,
                subject=r.subject,
                field=r.field,
                old=r.old,
                new=r.new,
                note=r.note,
                prev_hash=r.prev_hash,
                hash=r.hash,
            )
            for r in self._c.execute(query)
        ]


class SqlBallotRulesRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._c = connection

    def add(self, rules: EligibilityRules, version: int, set_by: str, set_at: datetime) -> None:
        self._c.execute(
            ballot_rules.insert().values(
                ballot_id=rules.ballot_id,
                version=version,
                organisation_id=rules.organisation_id,
                rules=_json(rules.to_json()),
                set_by=set_by,
                set_at=format_instant(set_at),
            )
        )

    def get(self, ballot_id: str, version: int | None = None) -> StoredRules | None:
        query = sa.select(ballot_rules).where(ballot_rules.c.ballot_id == ballot_id)
        if version is None:
            query = query.order_by(ballot_rules.c.version.desc()).limit(1)
        else:
            query = query.where(ballot_rules.c.version == version)
        row = self._c.execute(query).one_or_none()
        return None if row is None else _stored_rules(row)

    def for_organisation(self, organisation_id: str) -> Sequence[StoredRules]:
        latest = (
            sa.select(ballot_rules.c.ballot_id, sa.func.max(ballot_rules.c.version).label("v"))
            .where(ballot_rules.c.organisation_id == organisation_id)
            .group_by(ballot_rules.c.ballot_id)
            .subquery()
        )
        rows = self._c.execute(
            sa.select(ballot_rules)
            .join(
                latest,
                sa.and_(
                    ballot_rules.c.ballot_id == latest.c.ballot_id,
                    ballot_rules.c.version == latest.c.v,
                ),
            )
            .order_by(ballot_rules.c.ballot_id)
        )
        return [_stored_rules(r) for r in rows]


def _stored_rules(row: sa.Row[Any]) -> StoredRules:
    return StoredRules(
        EligibilityRules.from_json(_load(row.rules)), row.version, row.set_by, row.set_at
    )


def _entry(r: sa.Row[Any]) -> SnapshotEntry:
    return SnapshotEntry(
        r.position,
        r.member_id,
        bytes(r.salt),
        r.commitment,
        MemberFacts.from_json(_load(r.facts)),
        EligibilityDecision.from_json(_load(r.decision)),
    )


_ENTRIES = sa.select(roll_entries).where(
    roll_entries.c.ballot_id == sa.bindparam("b"),
    roll_entries.c.version == sa.bindparam("v"),
    roll_entries.c.member_id.in_(sa.bindparam("m", expanding=True)),
)


class SqlSnapshotRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._c = connection

    def add(self, snapshot: RollSnapshot) -> None:
        h = snapshot.header
        self._c.execute(
            roll_snapshots.insert().values(
                ballot_id=h.ballot_id,
                version=h.version,
                organisation_id=h.organisation_id,
                rules_version=h.rules_version,
                frozen_at=h.frozen_at,
                frozen_by=h.frozen_by,
                reason=h.reason,
                root=h.root,
                size=h.size,
                eligible=h.eligible,
            )
        )
        if snapshot.entries:
            self._c.execute(
                roll_entries.insert(),
                [
                    {
                        "ballot_id": h.ballot_id,
                        "version": h.version,
                        "position": e.position,
                        "member_id": e.member_id,
                        "salt": e.salt,
                        "commitment": e.commitment,
                        "facts": _json(e.facts.to_json()),
                        "decision": _json(e.decision.to_json()),
                    }
                    for e in snapshot.entries
                ],
            )

    def get(self, ballot_id: str, version: int | None = None) -> RollSnapshot | None:
        query = sa.select(roll_snapshots).where(roll_snapshots.c.ballot_id == ballot_id)
        if version is None:
            query = query.order_by(roll_snapshots.c.version.desc()).limit(1)
        else:
            query = query.where(roll_snapshots.c.version == version)
        row = self._c.execute(query).one_or_none()
        if row is None:
            return None
        entries = tuple(
            _entry(r)
            for r in self._c.execute(
                sa.select(roll_entries)
                .where(roll_entries.c.ballot_id == ballot_id, roll_entries.c.version == row.version)
                .order_by(roll_entries.c.position)
            )
        )
        return RollSnapshot(_header(row), entries)

    def entry(self, ballot_id: str, version: int, member_id: str) -> SnapshotEntry | None:
        return self.entries(ballot_id, version, [member_id]).get(member_id)

    def entries(
        self, ballot_id: str, version: int, member_ids: Collection[str]
    ) -> Mapping[str, SnapshotEntry]:
        values = {"b": ballot_id, "v": version, "m": list(member_ids)}
        rows = self._c.execute(_ENTRIES, values)
        return {row.member_id: _entry(row) for row in rows}

    def headers(self, organisation_id: str) -> Sequence[SnapshotHeader]:
        latest = (
            sa.select(roll_snapshots.c.ballot_id, sa.func.max(roll_snapshots.c.version).label("v"))
            .where(roll_snapshots.c.organisation_id == organisation_id)
            .group_by(roll_snapshots.c.ballot_id)
            .subquery()
        )
        rows = self._c.execute(
            sa.select(roll_snapshots)
            .join(
                latest,
                sa.and_(
                    roll_snapshots.c.ballot_id == latest.c.ballot_id,
                    roll_snapshots.c.version == latest.c.v,
                ),
            )
            .order_by(roll_snapshots.c.ballot_id)
        )
        return [_header(r) for r in rows]

    def salt(self, ballot_id: str, member_id: str) -> bytes | None:
        value = self._c.execute(
            sa.select(roll_salts.c.salt).where(
                roll_salts.c.ballot_id == ballot_id, roll_salts.c.member_id == member_id
            )
        ).scalar_one_or_none()
        return None if value is None else bytes(value)

    def add_salt(self, ballot_id: str, member_id: str, salt: bytes) -> None:
        self._c.execute(
            roll_salts.insert().values(ballot_id=ballot_id, member_id=member_id, salt=salt)
        )


def _header(r: sa.Row[Any]) -> SnapshotHeader:
    return SnapshotHeader(
        ballot_id=r.ballot_id,
        organisation_id=r.organisation_id,
        version=r.version,
        rules_version=r.rules_version,
        frozen_at=r.frozen_at,
        frozen_by=r.frozen_by,
        reason=r.reason,
        root=r.root,
        size=r.size,
        eligible=r.eligible,
    )
