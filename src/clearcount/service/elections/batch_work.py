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

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Any, Generic, TypeVar

from clearcount.record.chain import Event
from clearcount.service.elections.records import RegisterMark, StoredElection
from clearcount.service.elections.sign_in import SignInCode, SignInUnitOfWork
from clearcount.service.membership.members import Member
from clearcount.service.membership.roll_snapshot import SnapshotEntry

__all__ = ["BatchWork"]

Value = TypeVar("Value")


def _normal(email: str) -> str:
    return email.strip().casefold()


class _Read(Generic[Value]):
    """What one query read ahead for a batch: the values found for the keys asked, under one
    scope (an election, a roll version, an organisation)."""

    def __init__(self) -> None:
        self._scope: object = None
        self._asked: frozenset[str] = frozenset()
        self._found: Mapping[str, Value] = {}

    def keep(self, scope: object, asked: Collection[str], found: Mapping[str, Value]) -> None:
        self._scope, self._asked, self._found = scope, frozenset(asked), found

    def get(self, scope: object, key: str, otherwise: Callable[[], Value]) -> Value | None:
        """The value read ahead (None: asked, and not found); `otherwise()` if not asked."""
        if scope == self._scope and key in self._asked:
            return self._found.get(key)
        return otherwise()


class _Repository:
    """A repository of the batch's unit of work: what it does not answer, the database does."""

    def __init__(self, real: Any) -> None:
        self._real = real

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


class _Elections(_Repository):
    def __init__(self, real: Any) -> None:
        super().__init__(real)
        self._seen: dict[str, StoredElection | None] = {}

    def get(self, election_id: str, *, lock: bool = False) -> StoredElection | None:
        if lock or election_id not in self._seen:
            self._seen[election_id] = self._real.get(election_id, lock=lock)
        return self._seen[election_id]


class _Members(_Repository):
    def __init__(self, real: Any) -> None:
        super().__init__(real)
        self._read: _Read[Sequence[Member]] = _Read()

    def read(self, organisation_id: str, emails: Iterable[str]) -> Sequence[Member]:
        asked = {_normal(e) for e in emails}
        found: Sequence[Member] = self._real.with_emails(organisation_id, asked)
        self._read.keep(organisation_id, asked, dict.fromkeys(asked, found))
        return found

    def with_email(self, organisation_id: str, email: str) -> Sequence[Member]:
        """At least every member with this address, as the port promises: those of every
        address asked ahead, which the caller compares exactly."""
        found = self._read.get(organisation_id, _normal(email),
                               lambda: self._real.with_email(organisation_id, email))  # fmt: skip
        return found or ()


class _Snapshots(_Repository):
    def __init__(self, real: Any) -> None:
        super().__init__(real)
        self._read: _Read[SnapshotEntry] = _Read()

    def read(self, ballot_id: str, version: int, member_ids: Collection[str]) -> None:
        found = self._real.entries(ballot_id, version, member_ids)
        self._read.keep((ballot_id, version), member_ids, found)

    def entry(self, ballot_id: str, version: int, member_id: str) -> SnapshotEntry | None:
        return self._read.get((ballot_id, version), member_id,
                              lambda: self._real.entry(ballot_id, version, member_id))  # fmt: skip


class _Codes(_Repository):
    def __init__(self, real: Any) -> None:
        super().__init__(real)
        self._read: _Read[SignInCode] = _Read()
        self._election = ""
        self.used: list[str] = []

    def read(self, election_id: str, member_ids: Collection[str]) -> None:
        self._read.keep(election_id, member_ids, self._real.get_many(election_id, member_ids))
        self._election = election_id

    def get(self, election_id: str, member_id: str) -> SignInCode | None:
        return self._read.get(election_id, member_id,
                              lambda: self._real.get(election_id, member_id))  # fmt: skip

    def mark_used(self, election_id: str, member_id: str) -> None:
        if election_id != self._election:
            self._real.mark_used(election_id, member_id)
        else:
            self.used.append(member_id)


class _Register(_Repository):
    def __init__(self, real: Any) -> None:
        super().__init__(real)
        self._read: _Read[Sequence[RegisterMark]] = _Read()
        self.added: list[RegisterMark] = []

    def read(self, election_id: str, member_ids: Collection[str]) -> None:
        found = self._real.for_members(election_id, member_ids)
        self._read.keep(election_id, member_ids, found)

    def for_member(self, election_id: str, member_id: str) -> Sequence[RegisterMark]:
        found = self._read.get(election_id, member_id,
                               lambda: self._real.for_member(election_id, member_id))  # fmt: skip
        return found or ()

    def add(self, mark: RegisterMark) -> None:
        self.added.append(mark)


class _Board(_Repository):
    def __init__(self, real: Any) -> None:
        super().__init__(real)
        self._ballots: _Read[Sequence[Event]] = _Read()
        self._cancelled: _Read[bool] = _Read()
        self._election = ""
        self.appended: list[Event] = []

    def read(self, election_id: str, credentials: Collection[str]) -> None:
        self._ballots.keep(election_id, credentials,
                           self._real.ballots_of_many(election_id, credentials))  # fmt: skip
        cancelled = self._real.cancelled_among(election_id, credentials)
        self._cancelled.keep(election_id, credentials, dict.fromkeys(cancelled, True))
        self._election = election_id

    def ballots_of(self, election_id: str, credential: str) -> Sequence[Event]:
        def alone() -> Sequence[Event]:
            found: Sequence[Event] = self._real.ballots_of(election_id, credential)
            return found

        return self._ballots.get(election_id, credential, alone) or ()

    def is_cancelled(self, election_id: str, credential: str) -> bool:
        def alone() -> bool:
            return bool(self._real.is_cancelled(election_id, credential))

        return bool(self._cancelled.get(election_id, credential, alone))

    def append(self, election_id: str, event: Event) -> None:
        if election_id != self._election:
            raise ValueError(f"BatchWork: an event for {election_id!r} in another's batch")
        self.appended.append(event)


class _Bindings(_Repository):
    def __init__(self, real: Any) -> None:
        super().__init__(real)
        self._read: _Read[str] = _Read()
        self._election = ""
        self.made: dict[str, str] = {}

    def read(self, election_id: str, credential_keys: Collection[str]) -> None:
        found = self._real.bound_many(election_id, credential_keys)
        self._read.keep(election_id, credential_keys, found)
        self._election = election_id

    def bound(self, election_id: str, credential_key: str) -> str | None:
        return self._read.get(election_id, credential_key,
                              lambda: self._real.bound(election_id, credential_key))  # fmt: skip

    def bind(self, election_id: str, credential_key: str, member_key: str) -> None:
        if election_id != self._election:
            raise ValueError(f"BatchWork: a binding for {election_id!r} in another's batch")
        self.made[credential_key] = member_key


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
