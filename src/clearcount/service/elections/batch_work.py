"""A unit of work that reads for a whole batch of casts at once and writes it at once (issue 12).

Each cast of a batch (service.elections.cast_together) runs the very code a cast alone runs -
the code check (`SignInService.admit`), `require_eligible`, `bound_to`, the register and board
lookups, `Admission.stored` - against a `BatchWork` instead of the transaction's unit of work.
`BatchWork` answers their reads from what `read_sign_in` and `read_checks` read for every cast
of the batch in one query each, and keeps their writes (the board's events, the register's
lines, the bindings, the codes used up) until `write` makes each kind in one statement, before
the commit. So a batch of n casts sends about a dozen statements, not 15 n, and the rules each
cast is held to stay written once.

A read for a key nobody asked for ahead goes to the database, as does everything else (the rate
limit's count, the election's lock, the record's counts and tail): `BatchWork` only saves
statements, it never answers differently from the database it wraps. No cast of a batch reads
what another wrote (one cast per member and per credential in a batch), so the kept writes are
never needed before `write`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from clearcount.record.chain import Event
from clearcount.service.elections.records import RegisterMark, StoredElection
from clearcount.service.elections.sign_in import SignInCode, SignInUnitOfWork
from clearcount.service.membership.members import Member
from clearcount.service.membership.roll_snapshot import SnapshotEntry

__all__ = ["BatchWork"]


def _normal(email: str) -> str:
    return email.strip().casefold()


class _Elections:
    def __init__(self, real: Any) -> None:
        self._real = real
        self._seen: dict[str, StoredElection | None] = {}

    def get(self, election_id: str, *, lock: bool = False) -> StoredElection | None:
        if lock or election_id not in self._seen:
            self._seen[election_id] = self._real.get(election_id, lock=lock)
        return self._seen[election_id]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


class _Members:
    def __init__(self, real: Any) -> None:
        self._real = real
        self._asked: tuple[str, frozenset[str]] = ("", frozenset())
        self._found: Sequence[Member] = ()

    def read(self, organisation_id: str, emails: Iterable[str]) -> Sequence[Member]:
        asked = frozenset(_normal(e) for e in emails)
        self._found = self._real.with_emails(organisation_id, asked)
        self._asked = (organisation_id, asked)
        return self._found

    def with_email(self, organisation_id: str, email: str) -> Sequence[Member]:
        """At least every member with this address, as the port promises: those of every
        address asked ahead, which the caller compares exactly."""
        if self._asked == (organisation_id, self._asked[1]) and _normal(email) in self._asked[1]:
            return self._found
        found: Sequence[Member] = self._real.with_email(organisation_id, email)
        return found

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


class _Snapshots:
    def __init__(self, real: Any) -> None:
        self._real = real
        self._key: tuple[str, int] = ("", -1)
        self._asked: frozenset[str] = frozenset()
        self._found: Mapping[str, SnapshotEntry] = {}

    def read(self, ballot_id: str, version: int, member_ids: Collection[str]) -> None:
        self._found = self._real.entries(ballot_id, version, member_ids)
        self._key, self._asked = (ballot_id, version), frozenset(member_ids)

    def entry(self, ballot_id: str, version: int, member_id: str) -> SnapshotEntry | None:
        if (ballot_id, version) == self._key and member_id in self._asked:
            return self._found.get(member_id)
        found: SnapshotEntry | None = self._real.entry(ballot_id, version, member_id)
        return found

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


class _Codes:
    def __init__(self, real: Any) -> None:
        self._real = real
        self._asked: frozenset[str] = frozenset()
        self._found: Mapping[str, SignInCode] = {}
        self._election = ""
        self.used: list[str] = []

    def read(self, election_id: str, member_ids: Collection[str]) -> None:
        self._found = self._real.get_many(election_id, member_ids)
        self._election, self._asked = election_id, frozenset(member_ids)

    def get(self, election_id: str, member_id: str) -> SignInCode | None:
        if election_id == self._election and member_id in self._asked:
            return self._found.get(member_id)
        found: SignInCode | None = self._real.get(election_id, member_id)
        return found

    def mark_used(self, election_id: str, member_id: str) -> None:
        if election_id != self._election:
            self._real.mark_used(election_id, member_id)
        else:
            self.used.append(member_id)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


class _Register:
    def __init__(self, real: Any) -> None:
        self._real = real
        self._asked: tuple[str, frozenset[str]] = ("", frozenset())
        self._found: Mapping[str, Sequence[RegisterMark]] = {}
        self.added: list[RegisterMark] = []

    def read(self, election_id: str, member_ids: Collection[str]) -> None:
        self._found = self._real.for_members(election_id, member_ids)
        self._asked = (election_id, frozenset(member_ids))

    def for_member(self, election_id: str, member_id: str) -> Sequence[RegisterMark]:
        if election_id == self._asked[0] and member_id in self._asked[1]:
            return self._found.get(member_id, ())
        found: Sequence[RegisterMark] = self._real.for_member(election_id, member_id)
        return found

    def add(self, mark: RegisterMark) -> None:
        self.added.append(mark)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


class _Board:
    def __init__(self, real: Any) -> None:
        self._real = real
        self._asked: tuple[str, frozenset[str]] = ("", frozenset())
        self._ballots: Mapping[str, Sequence[Event]] = {}
        self._cancelled: frozenset[str] = frozenset()
        self.appended: list[Event] = []

    def read(self, election_id: str, credentials: Collection[str]) -> None:
        self._ballots = self._real.ballots_of_many(election_id, credentials)
        self._cancelled = self._real.cancelled_among(election_id, credentials)
        self._asked = (election_id, frozenset(credentials))

    def _known(self, election_id: str, credential: str) -> bool:
        return election_id == self._asked[0] and credential in self._asked[1]

    def ballots_of(self, election_id: str, credential: str) -> Sequence[Event]:
        if self._known(election_id, credential):
            return self._ballots.get(credential, ())
        found: Sequence[Event] = self._real.ballots_of(election_id, credential)
        return found

    def is_cancelled(self, election_id: str, credential: str) -> bool:
        if self._known(election_id, credential):
            return credential in self._cancelled
        return bool(self._real.is_cancelled(election_id, credential))

    def append(self, election_id: str, event: Event) -> None:
        if election_id != self._asked[0]:
            raise ValueError(f"BatchWork: an event for {election_id!r} in another's batch")
        self.appended.append(event)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


class _Bindings:
    def __init__(self, real: Any) -> None:
        self._real = real
        self._asked: tuple[str, frozenset[str]] = ("", frozenset())
        self._found: Mapping[str, str] = {}
        self.made: dict[str, str] = {}

    def read(self, election_id: str, credential_keys: Collection[str]) -> None:
        self._found = self._real.bound_many(election_id, credential_keys)
        self._asked = (election_id, frozenset(credential_keys))

    def bound(self, election_id: str, credential_key: str) -> str | None:
        if election_id == self._asked[0] and credential_key in self._asked[1]:
            return self._found.get(credential_key)
        found: str | None = self._real.bound(election_id, credential_key)
        return found

    def bind(self, election_id: str, credential_key: str, member_key: str) -> None:
        if election_id != self._asked[0]:
            raise ValueError(f"BatchWork: a binding for {election_id!r} in another's batch")
        self.made[credential_key] = member_key

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


class BatchWork:
    """The batch's unit of work as each cast's code sees it (see the module's docstring)."""

    def __init__(self, uow: SignInUnitOfWork, election_id: str) -> None:
        self._uow = uow
        self._election_id = election_id
        self.elections = _Elections(uow.elections)
        self.members = _Members(uow.members)
        self.snapshots = _Snapshots(uow.snapshots)
        self.sign_in_codes = _Codes(uow.sign_in_codes)
        self.register = _Register(uow.register)
        self.board = _Board(uow.board)
        self.bindings = _Bindings(uow.bindings)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._uow, name)

    @property
    def work(self) -> SignInUnitOfWork:
        """This, typed as the unit of work the casts' code takes."""
        return self  # type: ignore[return-value]  # the same repositories, by duck typing

    def read_sign_in(self, stored: StoredElection, emails: Iterable[str]) -> None:
        """Everything the code checks read: the members with these addresses, their roll
        entries and their codes."""
        version = stored.roll_version
        if version is None:
            return
        found = self.members.read(stored.definition.organisation_id, emails)
        ids = sorted({m.member_id for m in found})
        self.snapshots.read(self._election_id, version, ids)
        self.sign_in_codes.read(self._election_id, ids)

    def read_checks(
        self, member_ids: Collection[str], credentials: Collection[str], keys: Collection[str]
    ) -> None:
        """Everything the checks under the lock read: the members' register lines, the
        credentials' ballots and cancellations, and the credential keys' bindings."""
        self.register.read(self._election_id, member_ids)
        self.board.read(self._election_id, credentials)
        self.bindings.read(self._election_id, keys)

    def write(self) -> None:
        """The kept writes, each kind in one statement, in the order a cast alone makes them."""
        uow, election_id = self._uow, self._election_id
        if self.bindings.made:
            uow.bindings.bind_many(election_id, self.bindings.made)
        if self.board.appended:
            uow.board.append_many(election_id, self.board.appended)
        if self.register.added:  # in member order: a line's place says nothing of its cast's
            uow.register.add_many(sorted(self.register.added, key=lambda m: m.member_id))
        if self.sign_in_codes.used:
            uow.sign_in_codes.mark_used_many(election_id, self.sign_in_codes.used)
