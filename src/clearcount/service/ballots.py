"""Defining a ballot, the key ceremony and the published credentials (spec §11.1-§11.3).

The ballot officer's first steps (docs/service/ballots.md):

1. `BallotService.define(officer, BallotDefinition(...))`: contests of the kinds the counting layer
   supports (`contest(...)`, spec §11.2), the timetable (opens, closes), the channels in their
   published precedence, the trustees and threshold, the two tellers. The eligibility rules and
   the frozen roll are those of `EligibilityService`/`RollService` under the same id.
2. Every role makes its own keys on its own machine and the officer registers their public
   cards (`service.roles`, spec §11.2.2); the officer's process never makes a role's key.
   `key_ceremony(actor, election_id, key_dir, passphrases)`: commits the frozen roll (spec
   §10.4), takes every role's public key from the cards, runs the trustees' DKG (spec §11.2.1)
   and writes the Setup event (event 0). Each trustee's key share goes to its own
   passphrase-protected key file in `key_dir` (`service.role_keys`).
3. The credential authority, in its own process, reads `setup_event(election_id)`, issues the
   credentials and hands over only the public list: `publish_credentials(actor, election_id,
   credentials)` makes event 1 (spec §11.3). The election is then open within its timetable.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from clearcount.core.errors import ClearcountError, RecordError
from clearcount.crypto.group import Scalar, ScalarSource
from clearcount.protocol.ceremony import run_ceremony
from clearcount.protocol.context import read_election
from clearcount.protocol.credentials import credentials_event
from clearcount.protocol.setup import Manifest, contest_spec, draft_setup, setup_event
from clearcount.record.chain import Event
from clearcount.record.events import ContestSpec, Credentials, RollCommitment
from clearcount.service.audit import Change, append_events, format_instant
from clearcount.service.authorisation import Principal, authorise
from clearcount.service.election_ports import ElectionUnitOfWorkFactory
from clearcount.service.election_records import BallotDefinition, StoredElection, iso_instant
from clearcount.service.election_state import full_chain, phase_of, require_election
from clearcount.service.errors import (
    ConflictError,
    ElectionStateError,
    NotFoundError,
    ValidationError,
)
from clearcount.service.ports import Clock
from clearcount.service.role_keys import DEFAULT_LOG2_N, RoleKey, save_role_key
from clearcount.service.roles import setup_roles

__all__ = [
    "BallotDefinition",
    "BallotService",
    "CeremonyReport",
    "ElectionStatus",
    "contest",
]


def contest(
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
    """A contest (spec §11.2): `method` is a counting rule set (fptp, block, approval, yes-no
    are tallied homomorphically; irv, rctab and stv-* are mixed); ValidationError if invalid."""
    try:
        return contest_spec(
            contest_id,
            title,
            method,
            candidates,
            seats=seats,
            min_selections=min_selections,
            max_selections=max_selections,
            max_ranks=max_ranks,
            weighted=weighted,
            options=options,
        )
    except RecordError as error:
        raise ValidationError(
            f"contest {contest_id!r}", "definition", "a valid contest", str(error)
        ) from None


@dataclass(frozen=True, slots=True)
class CeremonyReport:
    """The key ceremony's outcome: the Setup event and where each trustee's share file went."""

    election_id: str
    fingerprint: str
    setup: Event
    trustee_key_files: Mapping[str, Path]


@dataclass(frozen=True, slots=True)
class ElectionStatus:
    """Where an election stands (its phase: `election_state.PHASES`)."""

    election_id: str
    organisation_id: str
    title: str
    phase: str
    opens: str
    closes: str
    channels: tuple[str, ...]
    fingerprint: str | None
    events: int
    ballots: int
    roll_version: int | None


def _key_file(key_dir: Path, role: str, name: str) -> Path:
    safe = "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-") or role
    return key_dir / f"{role}-{safe}.key"


class BallotService:
    """Define an election, run its key ceremony, publish its credentials (spec §11.2-§11.3)."""

    def __init__(self, uow: ElectionUnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def define(self, principal: Principal, definition: BallotDefinition) -> StoredElection:
        """Store a new election's definition (ConflictError if the id is taken)."""
        authorise(principal, "ballots.define")
        actor = principal.name
        at = self._clock.now()
        with self._uow() as uow:
            if uow.organisations.get(definition.organisation_id) is None:
                raise NotFoundError(f"organisation {definition.organisation_id!r}: no such one")
            if uow.elections.get(definition.election_id) is not None:
                raise ConflictError(f"election {definition.election_id!r} is already defined")
            stored = StoredElection(definition, actor, format_instant(at))
            uow.elections.add(stored)
            append_events(
                uow,
                at=at,
                actor=actor,
                action="election.defined",
                organisation_id=definition.organisation_id,
                subject=f"election:{definition.election_id}",
                changes=[Change("definition", None, definition.to_json())],
            )
            uow.commit()
        return stored

    def key_ceremony(
        self,
        principal: Principal,
        election_id: str,
        key_dir: Path,
        passphrases: Mapping[str, str],
        *,
        rng: ScalarSource = Scalar.random,
        log2_n: int = DEFAULT_LOG2_N,
    ) -> CeremonyReport:
        """Commit the frozen roll, run the trustees' ceremony and write event 0 (spec §11.2).

        Every role's card must be registered (`RoleService.register`). `passphrases` has one
        entry per trustee (by name): each one's share file in `key_dir` is sealed with its own.
        Files are written before the commit and removed if it fails; an existing file is never
        overwritten.
        """
        authorise(principal, "ballots.key_ceremony")
        actor = principal.name
        with self._uow() as uow:
            stored = require_election(uow, election_id, lock=True)
            d = stored.definition
            missing = [n for n in d.trustees if n not in passphrases]
            if missing:
                raise ValidationError(
                    "key ceremony",
                    "passphrases",
                    "one per trustee",
                    f"none for {missing}",
                )
            if uow.board.counts(election_id):
                raise ConflictError(f"election {election_id!r}: the key ceremony has already run")
            snapshot = uow.snapshots.get(election_id)
            if snapshot is None:
                raise ElectionStateError(
                    f"election {election_id!r}: expected a frozen roll, got none (set the "
                    "eligibility rules and freeze the roll first)"
                )
            header = snapshot.header
            if header.organisation_id != d.organisation_id or header.eligible < 1:
                raise ElectionStateError(
                    f"election {election_id!r}: expected a roll of {d.organisation_id!r} with "
                    f"eligible members, got {header.organisation_id!r} with {header.eligible}"
                )
            organisation = uow.organisations.get(d.organisation_id)
            manifest = Manifest(
                d.election_id,
                d.title,
                organisation.name if organisation else d.organisation_id,
                iso_instant(d.opens),
                iso_instant(d.closes),
                d.contests,
                d.channels,
            )
            roll = RollCommitment(header.root, header.size, header.eligible)
            draft = draft_setup(manifest, roll, setup_roles(uow, d), d.threshold)
            ceremony = run_ceremony(draft, rng)
            event = setup_event(draft, ceremony.entries, ceremony.joint_key)
            keys = [RoleKey.of_trustee(election_id, event.hash, s) for s in ceremony.secrets]
            written: list[Path] = []
            try:
                key_dir.mkdir(parents=True, exist_ok=True)
                for key in keys:
                    path = _key_file(key_dir, key.role, key.name)
                    save_role_key(path, key, passphrases[key.name], log2_n=log2_n)
                    written.append(path)
                uow.board.append(election_id, event)
                uow.elections.set_roll_version(election_id, header.version)
                append_events(
                    uow,
                    at=self._clock.now(),
                    actor=actor,
                    action="election.setup",
                    organisation_id=d.organisation_id,
                    subject=f"election:{election_id}",
                    changes=[
                        Change("fingerprint", None, event.hash),
                        Change("roll_version", None, header.version),
                    ],
                )
                uow.commit()
            except BaseException:
                for path in written:
                    path.unlink(missing_ok=True)
                raise
        files = dict(zip([k.name for k in keys], written, strict=True))
        return CeremonyReport(election_id, event.hash, event, {n: files[n] for n in d.trustees})

    def publish_credentials(
        self,
        principal: Principal,
        election_id: str,
        credentials: Credentials | Mapping[str, object],
    ) -> Event:
        """Event 1: the credential authority's public credentials (spec §11.3), one per
        eligible member; refused if the count differs or they are already published."""
        authorise(principal, "ballots.publish_credentials")
        actor = principal.name
        with self._uow() as uow:
            stored = require_election(uow, election_id, lock=True)
            chain = full_chain(uow, election_id)
            if not chain:
                raise ElectionStateError(
                    f"election {election_id!r}: expected the key ceremony first, got no Setup"
                )
            if len(chain) > 1:
                raise ConflictError(f"election {election_id!r}: credentials already published")
            try:
                body = (
                    credentials
                    if isinstance(credentials, Credentials)
                    else Credentials.from_body(credentials, "credentials")
                )
                event = credentials_event(chain, body)
                read_election([*chain, event])
            except ClearcountError as error:
                raise ValidationError(
                    "credentials",
                    "credentials",
                    "the public credentials of every eligible member",
                    str(error),
                ) from None
            uow.board.append(election_id, event)
            append_events(
                uow,
                at=self._clock.now(),
                actor=actor,
                action="election.credentials_published",
                organisation_id=stored.definition.organisation_id,
                subject=f"election:{election_id}",
                changes=[Change("credentials", None, len(body.credentials))],
            )
            uow.commit()
        return event

    def status(self, election_id: str) -> ElectionStatus:
        with self._uow() as uow:
            stored = require_election(uow, election_id)
            counts = uow.board.counts(election_id)
            first = uow.board.events(election_id, ("Setup",)) if counts else ()
        d = stored.definition
        return ElectionStatus(
            election_id,
            d.organisation_id,
            d.title,
            phase_of(counts),
            iso_instant(d.opens),
            iso_instant(d.closes),
            d.channels,
            first[0].hash if first else None,
            sum(counts.values()),
            counts.get("Ballot", 0),
            stored.roll_version,
        )

    def elections(self, organisation_id: str) -> Sequence[ElectionStatus]:
        with self._uow() as uow:
            ids = [e.election_id for e in uow.elections.list(organisation_id)]
        return [self.status(i) for i in ids]

    def setup_event(self, election_id: str) -> Event:
        """Event 0, for the credential authority and the trustees (spec §11.2)."""
        with self._uow() as uow:
            require_election(uow, election_id)
            first = uow.board.events(election_id, ("Setup",))
        if not first:
            raise ElectionStateError(f"election {election_id!r}: no Setup yet (key ceremony)")
        return first[0]

    def record(self, election_id: str) -> tuple[Event, ...]:
        """The whole election record so far (spec §10.2), public."""
        with self._uow() as uow:
            require_election(uow, election_id)
            return tuple(full_chain(uow, election_id))
