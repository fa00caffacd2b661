"""The ports the election lifecycle needs from storage (spec §10.2 for the record's events).

`ElectionUnitOfWork` is the service's `UnitOfWork` plus the election repositories; storage's
`SqlUnitOfWork` implements both. The record's events are stored as they are (canonical bytes and
hash); the marked register is a separate repository with no link to them.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Protocol

from clearcount.record.chain import Event
from clearcount.service.elections.records import (
    Appeal,
    BallotDefinition,
    PaperEntry,
    PublicationEntry,
    RegisteredCard,
    RegisterMark,
    StoredElection,
)
from clearcount.service.membership.ports import UnitOfWork

__all__ = [
    "AppealRepository",
    "BoardRepository",
    "CredentialBindingRepository",
    "ElectionRepository",
    "ElectionUnitOfWork",
    "ElectionUnitOfWorkFactory",
    "PaperEntryRepository",
    "PublicationRepository",
    "RegisterRepository",
    "RoleCardRepository",
]


class ElectionRepository(Protocol):
    def add(self, election: StoredElection) -> None: ...

    def get(self, election_id: str, *, lock: bool = False) -> StoredElection | None:
        """The election; `lock` holds its row until commit (one writer per election)."""
        ...

    def set_roll_version(self, election_id: str, version: int) -> None: ...
    def replace_definition(self, definition: BallotDefinition) -> None:
        """Store an edited definition (the service allows it only before Setup)."""
        ...

    def list(self, organisation_id: str) -> Sequence[StoredElection]: ...
    def all(self) -> Sequence[StoredElection]:
        """Every election of every organisation, by id (the public index)."""
        ...

    def ids(self) -> Sequence[str]:
        """Every election's id (to name the nearest to a mistyped one)."""
        ...


class BoardRepository(Protocol):
    """The election record's events (spec §10.2), append-only."""

    def append(self, election_id: str, event: Event) -> None: ...
    def append_many(self, election_id: str, events: Sequence[Event]) -> None:
        """`append` for consecutive events in one go (a batch of casts)."""
        ...

    def last(self, election_id: str, kind: str | None = None) -> Event | None: ...
    def last_head(self, election_id: str) -> tuple[int, str, str] | None:
        """The last event's seq, kind and stored hash (its document not read)."""
        ...

    def counts(self, election_id: str) -> Mapping[str, int]:
        """Number of events of each kind on the record."""
        ...

    def events(self, election_id: str, kinds: Sequence[str] | None = None) -> Sequence[Event]:
        """Every event (or those of `kinds`) in record order."""
        ...

    def kinds_and_hashes(self, election_id: str, kinds: Sequence[str]) -> Sequence[tuple[str, str]]:
        """(kind, hash) of the events of `kinds` in record order, without their documents (a
        Credentials event holds one entry per voter)."""
        ...

    def by_hash_prefix(self, election_id: str, prefix: str) -> Sequence[Event]: ...
    def ballot_hashes(
        self, election_id: str, hash_prefix: str, offset: int, limit: int
    ) -> tuple[Sequence[tuple[int, str]], int]:
        """One page of the Ballot events whose hash starts with `hash_prefix` (hex, may be
        empty), as (seq, hash) in record order, and how many there are in all: the public
        board pages through 100,000 ballots without reading their documents."""
        ...

    def ballots_of(self, election_id: str, credential: str) -> Sequence[Event]:
        """The Ballot events under one public credential (hex), in record order."""
        ...

    def ballots_of_many(
        self, election_id: str, credentials: Collection[str]
    ) -> Mapping[str, Sequence[Event]]:
        """`ballots_of` for several credentials in one query (absent: none)."""
        ...

    def is_cancelled(self, election_id: str, credential: str) -> bool:
        """Whether a PaperBatch event cancelled this public credential (hex), spec §11.6: one
        indexed lookup, kept by `append`."""
        ...

    def cancelled_among(self, election_id: str, credentials: Collection[str]) -> frozenset[str]:
        """Which of these public credentials (hex) a PaperBatch event cancelled."""
        ...

    def cancelled(self, election_id: str) -> frozenset[str]:
        """Every public credential (hex) the record's PaperBatch events cancelled."""
        ...


class RegisterRepository(Protocol):
    """The marked register, append-only, apart from the ballots."""

    def add(self, mark: RegisterMark) -> None: ...
    def add_many(self, marks: Sequence[RegisterMark]) -> None: ...
    def for_member(self, election_id: str, member_id: str) -> Sequence[RegisterMark]: ...
    def for_members(
        self, election_id: str, member_ids: Collection[str]
    ) -> Mapping[str, Sequence[RegisterMark]]:
        """`for_member` for several members in one query (absent: no line)."""
        ...

    def list(self, election_id: str) -> Sequence[RegisterMark]: ...


class CredentialBindingRepository(Protocol):
    """Which member first used each credential, as hashes (service.elections.credential_binding)."""

    def bound(self, election_id: str, credential_key: str) -> str | None:
        """The member key bound to this credential key, or None if it was never used."""
        ...

    def bound_many(self, election_id: str, credential_keys: Collection[str]) -> Mapping[str, str]:
        """`bound` for several credential keys in one query (absent: never used)."""
        ...

    def bind(self, election_id: str, credential_key: str, member_key: str) -> None: ...
    def bind_many(self, election_id: str, keys: Mapping[str, str]) -> None:
        """`bind` for several credential keys (to their member keys) in one statement."""
        ...


class AppealRepository(Protocol):
    def add(self, appeal: Appeal) -> None: ...
    def get(self, appeal_id: str, *, lock: bool = False) -> Appeal | None: ...
    def decide(self, appeal: Appeal) -> None:
        """Store the decision fields of an undecided appeal."""
        ...

    def list(self, election_id: str) -> Sequence[Appeal]: ...


class PublicationRepository(Protocol):
    def add(self, entry: PublicationEntry) -> None: ...
    def list(self, election_id: str) -> Sequence[PublicationEntry]: ...


class RoleCardRepository(Protocol):
    """The roles' public cards per election, append-only (never a secret)."""

    def add(self, registered: RegisteredCard) -> None: ...
    def list(self, election_id: str) -> Sequence[RegisteredCard]:
        """Ordered by role, then name."""
        ...


class PaperEntryRepository(Protocol):
    """Each teller's own entry of the returned voting papers (spec §11.12.2), append-only:
    nothing is counted until the two entries agree."""

    def add(self, entry: PaperEntry, *, correction: bool = False) -> None:
        """ConflictError if this teller already entered this number (unless `correction`:
        then a new revision replaces it, and the earlier one stays on file)."""
        ...

    def list(self, election_id: str) -> Sequence[PaperEntry]:
        """Each teller's latest entry of each number."""
        ...

    def rows(self, election_id: str, teller: str) -> int:
        """How many entries `teller` has on file, every revision of every number."""
        ...


class ElectionUnitOfWork(UnitOfWork, Protocol):
    elections: ElectionRepository
    board: BoardRepository
    register: RegisterRepository
    bindings: CredentialBindingRepository
    appeals: AppealRepository
    publications: PublicationRepository
    role_cards: RoleCardRepository
    paper_entries: PaperEntryRepository


ElectionUnitOfWorkFactory = Callable[[], ElectionUnitOfWork]
