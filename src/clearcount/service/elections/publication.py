"""Publishing the election record and verifying what was published (spec §10.3, §12).

`PublicationService.publish(principal, election_id, path)` writes the record as it stands
(`record.archive.write_record`: a zip when `path` ends in .zip, else a folder with
record.jsonl), then runs the independent verifier (`clearcount.verifier.verify_record`) on the
file it wrote, not on the database, so what is checked is exactly what observers download.
The publication (path, head hash, events, verified or not) is stored and audited. A record that
does not verify is still written and reported (`Publication.verified` is False, with the
verifier's report): the officer must see the failure, not have it hidden.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from clearcount.record.archive import write_record
from clearcount.record.chain import Event
from clearcount.service.audit import Change, append_events, format_instant
from clearcount.service.authorisation import Principal, authorise
from clearcount.service.elections.ports import ElectionUnitOfWorkFactory
from clearcount.service.elections.records import PublicationEntry
from clearcount.service.elections.state import full_chain, require_election
from clearcount.service.errors import ElectionStateError
from clearcount.service.ports import Clock
from clearcount.verifier import Report, verify_record

__all__ = ["Publication", "PublicationService", "Verify", "run_verifier"]

Verify = Callable[[Path, bool], Report]
"""(record path, complete) -> the verifier's report."""


def run_verifier(workers: int | None = None) -> Verify:
    """The independent verifier with `workers` processes (None: one per core)."""

    def verify(path: Path, complete: bool) -> Report:
        return verify_record(path, workers=workers, complete=complete)

    return verify


@dataclass(frozen=True, slots=True)
class Publication:
    election_id: str
    path: Path
    head: str
    events: int
    verified: bool
    report: Report


def write_election_record(events: Sequence[Event], path: Path) -> None:
    """The record at `path` (zip or folder, spec §10.3)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_record(events, path)


class PublicationService:
    def __init__(
        self, uow: ElectionUnitOfWorkFactory, clock: Clock, verify: Verify | None = None
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._verify = verify or run_verifier()

    def publish(self, principal: Principal, election_id: str, path: Path) -> Publication:
        """Write the record to `path`, verify that file, store and audit the publication."""
        authorise(principal, "publication.publish")
        actor = principal.name
        with self._uow() as uow:
            require_election(uow, election_id)
            events = full_chain(uow, election_id)
        if not events:
            raise ElectionStateError(f"election {election_id!r}: no record yet (key ceremony)")
        write_election_record(events, path)
        complete = events[-1].kind == "Result"
        report = self._verify(path, complete)
        at = self._clock.now()
        entry = PublicationEntry(
            election_id,
            str(path),
            events[-1].hash,
            len(events),
            report.ok,
            actor,
            format_instant(at),
        )
        with self._uow() as uow:
            stored = require_election(uow, election_id)
            uow.publications.add(entry)
            append_events(
                uow,
                at=at,
                actor=actor,
                action="election.published",
                organisation_id=stored.definition.organisation_id,
                subject=f"election:{election_id}",
                changes=[Change("head", None, entry.head), Change("verified", None, report.ok)],
                note=str(path),
            )
            uow.commit()
        return Publication(election_id, path, entry.head, len(events), report.ok, report)

    def publications(self, election_id: str) -> Sequence[PublicationEntry]:
        with self._uow() as uow:
            require_election(uow, election_id)
            return list(uow.publications.list(election_id))
