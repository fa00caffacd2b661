"""Repositories implementing `service.elections.ports` over one SQLAlchemy connection.

Events are stored as their canonical bytes (spec §10.1) and read back with the record's own
parser, so what comes out hashes to what went in. On PostgreSQL `get(..., lock=True)` takes the
election's row lock (SELECT ... FOR UPDATE): appends to one record are serialised; SQLite's
BEGIN IMMEDIATE (storage.engine) serialises every writer already.
"""

from __future__ import annotations

import functools
import json
import secrets
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from clearcount.core.canonical import canonical_json, parse_canonical
from clearcount.protocol.roles import RoleCard
from clearcount.record.chain import Event, event_from_document
from clearcount.service.elections.records import (
    Appeal,
    BallotDefinition,
    PaperEntry,
    PublicationEntry,
    RegisteredCard,
    RegisterMark,
    StoredElection,
)
from clearcount.service.errors import ConflictError
from clearcount.storage.election_tables import (
    appeals,
    cancelled_credentials,
    credential_bindings,
    elections,
    marked_register,
    paper_entries,
    publications,
    record_event_counts,
    record_events,
    role_cards,
)

__all__ = [
    "SqlAppealRepository",
    "SqlBoardRepository",
    "SqlCredentialBindingRepository",
    "SqlElectionRepository",
    "SqlPublicationRepository",
    "SqlRegisterRepository",
    "SqlRoleCardRepository",
]


@functools.lru_cache(maxsize=64)
def _definition(text: str) -> BallotDefinition:
    """The definition stored as `text`, parsed once per process: every cast reads its
    election, and a definition only changes as a new text (BallotDefinition is frozen)."""
    return BallotDefinition.from_json(json.loads(text))


def _election(row: sa.Row[Any]) -> StoredElection:
    return StoredElection(_definition(row.definition), row.defined_by, row.defined_at,
                          row.roll_version)  # fmt: skip


def _among(column: sa.Column[Any], name: str) -> sa.ColumnElement[bool]:
    return column.in_(sa.bindparam(name, expanding=True))


# A cast's statements, built once (issue 12): building a statement per call cost more CPU than
# running it. Each takes its values as bound parameters.
_ELECTION = sa.select(elections).where(elections.c.election_id == sa.bindparam("e"))
_ELECTION_LOCKED = _ELECTION.with_for_update(key_share=True)
"""FOR NO KEY UPDATE: writers to the record queue on it, but rows that only refer to the
election (a sign-in code's foreign key takes FOR KEY SHARE) do not wait."""
_COUNTS = sa.select(record_event_counts.c.kind, record_event_counts.c.events).where(
    record_event_counts.c.election_id == sa.bindparam("e")
)
_HEAD = (
    sa.select(record_events.c.seq, record_events.c.kind, record_events.c.hash)
    .where(record_events.c.election_id == sa.bindparam("e"))
    .order_by(record_events.c.seq.desc())
    .limit(1)
)
_KINDS_AND_HASHES = (
    sa.select(record_events.c.kind, record_events.c.hash)
    .where(record_events.c.election_id == sa.bindparam("e"), _among(record_events.c.kind, "k"))
    .order_by(record_events.c.seq)
)
_BALLOTS_OF = (
    sa.select(record_events.c.credential, record_events.c.document)
    .where(
        record_events.c.election_id == sa.bindparam("e"),
        _among(record_events.c.credential, "c"),
    )
    .order_by(record_events.c.seq)
)
_CANCELLED_AMONG = sa.select(cancelled_credentials.c.credential).where(
    cancelled_credentials.c.election_id == sa.bindparam("e"),
    _among(cancelled_credentials.c.credential, "c"),
)
_MARK_ORDER = (marked_register.c.member_id, marked_register.c.day, marked_register.c.channel)
"""Lines come back by member, day and channel: never in the order they were written."""
_MARKS_OF = (
    sa.select(marked_register)
    .where(
        marked_register.c.election_id == sa.bindparam("e"),
        _among(marked_register.c.member_id, "m"),
    )
    .order_by(*_MARK_ORDER)
)
_BOUND = sa.select(credential_bindings.c.credential_key, credential_bindings.c.member_key).where(
    credential_bindings.c.election_id == sa.bindparam("e"),
    _among(credential_bindings.c.credential_key, "k"),
)
_COUNT_UP = {
    dialect.dialect.name: dialect.insert(record_event_counts)
    .values(election_id=sa.bindparam("e"), kind=sa.bindparam("kind"), events=sa.bindparam("n"))
    .on_conflict_do_update(
        index_elements=["election_id", "kind"],
        set_={"events": record_event_counts.c.events + sa.bindparam("n")},
    )
    for dialect in (postgresql, sqlite)
}


class SqlElectionRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._c = connection

    def add(self, election: StoredElection) -> None:
        d = election.definition
        self._c.execute(
            elections.insert().values(
                election_id=d.election_id,
                organisation_id=d.organisation_id,
                definition=canonical_json(d.to_json()).decode("utf-8"),
                defined_by=election.defined_by,
                defined_at=election.defined_at,
                roll_version=election.roll_version,
            )
        )

    def get(self, election_id: str, *, lock: bool = False) -> StoredElection | None:
        locked = lock and self._c.dialect.name == "postgresql"
        query = _ELECTION_LOCKED if locked else _ELECTION
        row = self._c.execute(query, {"e": election_id}).one_or_none()
        return None if row is None else _election(row)

    def replace_definition(self, definition: BallotDefinition) -> None:
        self._c.execute(
            elections.update()
            .where(elections.c.election_id == definition.election_id)
            .values(definition=canonical_json(definition.to_json()).decode("utf-8"))
        )

    def set_roll_version(self, election_id: str, version: int) -> None:
        self._c.execute(
            elections.update()
            .where(elections.c.election_id == election_id)
            .values(roll_version=version)
        )

    def list(self, organisation_id: str) -> Sequence[StoredElection]:
        rows = self._c.execute(
            sa.select(elections)
            .where(elections.c.organisation_id == organisation_id)
            .order_by(elections.c.election_id)
        )
        return [_election(r) for r in rows]

    def all(self) -> Sequence[StoredElection]:
        rows = self._c.execute(sa.select(elections).order_by(elections.c.election_id))
        return [_election(r) for r in rows]

    def ids(self) -> Sequence[str]:
        query = sa.select(elections.c.election_id).order_by(elections.c.election_id)
        return list(self._c.execute(query).scalars())


def _event(document: str) -> Event:
    return event_from_document(parse_canonical(document.encode("utf-8")), "stored event")


class SqlBoardRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._c = connection

    def append(self, election_id: str, event: Event) -> None:
        self.append_many(election_id, [event])

    def append_many(self, election_id: str, events: Sequence[Event]) -> None:
        rows = []
        for event in events:
            credential = event.body.get("credential") if event.kind == "Ballot" else None
            rows.append({
                "election_id": election_id,
                "seq": event.seq,
                "kind": event.kind,
                "hash": event.hash,
                "credential": credential if isinstance(credential, str) else None,
                "document": event.encode().decode("utf-8"),
            })  # fmt: skip
        if not rows:
            return
        self._c.execute(record_events.insert(), rows)
        for event in events:
            if event.kind == "PaperBatch":
                self._cancel(election_id, event)
        count_up = _COUNT_UP[self._c.dialect.name]
        for kind, n in Counter(event.kind for event in events).items():
            self._c.execute(count_up, {"e": election_id, "kind": kind, "n": n})

    def _cancel(self, election_id: str, event: Event) -> None:
        credentials = event.body.get("cancelled_credentials")
        rows = [
            {"election_id": election_id, "credential": c, "seq": event.seq}
            for c in dict.fromkeys(credentials if isinstance(credentials, list) else ())
            if isinstance(c, str)
        ]
        if rows:
            self._c.execute(cancelled_credentials.insert(), rows)

    def is_cancelled(self, election_id: str, credential: str) -> bool:
        return bool(self.cancelled_among(election_id, [credential]))

    def cancelled_among(self, election_id: str, credentials: Collection[str]) -> frozenset[str]:
        found = self._c.execute(_CANCELLED_AMONG, {"e": election_id, "c": list(credentials)})
        return frozenset(str(c) for c in found.scalars())

    def cancelled(self, election_id: str) -> frozenset[str]:
        query = sa.select(cancelled_credentials.c.credential).where(
            cancelled_credentials.c.election_id == election_id
        )
        return frozenset(str(c) for c in self._c.execute(query).scalars())

    def last(self, election_id: str, kind: str | None = None) -> Event | None:
        query = sa.select(record_events.c.document).where(
            record_events.c.election_id == election_id
        )
        if kind is not None:
            query = query.where(record_events.c.kind == kind)
        document = self._c.execute(
            query.order_by(record_events.c.seq.desc()).limit(1)
        ).scalar_one_or_none()
        return None if document is None else _event(document)

    def last_head(self, election_id: str) -> tuple[int, str, str] | None:
        row = self._c.execute(_HEAD, {"e": election_id}).one_or_none()
        return None if row is None else (int(row.seq), str(row.kind), str(row.hash))

    def counts(self, election_id: str) -> Mapping[str, int]:
        rows = self._c.execute(_COUNTS, {"e": election_id})
        return {kind: int(n) for kind, n in rows}

    def events(self, election_id: str, kinds: Sequence[str] | None = None) -> Sequence[Event]:
        query = sa.select(record_events.c.document).where(
            record_events.c.election_id == election_id
        )
        if kinds is not None:
            query = query.where(record_events.c.kind.in_(list(kinds)))
        return [_event(d) for d in self._c.execute(query.order_by(record_events.c.seq)).scalars()]

    def kinds_and_hashes(self, election_id: str, kinds: Sequence[str]) -> Sequence[tuple[str, str]]:
        rows = self._c.execute(_KINDS_AND_HASHES, {"e": election_id, "k": list(kinds)})
        return [(str(kind), str(h)) for kind, h in rows]

    def by_hash_prefix(self, election_id: str, prefix: str) -> Sequence[Event]:
        query = sa.select(record_events.c.document).where(
            record_events.c.election_id == election_id,
            record_events.c.hash.like(prefix.lower() + "%"),
        )
        return [_event(d) for d in self._c.execute(query.order_by(record_events.c.seq)).scalars()]

    def ballot_hashes(
        self, election_id: str, hash_prefix: str, offset: int, limit: int
    ) -> tuple[Sequence[tuple[int, str]], int]:
        where = (
            record_events.c.election_id == election_id,
            record_events.c.kind == "Ballot",
            record_events.c.hash.like(hash_prefix.lower() + "%"),
        )
        total = self._c.execute(sa.select(sa.func.count()).where(*where)).scalar_one()
        rows = self._c.execute(
            sa.select(record_events.c.seq, record_events.c.hash)
            .where(*where)
            .order_by(record_events.c.seq)
            .offset(offset)
            .limit(limit)
        )
        return [(int(seq), str(h)) for seq, h in rows], int(total)

    def ballots_of(self, election_id: str, credential: str) -> Sequence[Event]:
        return self.ballots_of_many(election_id, [credential]).get(credential, [])

    def ballots_of_many(
        self, election_id: str, credentials: Collection[str]
    ) -> Mapping[str, Sequence[Event]]:
        found: dict[str, list[Event]] = {}
        rows = self._c.execute(_BALLOTS_OF, {"e": election_id, "c": list(credentials)})
        for credential, document in rows:
            found.setdefault(str(credential), []).append(_event(document))
        return found


def _mark(r: sa.Row[Any]) -> RegisterMark:
    return RegisterMark(r.election_id, r.member_id, r.channel, r.day, r.recorded_by)


class SqlRegisterRepository:
    """Each line under a fresh random key (no rowid on SQLite): the table keeps no write order."""

    def __init__(self, connection: sa.Connection) -> None:
        self._c = connection

    def add(self, mark: RegisterMark) -> None:
        self.add_many([mark])

    def add_many(self, marks: Sequence[RegisterMark]) -> None:
        rows = [
            {
                "election_id": mark.election_id,
                "mark_key": secrets.token_hex(32),
                "member_id": mark.member_id,
                "channel": mark.channel,
                "day": mark.day,
                "recorded_by": mark.recorded_by,
            }
            for mark in marks
        ]
        if rows:
            self._c.execute(marked_register.insert(), rows)

    def for_member(self, election_id: str, member_id: str) -> Sequence[RegisterMark]:
        return self.for_members(election_id, [member_id]).get(member_id, [])

    def for_members(
        self, election_id: str, member_ids: Collection[str]
    ) -> Mapping[str, Sequence[RegisterMark]]:
        rows = self._c.execute(_MARKS_OF, {"e": election_id, "m": list(member_ids)})
        found: dict[str, list[RegisterMark]] = {}
        for row in rows:
            found.setdefault(row.member_id, []).append(_mark(row))
        return found

    def list(self, election_id: str) -> Sequence[RegisterMark]:
        rows = self._c.execute(
            sa.select(marked_register)
            .where(marked_register.c.election_id == election_id)
            .order_by(*_MARK_ORDER)
        )
        return [_mark(r) for r in rows]


class SqlCredentialBindingRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._c = connection

    def bound(self, election_id: str, credential_key: str) -> str | None:
        return self.bound_many(election_id, [credential_key]).get(credential_key)

    def bound_many(self, election_id: str, credential_keys: Collection[str]) -> Mapping[str, str]:
        rows = self._c.execute(_BOUND, {"e": election_id, "k": list(credential_keys)})
        return {str(key): str(member) for key, member in rows}

    def bind(self, election_id: str, credential_key: str, member_key: str) -> None:
        self.bind_many(election_id, {credential_key: member_key})

    def bind_many(self, election_id: str, keys: Mapping[str, str]) -> None:
        rows = [
            {"election_id": election_id, "credential_key": key, "member_key": member}
            for key, member in keys.items()
        ]
        if rows:
            self._c.execute(credential_bindings.insert(), rows)


def _appeal(r: sa.Row[Any]) -> Appeal:
    return Appeal(
        r.appeal_id,
        r.election_id,
        r.appellant,
        r.grounds,
        r.lodged_at,
        r.decision,
        r.reasons,
        r.decided_by,
        r.decided_at,
    )


class SqlAppealRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._c = connection

    def add(self, appeal: Appeal) -> None:
        self._c.execute(
            appeals.insert().values(
                appeal_id=appeal.appeal_id,
                election_id=appeal.election_id,
                appellant=appeal.appellant,
                grounds=appeal.grounds,
                lodged_at=appeal.lodged_at,
            )
        )

    def get(self, appeal_id: str, *, lock: bool = False) -> Appeal | None:
        query = sa.select(appeals).where(appeals.c.appeal_id == appeal_id)
        if lock and self._c.dialect.name == "postgresql":
            # FOR NO KEY UPDATE: writers to the record queue on it, but rows that only refer
            # to the election (a sign-in code's foreign key takes FOR KEY SHARE) do not wait
            query = query.with_for_update(key_share=True)
        row = self._c.execute(query).one_or_none()
        return None if row is None else _appeal(row)

    def decide(self, appeal: Appeal) -> None:
        result = self._c.execute(
            appeals.update()
            .where(appeals.c.appeal_id == appeal.appeal_id, appeals.c.decision.is_(None))
            .values(
                decision=appeal.decision,
                reasons=appeal.reasons,
                decided_by=appeal.decided_by,
                decided_at=appeal.decided_at,
            )
        )
        if result.rowcount != 1:
            raise LookupError(f"no undecided appeal {appeal.appeal_id!r} to decide")

    def list(self, election_id: str) -> Sequence[Appeal]:
        rows = self._c.execute(
            sa.select(appeals)
            .where(appeals.c.election_id == election_id)
            .order_by(appeals.c.lodged_at, appeals.c.appeal_id)
        )
        return [_appeal(r) for r in rows]


class SqlPublicationRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._c = connection

    def add(self, entry: PublicationEntry) -> None:
        self._c.execute(
            publications.insert().values(
                election_id=entry.election_id,
                path=entry.path,
                head=entry.head,
                events=entry.events,
                verified=entry.verified,
                published_by=entry.published_by,
                published_at=entry.published_at,
            )
        )

    def list(self, election_id: str) -> Sequence[PublicationEntry]:
        rows = self._c.execute(
            sa.select(publications)
            .where(publications.c.election_id == election_id)
            .order_by(publications.c.publication_id)
        )
        return [
            PublicationEntry(
                r.election_id,
                r.path,
                r.head,
                r.events,
                bool(r.verified),
                r.published_by,
                r.published_at,
            )
            for r in rows
        ]


class SqlRoleCardRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._c = connection

    def add(self, registered: RegisteredCard) -> None:
        card = registered.card
        self._c.execute(
            role_cards.insert().values(
                election_id=registered.election_id,
                role=card.role,
                name=card.name,
                card=canonical_json(card.to_json()).decode("utf-8"),
                registered_by=registered.registered_by,
                registered_at=registered.registered_at,
            )
        )

    def list(self, election_id: str) -> Sequence[RegisteredCard]:
        rows = self._c.execute(
            sa.select(role_cards)
            .where(role_cards.c.election_id == election_id)
            .order_by(role_cards.c.role, role_cards.c.name)
        )
        return [
            RegisteredCard(
                r.election_id,
                RoleCard.from_json(json.loads(r.card), f"stored card of {r.name!r}"),
                r.registered_by,
                r.registered_at,
            )
            for r in rows
        ]


class SqlPaperEntryRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._c = connection

    def add(self, entry: PaperEntry, *, correction: bool = False) -> None:
        t = paper_entries.c
        latest = self._c.execute(
            sa.select(sa.func.max(t.revision)).where(
                t.election_id == entry.election_id,
                t.teller == entry.teller,
                t.number == entry.number,
            )
        ).scalar()
        if latest is not None and not correction:
            raise ConflictError(
                f"teller {entry.teller!r} already entered paper {entry.number}; each number is "
                "entered once per teller (a mistake is corrected with --correct)"
            )
        if latest is None and correction:
            raise ConflictError(
                f"teller {entry.teller!r} has not entered paper {entry.number}: nothing to correct"
            )
        answers = None if entry.answers is None else {k: list(v) for k, v in entry.answers.items()}
        self._c.execute(
            paper_entries.insert().values(
                election_id=entry.election_id,
                teller=entry.teller,
                number=entry.number,
                revision=0 if latest is None else latest + 1,
                answers=None if answers is None else canonical_json(answers).decode("utf-8"),
                received=entry.received,
                entered_at=entry.entered_at,
            )
        )

    def rows(self, election_id: str, teller: str) -> int:
        t = paper_entries.c
        found = self._c.execute(
            sa.select(sa.func.count()).where(t.election_id == election_id, t.teller == teller)
        ).scalar()
        return int(found or 0)

    def list(self, election_id: str) -> Sequence[PaperEntry]:
        """Each teller's latest entry of each number (corrections replace, rows stay)."""
        rows = self._c.execute(
            sa.select(paper_entries)
            .where(paper_entries.c.election_id == election_id)
            .order_by(paper_entries.c.teller, paper_entries.c.number, paper_entries.c.revision)
        )
        latest = {(r.teller, r.number): r for r in rows}
        return [
            PaperEntry(
                r.election_id,
                r.teller,
                r.number,
                None
                if r.answers is None
                else {k: tuple(v) for k, v in json.loads(r.answers).items()},
                r.received,
                r.entered_at,
            )
            for r in latest.values()
        ]
