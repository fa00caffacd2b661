"""The declaration: combine the trustees' partial decryptions and count (spec §11.9).

`ResultsService.declare(principal, election_id)` needs at least t partial decryptions on the record
(else ElectionStateError naming who has decrypted). It solves the tallies, runs each contest's
counting rule set and appends the Result event, whose `result` is the full count with every
stage and tie-break (spec §11.9.1). `declaration(election_id)` reads it back as a
`Declaration`: per contest the candidates' totals or the number of ranked papers, who is
elected, the outcome, plus the marked register's statistics per channel (turnout, which the
s.231 results notice and the scrutineer's report state).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from clearcount.core.errors import ClearcountError
from clearcount.protocol.declare import declare
from clearcount.record.events import Result
from clearcount.service.audit import Change, append_events
from clearcount.service.authorisation import Principal, authorise
from clearcount.service.elections.ports import ElectionUnitOfWorkFactory
from clearcount.service.elections.register import (
    RegisterStatistics,
    eligible_count,
    register_statistics,
)
from clearcount.service.elections.state import full_chain, load_election, require_election
from clearcount.service.errors import ConflictError, ElectionStateError
from clearcount.service.ports import Clock

__all__ = ["ContestDeclaration", "Declaration", "ResultsService"]


@dataclass(frozen=True, slots=True)
class ContestDeclaration:
    """One contest's declared result (the full count is `count`, as on the record)."""

    id: str
    title: str
    method: str
    seats: int
    totals: Mapping[str, int] | None
    """Candidate -> votes (weighted where the contest is), for a homomorphic contest."""
    papers: int | None
    """Number of ranked papers counted, for a preferential contest."""
    elected: tuple[str, ...]
    outcome: object
    count: Mapping[str, object]


@dataclass(frozen=True, slots=True)
class Declaration:
    election_id: str
    title: str
    result_hash: str
    contests: tuple[ContestDeclaration, ...]
    turnout: RegisterStatistics


class ResultsService:
    def __init__(self, uow: ElectionUnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def declare(self, principal: Principal, election_id: str) -> Declaration:
        """Append the Result event (spec §11.9) and return the declaration."""
        authorise(principal, "results.declare")
        actor = principal.name
        with self._uow() as uow:
            stored = require_election(uow, election_id, lock=True)
            chain = full_chain(uow, election_id)
            election = load_election(uow, election_id)
            kinds = [e.kind for e in chain]
            if "Result" in kinds:
                raise ConflictError(f"election {election_id!r}: the result is already declared")
            decrypted = [str(e.body["trustee"]) for e in chain if e.kind == "PartialDecryption"]
            t = election.setup.threshold
            if len(decrypted) < t:
                raise ElectionStateError(
                    f"election {election_id!r}: expected partial decryptions from at least {t} "
                    f"trustees, got {len(decrypted)} ({decrypted})"
                )
            try:
                event = declare(chain, election, verify=False)
            except ClearcountError as error:
                raise ElectionStateError(f"election {election_id!r}: {error}") from None
            uow.board.append(election_id, event)
            append_events(
                uow,
                at=self._clock.now(),
                actor=actor,
                action="election.declared",
                organisation_id=stored.definition.organisation_id,
                subject=f"election:{election_id}",
                changes=[Change("result", None, event.hash)],
            )
            uow.commit()
        return self.declaration(election_id)

    def declaration(self, election_id: str) -> Declaration:
        """The declared result, read from the Result event."""
        with self._uow() as uow:
            stored = require_election(uow, election_id)
            event = uow.board.last(election_id, "Result")
            marks = list(uow.register.list(election_id))
            eligible = eligible_count(uow, election_id, stored.roll_version)
        if event is None:
            raise ElectionStateError(f"election {election_id!r}: no result declared yet")
        d = stored.definition
        result = Result.from_body(event.body, f"event {event.seq}")
        specs = {c.id: c for c in d.contests}
        contests = []
        for contest in result.contests:
            spec = specs[contest.id]
            count = dict(contest.result)
            elected = count.get("elected")
            contests.append(
                ContestDeclaration(
                    spec.id,
                    spec.title,
                    spec.method,
                    spec.seats,
                    None
                    if contest.tallies is None
                    else dict(zip(spec.candidates, contest.tallies, strict=True)),
                    None if contest.rankings is None else len(contest.rankings),
                    tuple(str(e) for e in elected) if isinstance(elected, list) else (),
                    count.get("outcome"),
                    count,
                )
            )
        statistics = register_statistics(election_id, marks, d.channels, eligible)
        return Declaration(election_id, d.title, event.hash, tuple(contests), statistics)
