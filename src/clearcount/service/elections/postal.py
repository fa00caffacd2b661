"""Postal voting papers on the ballot service: issue, replacements, returns (spec §11.12).

The scrutineer makes and signs its acts on its own machine (`service.roles.postal_papers`); the
service only checks and records them:

- `record_issue(election_id, issue)` / `record_replacement(...)`: the signed PaperIssue (after
  the credentials, before the close) and each PaperReplacement go on the record;
- `enter(teller, election_id, papers, correction=False)`: one teller's own entry of returned
  papers (number, answers, receipt time). Each teller enters independently; a number a teller
  already entered is refused (ConflictError) unless it is a correction, which replaces that
  teller's entry and leaves the earlier one on file; nothing is counted yet;
- `reconcile(principal, election_id)`: compares the two tellers' entries against the record's
  issue and replacements: every difference listed (ReturnsMismatchError), or the agreed returns;
- `count(election_id, voters=, superseded=, cancellation=, tellers=)`, after the close: the
  agreed returns again, then the PaperReturns and the postal PaperBatches (papers sorted by
  their marks, one batch per contest and workplace), both tellers signing each, the
  scrutineer's cancellation in the first batch, and the marked register's postal lines for
  `voters` (from the scrutineer) - all in one transaction or nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from clearcount.core.errors import ClearcountError
from clearcount.crypto.group import Scalar, ScalarSource
from clearcount.protocol import board as bb
from clearcount.protocol.paper import Cancellation, TellerSecret
from clearcount.protocol.postal import (
    Reconciled,
    ReturnedPaper,
    paper_workplaces,
    post_postal_event,
    postal_batches,
    reconcile,
    sign_returns,
)
from clearcount.protocol.postal_entry import ReturnsEntry, verify_entry
from clearcount.record.chain import Event
from clearcount.record.events import PaperIssue, PaperReplacement
from clearcount.service.audit import Change, append_events
from clearcount.service.authorisation import Principal, authorise
from clearcount.service.elections.ports import ElectionUnitOfWork, ElectionUnitOfWorkFactory
from clearcount.service.elections.records import PaperEntry, RegisterMark, register_day
from clearcount.service.elections.register import require_eligible
from clearcount.service.elections.state import (
    ChainTail,
    board_of,
    full_chain,
    load_election,
    require_election,
)
from clearcount.service.errors import (
    ConflictError,
    ElectionStateError,
    StaleInputError,
    TellerError,
    ValidationError,
)
from clearcount.service.ports import Clock

__all__ = ["PostalReceipt", "PostalService"]


@dataclass(frozen=True, slots=True)
class PostalReceipt:
    """The counted returns on the record: the events' hashes and the lists' sizes."""

    election_id: str
    events: tuple[str, ...]
    counted: int
    spoilt: int
    late: int
    voided: int
    superseded: int


class PostalService:
    """Voting papers' issue, replacements and returns on the record (spec §11.12)."""

    def __init__(self, uow: ElectionUnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def _append(self, election_id: str, body: PaperIssue | PaperReplacement) -> Event:
        with self._uow() as uow:
            require_election(uow, election_id, lock=True)
            chain = full_chain(uow, election_id)
            election = load_election(uow, election_id)
            kind = type(body).__name__
            if any(e.kind == kind and e.body == body.to_body() for e in chain):
                raise ConflictError(
                    f"election {election_id!r}: this {kind} is already on the record"
                )
            try:
                event = post_postal_event(chain, election, body)
            except ClearcountError as error:
                raise ValidationError(
                    f"election {election_id!r}", kind, "a signed act", str(error)
                ) from None
            uow.board.append(election_id, event)
            self._log(uow, election_id, f"postal.{type(body).__name__}", [])
            uow.commit()
        return event

    def record_issue(self, election_id: str, issue: PaperIssue) -> Event:
        """The scrutineer's signed PaperIssue (spec §11.12.1)."""
        return self._append(election_id, issue)

    def record_replacement(self, election_id: str, replacement: PaperReplacement) -> Event:
        """A replacement paper, signed by the scrutineer (spec §11.12.1)."""
        return self._append(election_id, replacement)

    def submit_replacement(self, election_id: str, body: Mapping[str, object]) -> Event:
        """A PaperReplacement the scrutineer signed on its own machine (the role API): checked
        as `record_replacement` checks one (its signature under the Setup's authority key, a
        live paper, the next number); ConflictError if it is already on the record."""
        try:
            replacement = PaperReplacement.from_body(body, "replacement")
        except ClearcountError as error:
            raise ValidationError(
                "paper replacement", "body", "a signed PaperReplacement", str(error)
            ) from None
        return self._append(election_id, replacement)

    def enter(
        self,
        principal: Principal,
        election_id: str,
        papers: Sequence[ReturnedPaper],
        *,
        correction: bool = False,
    ) -> int:
        """The teller `principal`'s own entry of returned papers (`correction`: replacing this
        teller's earlier entry of these numbers, which stays on file); returns how many it has
        entered in all."""
        authorise(principal, "postal.enter")
        with self._uow() as uow:
            stored = require_election(uow, election_id, lock=True)
            if principal.name not in stored.definition.tellers:
                raise TellerError(principal.name, "not a teller of this election")
            return self._add(uow, election_id, principal.name, papers, correction)

    def entries(self, election_id: str, teller: str) -> int:
        """How many entries `teller` has on file (every revision): the `after` of its next
        signed entry (`submit_entry`)."""
        with self._uow() as uow:
            require_election(uow, election_id)
            return uow.paper_entries.rows(election_id, teller)

    def submit_entry(self, election_id: str, body: Mapping[str, object]) -> int:
        """A teller's entry signed on its own machine (`protocol.postal_entry`, the role API):
        its signature must verify under the teller's key in the Setup (TellerError) and its
        `after` must be the teller's entries on file (StaleInputError: sent again, or signed
        before another entry), before it is stored as `enter` stores one."""
        try:
            entry = ReturnsEntry.from_body(body, "entry")
        except ClearcountError as error:
            raise ValidationError(
                "paper entry", "body", "a signed ReturnsEntry", str(error)
            ) from None
        with self._uow() as uow:
            stored = require_election(uow, election_id, lock=True)
            if entry.teller not in stored.definition.tellers:
                raise TellerError(entry.teller, "not a teller of this election")
            try:
                verify_entry(load_election(uow, election_id), entry)
            except ClearcountError as error:
                raise TellerError(entry.teller, f"entry refused: {error}") from None
            on_file = uow.paper_entries.rows(election_id, entry.teller)
            if entry.after != on_file:
                raise StaleInputError(
                    f"teller {entry.teller!r}: the entry was signed after {entry.after} entries, "
                    f"but {on_file} are on file (sent again, or signed before another entry); "
                    "nothing was stored: sign it again"
                )
            return self._add(uow, election_id, entry.teller, entry.papers, entry.correction)

    def _add(
        self,
        uow: ElectionUnitOfWork,
        election_id: str,
        teller: str,
        papers: Sequence[ReturnedPaper],
        correction: bool,
    ) -> int:
        at = self._clock.now().isoformat()
        for paper in papers:
            entry = PaperEntry(election_id, teller, paper.number, paper.answers, paper.received, at)
            uow.paper_entries.add(entry, correction=correction)
        action = "postal.corrected" if correction else "postal.entered"
        self._log(uow, election_id, action, [Change("papers", None, len(papers))])
        uow.commit()
        return sum(1 for e in uow.paper_entries.list(election_id) if e.teller == teller)

    def _reconciled(self, uow: ElectionUnitOfWork, election_id: str) -> Reconciled:
        tellers = require_election(uow, election_id).definition.tellers
        chain = full_chain(uow, election_id)
        issues = [e for e in chain if e.kind == "PaperIssue"]
        if not issues:
            raise ElectionStateError(f"election {election_id!r}: no voting papers were issued")
        issue = PaperIssue.from_body(issues[0].body, f"event {issues[0].seq}")
        replacements = [
            PaperReplacement.from_body(e.body, f"event {e.seq}")
            for e in chain
            if e.kind == "PaperReplacement"
        ]
        entries = uow.paper_entries.list(election_id)
        first, second = (
            (
                name,
                [
                    ReturnedPaper(e.number, e.answers, e.received)
                    for e in entries
                    if e.teller == name
                ],
            )
            for name in tellers
        )
        return reconcile(issue, replacements, (first, second))

    def reconcile(self, principal: Principal, election_id: str) -> Reconciled:
        """The agreed returns, or ReturnsMismatchError listing every difference."""
        authorise(principal, "postal.reconcile")
        with self._uow() as uow:
            return self._reconciled(uow, election_id)

    def count(
        self,
        election_id: str,
        *,
        voters: Sequence[str],
        superseded: Sequence[int],
        cancellation: Cancellation,
        tellers: tuple[TellerSecret, TellerSecret],
        rng: ScalarSource = Scalar.random,
    ) -> PostalReceipt:
        """Count the agreed returns (see the module docstring); all or nothing."""
        at = self._clock.now()
        with self._uow() as uow:
            stored = require_election(uow, election_id, lock=True)
            for member_id in voters:
                require_eligible(uow, stored, member_id)
            reconciled = self._reconciled(uow, election_id)
            if len(voters) != len(reconciled.counted) - len(superseded):
                raise ValidationError(
                    "postal returns",
                    "voters",
                    f"one member per counted paper not superseded "
                    f"({len(reconciled.counted) - len(superseded)}), from the scrutineer",
                    len(voters),
                )
            counts = uow.board.counts(election_id)
            election = load_election(uow, election_id)
            board = board_of(uow, election_id, election, counts)
            if not board.closed or board.counting:
                raise ElectionStateError(
                    f"election {election_id!r}: postal returns are counted after the close and "
                    "before the tally"
                )
            chain = list(full_chain(uow, election_id))
            try:
                returns = sign_returns(election, reconciled, superseded, tellers, rng)
                chain.append(post_postal_event(chain, election, returns))
                issue = next(e for e in chain if e.kind == "PaperIssue")
                replacements = [
                    PaperReplacement.from_body(e.body, f"event {e.seq}")
                    for e in chain
                    if e.kind == "PaperReplacement"
                ]
                numbered = paper_workplaces(
                    PaperIssue.from_body(issue.body, "PaperIssue"), replacements
                )
                batches = postal_batches(
                    election, reconciled, superseded, numbered, cancellation, tellers, rng
                )
                for batch in batches:
                    board, event = bb.post_paper_batch(
                        ChainTail(len(chain), chain[-1]), board, batch
                    )
                    chain.append(event)
            except ClearcountError as error:
                raise ValidationError(
                    "postal returns", "batch", "returns the board accepts", str(error)
                ) from None
            added = chain[len(chain) - len(batches) - 1 :]
            for event in added:
                uow.board.append(election_id, event)
            day = register_day(at)
            actor = f"tellers {tellers[0].name} and {tellers[1].name}"
            for member_id in voters:
                uow.register.add(RegisterMark(election_id, member_id, "postal", day, actor))
            self._log(
                uow, election_id, "postal.counted", [Change("postal_voters", None, len(voters))]
            )
            uow.commit()
        return PostalReceipt(
            election_id,
            tuple(e.hash for e in added),
            len(reconciled.counted),
            len(reconciled.spoilt),
            len(reconciled.late),
            len(reconciled.voided),
            len(superseded),
        )

    def _log(
        self, uow: ElectionUnitOfWork, election_id: str, action: str, changes: list[Change]
    ) -> None:
        stored = require_election(uow, election_id)
        append_events(
            uow,
            at=self._clock.now(),
            actor="postal",
            action=action,
            organisation_id=stored.definition.organisation_id,
            subject=f"election:{election_id}",
            changes=changes,
        )
