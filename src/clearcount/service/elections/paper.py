"""Meeting and postal ballots, entered by two tellers (spec §11.6).

At a hustings meeting, or when postal ballots come back, the two tellers named in the Setup
enter one sitting's papers together: `PaperService.enter(...)` with

- `channel`: "meeting" or "postal" (it must come before "online" in the published precedence);
- `voters`: the members who voted (the meeting's sign-in sheet, the returned envelopes'
  declarations), each marked in the register with the channel;
- `cancelled`: the public credentials of those members, one per voter, as the credential
  authority (which alone maps members to credentials) names and signs them on its own machine
  (`protocol.paper.Cancellation`, `clearcount credentials cancel-list`). Their online ballots
  stop counting and the board refuses any later online ballot under them;
- `papers`: per contest id, the papers' marks (0-based candidate indices; a ranking for a
  preferential contest), at most one paper per voter and contest;
- `tellers`: both tellers' signing keys (from their key files), which sign each batch;
- `signed_in`: the number of signatures on the sign-in sheet (or envelopes opened) as the
  tellers counted it, and `accept_mismatch`: their reason if the sitting does not add up.

Reconciliation (issue 11): the sign-in count, the members entered and the papers of each contest
must be equal. If not, the batch is refused with every count named (ReconciliationError), and
the refusal is written to the audit log; it is sealed only when the tellers acknowledge the
difference with a reason (`accept_mismatch`, CLI `--accept-mismatch REASON`), which is audited
with the counts (`paper.mismatch_accepted`). More papers than voters is always refused.

One PaperBatch event per contest goes on the record, signed by both tellers; the register lines
and the events commit together or not at all. A member already marked on paper is refused
(ChannelConflictError); papers are refused once counting has begun (ElectionStateError).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from clearcount.core.errors import ClearcountError, ProofError
from clearcount.crypto.group import Scalar, ScalarSource
from clearcount.protocol import board as bb
from clearcount.protocol.acts import UNSIGNED
from clearcount.protocol.context import Election, read_election
from clearcount.protocol.paper import (
    Cancellation,
    TellerSecret,
    draft_paper_batch,
    enter_paper_batch,
)
from clearcount.record.chain import Event
from clearcount.record.events import ContestSpec, PaperBallot, PaperBatch
from clearcount.service.audit import Change, Entry, append_events
from clearcount.service.elections.ports import ElectionUnitOfWorkFactory
from clearcount.service.elections.records import PAPER_CHANNELS, RegisterMark, register_day
from clearcount.service.elections.register import (
    audit_apart,
    refusals_audited,
    require_eligible,
)
from clearcount.service.elections.state import (
    ChainTail,
    board_of,
    load_election,
    require_election,
    tail_of,
)
from clearcount.service.errors import (
    ChannelConflictError,
    ConflictError,
    ElectionStateError,
    ReconciliationError,
    TellerError,
    ValidationError,
)
from clearcount.service.ports import Clock

__all__ = ["PaperReceipt", "PaperService", "SignedBatches", "reconcile", "sign_sitting"]


def reconcile(
    signed_in: int, voters: int, papers: Mapping[str, int], contests: Sequence[str]
) -> str:
    """ "" when the sitting adds up, else the counts that differ, in words."""
    counts = {"signed in": signed_in, "members entered": voters}
    counts.update({f"papers of contest {c!r}": papers.get(c, 0) for c in contests})
    if len(set(counts.values())) == 1:
        return ""
    return ", ".join(f"{name} {n}" for name, n in counts.items())


@dataclass(frozen=True, slots=True)
class PaperReceipt:
    """One sitting's papers, on the record: the batch events' hashes, voters and papers."""

    election_id: str
    channel: str
    batches: tuple[str, ...]
    voters: int
    papers: Mapping[str, int]
    reconciliation: str = ""
    """"signed in N" when the sitting added up, else the counts and the tellers' reason."""


def _sitting_contests(
    election: Election,
    contests: Sequence[ContestSpec],
    papers: Mapping[str, object],
    cancelled: Cancellation,
) -> Sequence[ContestSpec]:
    """The contests that get a batch: all of them, or in a scoped election (spec §10.4.1) the
    contests given papers, every voter's credential entitled to the first (whose batch carries
    the cancellations): one sitting per branch contest of a trigger ballot."""
    if not election.scopes:
        return contests
    chosen = [spec for spec in contests if spec.id in papers]
    if not chosen:
        raise ValidationError("paper ballots", "papers", "papers for at least one contest", {})
    first = chosen[0].id
    strays = [
        election.scopes.get(c.to_bytes(), ())
        for c in cancelled.credentials
        if first not in election.scopes.get(c.to_bytes(), ())
    ]
    if strays:
        raise ValidationError(
            "paper ballots",
            "voters",
            f"members entitled to contest {first!r} (each member votes only in their own "
            "unit's contest: enter each contest's papers as a sitting of its own)",
            f"{len(strays)} voter(s) entitled to {sorted({c for s in strays for c in s})}",
        )
    return chosen


SignedBatches = Mapping[str, PaperBatch]
"""A sitting's batches per contest, signed by both tellers on their own machine
(`sign_sitting`), for a server that never holds a teller's key (the role API)."""


def _teller_names(tellers: tuple[TellerSecret, TellerSecret] | SignedBatches) -> tuple[str, str]:
    if isinstance(tellers, tuple):
        return tellers[0].name, tellers[1].name
    names = {b.tellers for b in tellers.values()}
    if len(names) != 1:
        raise ValidationError(
            "paper batches", "tellers", "the same two tellers on every batch", sorted(names)
        )
    return names.pop()


def _require_fresh(
    board: bb.Board,
    cancelled: Cancellation,
    tellers: tuple[TellerSecret, TellerSecret] | SignedBatches,
    sitting: Sequence[ContestSpec],
) -> None:
    """Signed batches fit the sitting (one per contest) and are not entered already."""
    if isinstance(tellers, tuple):
        return
    if set(tellers) != {spec.id for spec in sitting}:
        raise ValidationError(
            "paper batches",
            "contests",
            f"one signed batch for each contest of the sitting {[s.id for s in sitting]}",
            sorted(tellers),
        )
    if any(c.to_bytes() in board.cancelled for c in cancelled.credentials):
        raise ConflictError(
            "these papers' voters are already cancelled by an earlier batch: the sitting is "
            "already entered"
        )


def _batch(
    election: Election,
    channel: str,
    contest: str,
    ballots: Sequence[PaperBallot],
    cancellation: Cancellation | None,
    tellers: tuple[TellerSecret, TellerSecret] | SignedBatches,
    rng: ScalarSource,
) -> PaperBatch:
    """Both tellers' batch of `contest`: signed here with their secrets, or the batch they
    signed elsewhere, which must be exactly the batch of these papers."""
    if isinstance(tellers, tuple):
        return enter_paper_batch(election, channel, contest, ballots, cancellation, tellers, rng)
    posted = tellers[contest]
    draft = draft_paper_batch(election, channel, contest, ballots, cancellation, posted.tellers)
    if posted.unsigned_body() != draft.unsigned_body():
        raise ValidationError(
            f"signed batch of contest {contest!r}",
            "body",
            "the batch of the papers and cancellations sent",
            "another batch",
        )
    return posted


def sign_sitting(
    record: Sequence[Event],
    channel: str,
    papers: Mapping[str, Sequence[Sequence[int]]],
    cancelled: Cancellation,
    tellers: tuple[TellerSecret, TellerSecret],
    rng: ScalarSource = Scalar.random,
) -> list[PaperBatch]:
    """The tellers' own machine: one sitting's batches, signed by both (§11.6), for a server
    to check and enter (`PaperService.submit`)."""
    election = read_election(record[:2])
    sitting = _sitting_contests(election, election.setup.contests, papers, cancelled)
    try:
        return [
            enter_paper_batch(
                election,
                channel,
                spec.id,
                [PaperBallot(tuple(p), 1) for p in papers.get(spec.id, ())],
                cancelled if position == 0 else None,
                tellers,
                rng,
            )
            for position, spec in enumerate(sitting)
        ]
    except ClearcountError as error:
        raise ValidationError(
            "paper ballots", "papers", "papers the contests allow", str(error)
        ) from None


class PaperService:
    """Two tellers enter meeting and postal ballots (spec §11.6)."""

    def __init__(self, uow: ElectionUnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def submit(
        self,
        election_id: str,
        *,
        channel: str,
        voters: Sequence[str],
        batches: Sequence[Mapping[str, object]],
        signed_in: int,
        accept_mismatch: str = "",
    ) -> PaperReceipt:
        """Enter a sitting whose batches both tellers signed on their own machine
        (`sign_sitting`): each batch must be exactly the one of its papers and cancellations,
        and both signatures must verify under the tellers' keys in the Setup (§11.6)."""
        parsed: dict[str, PaperBatch] = {}
        for i, body in enumerate(batches):
            try:
                batch = PaperBatch.from_body(body, f"batches[{i}]")
            except ClearcountError as error:
                raise ValidationError(
                    "paper batches", f"[{i}]", "a PaperBatch body", str(error)
                ) from None
            if batch.contest in parsed:
                raise ValidationError("paper batches", "contest", "one per contest", batch.contest)
            parsed[batch.contest] = batch
        carrying = [b for b in parsed.values() if b.cancelled_credentials]
        cancelled = Cancellation(
            carrying[0].cancelled_credentials if carrying else (),
            (carrying[0].authority_signature if carrying else None) or UNSIGNED,
        )
        return self.enter(
            election_id,
            channel=channel,
            voters=voters,
            cancelled=cancelled,
            papers={c: b.ballots for c, b in parsed.items()},
            tellers=parsed,
            signed_in=signed_in,
            accept_mismatch=accept_mismatch,
        )

    def enter(
        self,
        election_id: str,
        *,
        channel: str,
        voters: Sequence[str],
        cancelled: Cancellation,
        papers: Mapping[str, Sequence[Sequence[int] | PaperBallot]],
        tellers: tuple[TellerSecret, TellerSecret] | SignedBatches,
        signed_in: int,
        accept_mismatch: str = "",
        rng: ScalarSource = Scalar.random,
    ) -> PaperReceipt:
        """Enter one sitting's papers (see the module docstring); all or nothing."""
        if signed_in < 0:
            raise ValidationError("paper ballots", "signed_in", "a count, 0 or more", signed_in)
        names = _teller_names(tellers)
        actor = f"tellers {names[0]} and {names[1]}"
        with self._uow() as uow:
            contests = [c.id for c in require_election(uow, election_id).definition.contests]
            if uow.board.counts(election_id) and load_election(uow, election_id).scopes:
                contests = [c for c in contests if c in papers]  # one scope's sitting (§10.4.1)
        counted = {c: len(p) for c, p in papers.items()}
        mismatch = reconcile(signed_in, len(voters), counted, contests)
        if mismatch and not accept_mismatch.strip():
            refusal = Entry("paper.mismatch_refused", None, f"election:{election_id}", (), mismatch)
            audit_apart(self._uow, self._clock.now(), actor, election_id, refusal)
            raise ReconciliationError(
                f"election {election_id!r}: the {channel} papers do not add up ({mismatch}); "
                "nothing was entered. Count again, or if the difference is real, seal the "
                'batch with --accept-mismatch "REASON" (recorded in the audit log)'
            )
        reconciliation = f"signed in {signed_in}"
        if mismatch:
            reconciliation = f"{mismatch}; accepted: {accept_mismatch.strip()}"
        with refusals_audited(self._uow, self._clock, actor, election_id):
            if channel not in PAPER_CHANNELS:
                raise ValidationError(
                    "paper ballots", "channel", f"one of {PAPER_CHANNELS}", channel
                )
            if not voters or len(set(voters)) != len(voters):
                raise ValidationError(
                    "paper ballots", "voters", "distinct member ids", list(voters)
                )
            if len(cancelled.credentials) != len(voters):
                raise ValidationError(
                    "paper ballots",
                    "cancelled",
                    f"one public credential per voter ({len(voters)}), named by the credential "
                    "authority",
                    len(cancelled.credentials),
                )
            at = self._clock.now()
            with self._uow() as uow:
                stored = require_election(uow, election_id, lock=True)
                d = stored.definition
                if channel not in d.channels:
                    raise ValidationError(
                        f"election {election_id!r}",
                        "channel",
                        f"one of its channels {list(d.channels)}",
                        channel,
                    )
                if channel == "postal" and d.postal is not None:
                    raise ValidationError(
                        f"election {election_id!r}",
                        "channel",
                        "meeting papers here: its numbered voting papers are entered with "
                        "`clearcount papers enter` and counted with `papers count`",
                        channel,
                    )
                unknown = sorted(set(papers) - {c.id for c in d.contests})
                if unknown:
                    raise ValidationError(
                        "paper ballots", "papers", "contests of the election", unknown
                    )
                counts = uow.board.counts(election_id)
                election = load_election(uow, election_id)
                board = board_of(uow, election_id, election, counts)
                if board.counting:
                    raise ElectionStateError(
                        f"election {election_id!r}: expected paper ballots before counting, got "
                        "them after the tally began"
                    )
                for member_id in voters:
                    require_eligible(uow, stored, member_id)
                    earlier = [
                        m
                        for m in uow.register.for_member(election_id, member_id)
                        if m.channel in PAPER_CHANNELS
                    ]
                    if earlier:
                        raise ChannelConflictError(
                            f"member {member_id!r}: already voted by {earlier[0].channel} "
                            f"ballot on {earlier[0].day}; a second {channel} ballot is refused"
                        )
                tail = tail_of(uow, election_id, counts)
                chain: list[Event] = []
                sizes: dict[str, int] = {}
                sitting = _sitting_contests(election, d.contests, papers, cancelled)
                _require_fresh(board, cancelled, tellers, sitting)
                for position, spec in enumerate(sitting):
                    given = list(papers.get(spec.id, ()))
                    if len(given) > len(voters):
                        raise ValidationError(
                            f"paper ballots of contest {spec.id!r}",
                            "papers",
                            f"at most one per voter ({len(voters)})",
                            len(given),
                        )
                    ballots = [
                        p if isinstance(p, PaperBallot) else PaperBallot(tuple(p), 1) for p in given
                    ]
                    sizes[spec.id] = len(ballots)
                    try:
                        batch = _batch(
                            election,
                            channel,
                            spec.id,
                            ballots,
                            cancelled if position == 0 else None,
                            tellers,
                            rng,
                        )
                    except ProofError as error:
                        raise ValidationError(
                            "paper ballots",
                            "cancelled",
                            "the list the credential authority signed for this election",
                            str(error),
                        ) from None
                    except ClearcountError as error:
                        raise ValidationError(
                            f"paper ballots of contest {spec.id!r}",
                            "papers",
                            "papers the contest allows",
                            str(error),
                        ) from None
                    try:
                        board, event = bb.post_paper_batch(
                            ChainTail(len(tail) + len(chain), chain[-1]) if chain else tail,
                            board,
                            batch,
                        )
                    except ProofError as error:
                        name = next((n for n in names if repr(n) in str(error)), "?")
                        raise TellerError(name, f"signature refused: {error}") from None
                    except ClearcountError as error:
                        teller = next((n for n in names if n not in d.tellers), None)
                        if teller is not None:
                            raise TellerError(
                                teller, f"not a teller of this election: {error}"
                            ) from None
                        raise ValidationError(
                            "paper ballots", "batch", "a batch the board accepts", str(error)
                        ) from None
                    chain.append(event)
                for event in chain:
                    uow.board.append(election_id, event)
                day = register_day(at)
                for member_id in voters:
                    uow.register.add(RegisterMark(election_id, member_id, channel, day, actor))
                append_events(
                    uow,
                    at=at,
                    actor=actor,
                    action="paper.entered",
                    organisation_id=d.organisation_id,
                    subject=f"election:{election_id}",
                    changes=[Change(f"{channel}_voters", None, len(voters))],
                    note=reconciliation,
                )
                if mismatch:
                    append_events(
                        uow,
                        at=at,
                        actor=actor,
                        action="paper.mismatch_accepted",
                        organisation_id=d.organisation_id,
                        subject=f"election:{election_id}",
                        note=reconciliation,
                    )
                uow.commit()
        return PaperReceipt(
            election_id, channel, tuple(e.hash for e in chain), len(voters), sizes, reconciliation
        )
