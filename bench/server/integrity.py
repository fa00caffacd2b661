"""Nothing half-written: the storage invariants a cast keeps, checked directly in the database.

One cast is one transaction (service.elections.casting, steps 5-6): the Ballot event, a line of
the marked register and, on a credential's first use, its binding. After any crash, the tables
must still agree with one another as if every transaction had run whole or not at all:

1. `record_events` holds seq 0..n-1 with no gap, each row's document parses as canonical JSON,
   its hash, seq, kind and credential columns are those of the document, and each event's
   `prev` is the hash of the one before (the chain of spec §10.2);
2. the register has exactly one online line per Ballot event (only online casting runs in the
   soak: no paper channel writes lines without a Ballot event);
3. the bindings are exactly the credentials that have a Ballot event (credential_key), and as
   many members have online lines as there are bindings;
4. with the benchmark's own knowledge of who holds which credential (`holders`, which the
   operator never has): each member's online lines are as many as the Ballot events under their
   credential, and each binding names that member (member_key).

`check_storage(engine, election_id, holders)` returns the problems found (empty: consistent).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from clearcount.core.canonical import parse_canonical
from clearcount.core.errors import ClearcountError
from clearcount.record.chain import Event, check_chain, event_from_document
from clearcount.service.elections.credential_binding import credential_key, member_key
from clearcount.storage.election_tables import (
    credential_bindings,
    marked_register,
    record_events,
)

__all__ = ["StorageCheck", "check_storage"]


class StorageCheck:
    """What `check_storage` found: counts, and each broken invariant as one sentence."""

    def __init__(self) -> None:
        self.events = 0
        self.ballots = 0
        self.register_lines = 0
        self.bindings = 0
        self.problems: list[str] = []

    def fail(self, message: str) -> None:
        self.problems.append(message)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        verdict = "consistent" if self.ok else f"{len(self.problems)} problems"
        return (
            f"{self.events} events ({self.ballots} Ballot), {self.register_lines} register "
            f"lines, {self.bindings} bindings: {verdict}"
        )


def _events(connection: sa.Connection, election_id: str, found: StorageCheck) -> list[Event]:
    rows = connection.execute(
        sa.select(record_events)
        .where(record_events.c.election_id == election_id)
        .order_by(record_events.c.seq)
    ).all()
    events: list[Event] = []
    for index, row in enumerate(rows):
        if row.seq != index:
            found.fail(f"record_events: expected seq {index}, got {row.seq} (a gap)")
            break
        try:
            event = event_from_document(parse_canonical(row.document.encode()), f"seq {row.seq}")
        except ClearcountError as error:
            found.fail(f"record_events seq {row.seq}: document does not parse: {error}")
            break
        credential = event.body.get("credential") if event.kind == "Ballot" else None
        columns = (row.hash, row.seq, row.kind, row.credential)
        if columns != (event.hash, event.seq, event.kind, credential):
            found.fail(f"record_events seq {row.seq}: columns {columns} differ from the document")
        events.append(event)
    try:
        check_chain(events)
    except ClearcountError as error:
        found.fail(f"record_events: hash chain broken: {error}")
    return events


def check_storage(
    engine: Engine, election_id: str, holders: Mapping[str, str] | None = None
) -> StorageCheck:
    """Check the invariants above for one election; `holders`: credential hex -> member id."""
    found = StorageCheck()
    with engine.connect() as connection:
        events = _events(connection, election_id, found)
        register = connection.execute(
            sa.select(marked_register.c.member_id, marked_register.c.channel).where(
                marked_register.c.election_id == election_id
            )
        ).all()
        bindings = connection.execute(
            sa.select(credential_bindings.c.credential_key, credential_bindings.c.member_key).where(
                credential_bindings.c.election_id == election_id
            )
        ).all()
    ballots = Counter(str(e.body["credential"]) for e in events if e.kind == "Ballot")
    online = Counter(member for member, channel in register if channel == "online")
    found.events, found.ballots = len(events), sum(ballots.values())
    found.register_lines, found.bindings = len(register), len(bindings)
    if sum(online.values()) != found.ballots:
        found.fail(
            f"{found.ballots} Ballot events but {sum(online.values())} online register lines "
            "(each cast writes both in one transaction)"
        )
    bound = dict(bindings)
    expected = {credential_key(election_id, c): c for c in ballots}
    if set(bound) != set(expected):
        found.fail(
            f"bindings: {len(set(bound) - set(expected))} without a Ballot event, "
            f"{len(set(expected) - set(bound))} credentials with Ballot events but no binding"
        )
    if len(online) != len(bound):
        found.fail(f"{len(online)} members in the register but {len(bound)} bound credentials")
    if holders is not None:
        _per_member(election_id, holders, ballots, online, bound, found)
    return found


def _per_member(
    election_id: str,
    holders: Mapping[str, str],
    ballots: Counter[str],
    online: Counter[str],
    bound: Mapping[str, str],
    found: StorageCheck,
) -> None:
    per_member = Counter({holders[c]: n for c, n in ballots.items() if c in holders})
    strangers = [c for c in ballots if c not in holders]
    if strangers:
        found.fail(f"{len(strangers)} Ballot events under credentials no voter holds")
    if per_member != online:
        wrong = sorted(m for m in set(per_member) | set(online) if per_member[m] != online[m])
        found.fail(
            f"{len(wrong)} members whose register lines differ from their Ballot events, "
            f"e.g. {wrong[:3]}"
        )
    for credential, member in holders.items():
        key = credential_key(election_id, credential)
        if key in bound and bound[key] != member_key(election_id, credential, member):
            found.fail(f"binding of {member}'s credential names another member")
