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
from typing import TypeVar

from clearcount.core.errors import ClearcountError
from clearcount.crypto.group import Scalar, ScalarSource
from clearcount.protocol import board as bb
from clearcount.protocol.context import Election, read_election
from clearcount.protocol.paper import (
    Cancellation,
    TellerSecret,
    draft_paper_batch,
    sign_paper_batch,
)
from clearcount.protocol.postal import (
    Reconciled,
    ReturnedPaper,
    draft_returns,
    paper_workplaces,
    post_postal_event,
    postal_batch_drafts,
    postal_batches,
    reconcile,
    sign_returns,
)
from clearcount.protocol.postal_entry import ReturnsEntry, verify_entry
from clearcount.record.chain import Event
from clearcount.record.events import PaperBatch, PaperIssue, PaperReplacement, PaperReturns
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

__all__ = ["PostalReceipt", "PostalService", "SignedCount", "sign_count"]


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


@dataclass(frozen=True, slots=True)
class SignedCount:
    """The PaperReturns and the postal batches both tellers signed on their own machine
    (`sign_count`), for a server that never holds a teller's key (the role API)."""

    returns: PaperReturns
    batches: tuple[PaperBatch, ...]


def _names(tellers: tuple[TellerSecret, TellerSecret] | SignedCount) -> tuple[str, str]:
    if isinstance(tellers, SignedCount):
        return tellers.returns.tellers
    return tellers[0].name, tellers[1].name


T = TypeVar("T", PaperReturns, PaperBatch)


def _same(posted: T, draft: T, what: str) -> T:
    """`posted` (signed elsewhere) if it is `draft` but for the signatures, else refused."""
    if posted.unsigned_body() != draft.unsigned_body():
        raise ValidationError(
            f"signed {what}", "body", "the one of the tellers' agreed entries", "another"
        )
    return posted


def _returns(
    election: Election,
    reconciled: Reconciled,
    superseded: Sequence[int],
    tellers: tuple[TellerSecret, TellerSecret] | SignedCount,
    rng: ScalarSource,
) -> PaperReturns:
    if not isinstance(tellers, SignedCount):
        return sign_returns(election, reconciled, superseded, tellers, rng)
    draft = draft_returns(reconciled, superseded, tellers.returns.tellers)
    return _same(tellers.returns, draft, "PaperReturns")


def _batches(
    election: Election,
    reconciled: Reconciled,
    superseded: Sequence[int],
    numbered: Mapping[int, str | None],
    cancellation: Cancellation,
    tellers: tuple[TellerSecret, TellerSecret] | SignedCount,
    rng: ScalarSource,
) -> list[PaperBatch]:
    if not isinstance(tellers, SignedCount):
        return postal_batches(
            election, reconciled, superseded, numbered, cancellation, tellers, rng
        )
    names = tellers.returns.tellers
    drafts = postal_batch_drafts(election, reconciled, superseded, numbered, cancellation, names)
    if len(drafts) != len(tellers.batches):
        raise ValidationError(
            "signed postal batches", "batches", f"{len(drafts)} batches", len(tellers.batches)
        )
    return [
        _same(b, d, f"batch {i}")
        for i, (b, d) in enumerate(zip(tellers.batches, drafts, strict=True))
    ]


def sign_count(
    record: Sequence[Event],
    agreed: Reconciled,
    drafts: Sequence[PaperBatch],
    superseded: Sequence[int],
    cancellation: Cancellation,
    tellers: tuple[TellerSecret, TellerSecret],
    rng: ScalarSource = Scalar.random,
) -> SignedCount:
    """The tellers' own machine: both sign the PaperReturns of the `agreed` numbers and the
    postal batches the server drafted (`PostalService.drafts`), the first now carrying the
    scrutineer's `cancellation` (§11.12.2)."""
    election = read_election(record[:2])
    names = (tellers[0].name, tellers[1].name)
    try:
        returns = sign_returns(election, agreed, superseded, tellers, rng)
        batches = tuple(
            sign_paper_batch(election, draft_paper_batch(
                election, "postal", d.contest, d.ballots, None if i else cancellation, names,
                workplace=d.workplace), tellers, rng)
            for i, d in enumerate(drafts)
        )  # fmt: skip
    except ClearcountError as error:
        raise ValidationError("postal count", "returns", "returns to sign", str(error)) from None
    return SignedCount(returns, batches)


def _numbered(chain: Sequence[Event]) -> Mapping[int, str | None]:
    """Each issued number's workplace, replacements included (§11.12.1)."""
    issue = next(e for e in chain if e.kind == "PaperIssue")
    replacements = [
        PaperReplacement.from_body(e.body, f"event {e.seq}")
        for e in chain
        if e.kind == "PaperReplacement"
    ]
    return paper_workplaces(PaperIssue.from_body(issue.body, "PaperIssue"), replacements)


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

    def agreed(self, election_id: str) -> Reconciled:
        """The tellers' agreed returns, for the count on the tellers' own machine (the role
        API serves only their numbers): after the close, before counting."""
        with self._uow() as uow:
            self._countable(uow, election_id)
            return self._reconciled(uow, election_id)

    def drafts(self, election_id: str) -> list[PaperBatch]:
        """The postal batches of every agreed counted paper, unsigned and without the
        cancellation (`sign_count` adds it): papers sorted by marks, no numbers (§11.12.2).
        Never less some numbers: batches with and without a paper would show its marks."""
        with self._uow() as uow:
            election = self._countable(uow, election_id)
            reconciled = self._reconciled(uow, election_id)
            names = require_election(uow, election_id).definition.tellers
            chain = full_chain(uow, election_id)
        try:
            return postal_batch_drafts(
                election, reconciled, (), _numbered(chain), None, (names[0], names[1])
            )
        except ClearcountError as error:
            raise ValidationError("postal batches", "returns", "countable", str(error)) from None

    def _countable(self, uow: ElectionUnitOfWork, election_id: str) -> Election:
        require_election(uow, election_id)
        election = load_election(uow, election_id)
        board = board_of(uow, election_id, election, uow.board.counts(election_id))
        if not board.closed or board.counting:
            raise ElectionStateError(
                f"election {election_id!r}: postal returns are counted after the close and "
                "before the tally"
            )
        return election

    def submit_count(
        self,
        election_id: str,
        *,
        voters: Sequence[str],
        returns: Mapping[str, object],
        batches: Sequence[Mapping[str, object]],
    ) -> PostalReceipt:
        """Count the returns with what both tellers signed on their own machine (`sign_count`)
        and the members the scrutineer named (`voters`): the PaperReturns and each batch must be
        exactly those of the agreed entries and the cancellation the first batch carries, and
        every signature must verify (§11.12.2), before anything is stored."""
        try:
            signed = SignedCount(
                PaperReturns.from_body(returns, "returns"),
                tuple(PaperBatch.from_body(b, f"batches[{i}]") for i, b in enumerate(batches)),
            )
        except ClearcountError as error:
            raise ValidationError(
                "postal count", "body", "signed returns and batches", str(error)
            ) from None
        with self._uow() as uow:
            self._countable(uow, election_id)
            if uow.board.events(election_id, ("PaperReturns",)):
                raise ConflictError(f"election {election_id!r}: the postal returns are counted")
        first = signed.batches[0] if signed.batches else None
        if first is None or first.authority_signature is None:
            raise ValidationError(
                "postal count",
                "batches",
                "the first carrying the scrutineer's cancellation",
                "none",
            )
        cancellation = Cancellation(first.cancelled_credentials, first.authority_signature)
        return self.count(
            election_id,
            voters=voters,
            superseded=signed.returns.superseded,
            cancellation=cancellation,
            tellers=signed,
        )

    def count(
        self,
        election_id: str,
        *,
        voters: Sequence[str],
        superseded: Sequence[int],
        cancellation: Cancellation,
        tellers: tuple[TellerSecret, TellerSecret] | SignedCount,
        rng: ScalarSource = Scalar.random,
    ) -> PostalReceipt:
        """Count the agreed returns (see the module docstring); all or nothing. `tellers` are
        both tellers' keys, or what they signed on their own machine (`SignedCount`), which
        must be exactly the returns and batches of the agreed entries."""
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
                returns = _returns(election, reconciled, superseded, tellers, rng)
                chain.append(post_postal_event(chain, election, returns))
                numbered = _numbered(chain)
                batches = _batches(
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
            names = _names(tellers)
            actor = f"tellers {names[0]} and {names[1]}"
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
