"""Defining a ballot, the key ceremony and the published credentials (spec §11.1-§11.3).

The ballot officer's first steps (docs/service/ballots.md):

1. `BallotService.define(officer, BallotDefinition(...))`: contests of the kinds the counting layer
   supports (`contest(...)`, spec §11.2), the timetable (opens, closes), the channels in their
   published precedence, the trustees and threshold, the two tellers. The eligibility rules and
   the frozen roll are those of `EligibilityService`/`RollService` under the same id.
2. Every role makes its own keys on its own machine and the officer registers their public
   cards (`service.elections.role_cards`, spec §11.2.2); the officer's process never makes a role's
   key. `ceremony_start(principal, election_id, transport)` publishes the draft Setup (frozen roll
   commitment, spec §10.4, and every role's key); each trustee runs its two rounds on its own
   machine (`service.roles.trustee_ceremony`, spec §11.2.3); `ceremony_finish` checks every signed
   message, computes the joint key and writes the Setup event (event 0) with the transcript.
   The officer relays encrypted shares and never sees one in clear.
3. The credential authority, in its own process, reads `setup_event(election_id)`, issues the
   credentials and hands over only the public list: `publish_credentials(actor, election_id,
   credentials)` makes event 1 (spec §11.3). The election is then open within its timetable.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from clearcount.core.errors import ClearcountError, RecordError
from clearcount.protocol.ceremony_rounds import CeremonyError, assemble
from clearcount.protocol.context import read_election
from clearcount.protocol.credentials import credentials_event
from clearcount.protocol.setup import (
    Manifest,
    contest_spec,
    draft_setup,
    roll_commitment,
    setup_event,
)
from clearcount.record.booth import booth_files
from clearcount.record.chain import Event
from clearcount.record.events import (
    ContestSpec,
    Credentials,
    Setup,
    TrusteeRole,
)
from clearcount.service.audit import Change, append_events, format_instant
from clearcount.service.authorisation import Principal, authorise
from clearcount.service.elections.ports import ElectionUnitOfWork, ElectionUnitOfWorkFactory
from clearcount.service.elections.records import BallotDefinition, StoredElection, iso_instant
from clearcount.service.elections.role_cards import setup_roles
from clearcount.service.elections.state import full_chain, phase_of, require_election
from clearcount.service.errors import (
    ConflictError,
    ElectionStateError,
    ValidationError,
)
from clearcount.service.membership.organisations import require_organisation
from clearcount.service.ports import Clock
from clearcount.service.roles.ceremony_transport import CeremonyTransport
from clearcount.service.roles.postal_papers import workplace_rules
from clearcount.service.roles.trustee_ceremony import (
    DRAFT,
    draft_document,
    read_draft,
    read_round1,
    read_round2,
)

__all__ = [
    "BallotDefinition",
    "BallotService",
    "CeremonyReport",
    "CeremonyStart",
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
class CeremonyStart:
    """The draft is published: its ceremony context and the trustees who must run the rounds."""

    election_id: str
    context: str
    trustees: tuple[TrusteeRole, ...]


@dataclass(frozen=True, slots=True)
class CeremonyReport:
    """The key ceremony's outcome: the Setup event (event 0) and its fingerprint."""

    election_id: str
    fingerprint: str
    setup: Event


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


class BallotService:
    """Define an election, run its key ceremony, publish its credentials (spec §11.2-§11.3)."""

    def __init__(
        self,
        uow: ElectionUnitOfWorkFactory,
        clock: Clock,
        booth: Callable[[], Mapping[str, str]] = dict,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._booth = booth

    def _pinned(self, definition: BallotDefinition) -> BallotDefinition:
        """The definition with the booth this server serves pinned (spec §11.2), unless the
        caller pinned one: the values go into Setup, for `clearcount check-booth`."""
        if definition.booth:
            return definition
        return dataclasses.replace(definition, booth=booth_files(self._booth(), "booth manifest"))

    def define(self, principal: Principal, definition: BallotDefinition) -> StoredElection:
        """Store a new election's definition (ConflictError if the id is taken), with the
        booth's bundle hashes pinned."""
        authorise(principal, "ballots.define")
        definition = self._pinned(definition)
        actor = principal.name
        at = self._clock.now()
        with self._uow() as uow:
            require_organisation(uow, definition.organisation_id)
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

    def edit(
        self, principal: Principal, election_id: str, definition: BallotDefinition
    ) -> list[Change]:
        """Replace a defined ballot's definition until it opens (issue 11).

        Refused once the key ceremony has written Setup (its manifest is then signed into the
        record) or once the opening time has passed; the election and organisation ids cannot
        change. One "election.edited" audit entry per field changed, old and new; returns them
        (empty, and nothing written, when nothing changed).
        """
        authorise(principal, "ballots.edit")
        definition = self._pinned(definition)
        now = self._clock.now()
        with self._uow() as uow:
            stored = require_election(uow, election_id, lock=True)
            old = stored.definition
            if uow.board.counts(election_id) or now >= old.opens:
                raise ElectionStateError(
                    f"election {election_id!r}: expected a ballot not yet open or set up, got "
                    f"one that is {phase_of(uow.board.counts(election_id))} (opening "
                    f"{iso_instant(old.opens)}); a ballot can be edited only before its key "
                    "ceremony and its opening time"
                )
            for name in ("election_id", "organisation_id"):
                if getattr(definition, name) != getattr(old, name):
                    raise ValidationError(
                        f"election {election_id!r}", name, getattr(old, name),
                        getattr(definition, name),
                    )  # fmt: skip
            before, after = old.to_json(), definition.to_json()
            changes = [Change(k, before[k], after[k]) for k in after if before[k] != after[k]]
            if changes:
                uow.elections.replace_definition(definition)
                self._log(uow, election_id, principal.name, "election.edited",
                          old.organisation_id, changes)  # fmt: skip
                uow.commit()
        return changes

    def _log(
        self,
        uow: ElectionUnitOfWork,
        election_id: str,
        actor: str,
        action: str,
        organisation_id: str,
        changes: list[Change],
    ) -> None:
        """One audit entry per change about this election, stamped now."""
        append_events(
            uow,
            at=self._clock.now(),
            actor=actor,
            action=action,
            organisation_id=organisation_id,
            subject=f"election:{election_id}",
            changes=changes,
        )

    def _draft(self, uow: ElectionUnitOfWork, election_id: str) -> tuple[Setup, int]:
        """The draft Setup from the stored definition, frozen roll and registered cards."""
        stored = require_election(uow, election_id, lock=True)
        d = stored.definition
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
            d.booth,
            workplace_rules(d.postal, snapshot),
        )
        roll = roll_commitment([e.roll_entry() for e in snapshot.entries])
        if (roll.root, roll.size, roll.eligible) != (header.root, header.size, header.eligible):
            raise ElectionStateError(
                f"election {election_id!r}: the frozen roll's entries do not give its stored "
                "root; refreeze the roll"
            )
        ids = {c.id for c in d.contests}
        strays = sorted({c for scope in roll.scopes for c in scope.contests} - ids)
        if strays:
            raise ElectionStateError(
                f"election {election_id!r}: its roll scopes members to contest(s) {strays} "
                f"(one per unit, `contest_by_unit`), but its contests are {sorted(ids)}; "
                "name each contest after its unit"
            )
        return draft_setup(manifest, roll, setup_roles(uow, d), d.threshold), header.version

    def ceremony_start(
        self, principal: Principal, election_id: str, transport: CeremonyTransport
    ) -> CeremonyStart:
        """Publish the draft Setup (manifest and every role's key) for the trustees' rounds.

        Needs the frozen roll and every role's card. Nothing secret is made or stored here.
        """
        authorise(principal, "ballots.ceremony_start")
        actor = principal.name
        # the transport is written outside the transaction: it may be this same database
        # (service.roles.ceremony_relay), whose writers queue on one lock
        with self._uow() as uow:
            draft, _ = self._draft(uow, election_id)
            organisation_id = require_election(uow, election_id).definition.organisation_id
        transport.put(DRAFT, draft_document(draft))
        with self._uow() as uow:
            self._log(
                uow,
                election_id,
                actor,
                "election.ceremony_started",
                organisation_id,
                [Change("ceremony_context", None, draft.ceremony_context().hex())],
            )
            uow.commit()
        return CeremonyStart(election_id, draft.ceremony_context().hex(), draft.trustee_keys)

    def ceremony_finish(
        self, principal: Principal, election_id: str, transport: CeremonyTransport
    ) -> CeremonyReport:
        """Check every trustee's signed messages, make the joint key and write event 0.

        The draft in the transport must be the one the stored state gives now (same roll, same
        cards); every round-1 and round-2 message must be there, signed, and acknowledged by
        every trustee. The officer sees only public values and encrypted shares.
        """
        authorise(principal, "ballots.ceremony_finish")
        actor = principal.name
        published = read_draft(transport)  # read before the transaction (see ceremony_start)
        round1s, round2s = read_round1(transport, published), read_round2(transport, published)
        with self._uow() as uow:
            draft, version = self._draft(uow, election_id)
            if published.manifest_body() != draft.manifest_body():
                raise ConflictError(
                    f"election {election_id!r}: the ceremony folder's draft is not this "
                    "election's as it stands (roll or cards changed since the start?); start a "
                    "new ceremony in a new folder"
                )
            try:
                setup, _ = assemble(draft, round1s, round2s)
            except CeremonyError as error:
                raise ValidationError(
                    "key ceremony", "transcript", "every message sound", str(error)
                ) from None
            event = setup_event(setup)
            uow.board.append(election_id, event)
            uow.elections.set_roll_version(election_id, version)
            self._log(
                uow,
                election_id,
                actor,
                "election.setup",
                require_election(uow, election_id).definition.organisation_id,
                [
                    Change("fingerprint", None, event.hash),
                    Change("roll_version", None, version),
                ],
            )
            uow.commit()
        return CeremonyReport(election_id, event.hash, event)

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
            self._log(
                uow,
                election_id,
                actor,
                "election.credentials_published",
                stored.definition.organisation_id,
                [Change("credentials", None, len(body.credentials))],
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

    def definition(self, principal: Principal, election_id: str) -> BallotDefinition:
        """The stored definition (trustees, tellers, contests, timetable), e.g. to edit it."""
        authorise(principal, "ballots.definition")
        with self._uow() as uow:
            return require_election(uow, election_id).definition

    def setup_event(self, election_id: str) -> Event:
        """Event 0, for the credential authority and the trustees (spec §11.2)."""
        with self._uow() as uow:
            require_election(uow, election_id)
            first = uow.board.events(election_id, ("Setup",))
        if not first:
            raise ElectionStateError(f"election {election_id!r}: no Setup yet (key ceremony)")
        return first[0]

    def credentials_event(self, election_id: str) -> Event | None:
        """Event 1, the signed credential list (spec §11.3), or None before it is published:
        the booth finds a credential's scope in it (§10.4.1) and checks its signature."""
        with self._uow() as uow:
            require_election(uow, election_id)
            found = uow.board.events(election_id, ("Credentials",))
        return found[0] if found else None

    def record(self, election_id: str) -> tuple[Event, ...]:
        """The whole election record so far (spec §10.2), public."""
        with self._uow() as uow:
            require_election(uow, election_id)
            return tuple(full_chain(uow, election_id))
