"""Labour trigger ballots: branches' members vote, affiliates' officers record (issue 5).

A trigger ballot (Labour Rule Book Ch.5 Cl.IV.5; docs/counting/trigger-ballot.md) groups:

* one yes/no ELECTION per party branch: the branch's own members' ballot, run with the
  ordinary election machinery; its roll is the branch's members by the unit-membership
  eligibility rule (`EligibilityRules.units`), which `add_branch` requires;
* the affiliates' votes, each recorded by a named officer of the affiliate. Every recording is
  audited (who, when, which affiliate, which vote, which officer); a second recording for the
  same affiliate is refused unless `replace=True`, and the replacement is audited too. The
  votes are stored append-only: the replaced vote stays as evidence.

`declare(actor, trigger_id)` needs every branch election declared and its record published as
it stands (the declaration cites the published record's final event hash), builds
`Body(name, "branch", members_yes, members_no)` from each branch's declared Yes/No and
`Body(name, "affiliate", vote)` from the officers' records, counts with
`counting.trigger_ballot.count_bodies` under the trigger's profile, and stores the public
trigger declaration document (canonical JSON; layout: `verifier.trigger_document`, which the
verifier recomputes with the same functions).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from clearcount.core.canonical import canonical_json
from clearcount.core.errors import ClearcountError
from clearcount.counting.trigger_ballot import PROFILES
from clearcount.service.audit import Change, append_events, format_instant
from clearcount.service.authorisation import Principal, authorise
from clearcount.service.election_state import full_chain, require_election
from clearcount.service.errors import (
    ConflictError,
    ElectionStateError,
    NotFoundError,
    ValidationError,
)
from clearcount.service.ports import Clock
from clearcount.service.trigger_ports import (
    AffiliateVote,
    TriggerBallot,
    TriggerBranch,
    TriggerDeclarationEntry,
    TriggerUnitOfWork,
    TriggerUnitOfWorkFactory,
)
from clearcount.verifier.trigger_document import (
    AffiliateEntry,
    BranchEntry,
    branch_tallies,
    declaration_document,
    document_hash,
)

__all__ = ["BranchState", "TriggerService", "TriggerStatus"]

VOTES = ("yes", "no")


@dataclass(frozen=True, slots=True)
class BranchState:
    """A branch, its election, and whether the election's result is declared."""

    branch: TriggerBranch
    declared: bool


@dataclass(frozen=True, slots=True)
class TriggerStatus:
    """Where a trigger ballot stands: branches, the affiliates' current votes, the declaration."""

    trigger: TriggerBallot
    branches: tuple[BranchState, ...]
    votes: tuple[AffiliateVote, ...]
    """The vote that counts for each affiliate that has one (the latest recorded)."""
    history: tuple[AffiliateVote, ...]
    """Every vote ever recorded, replaced ones included."""
    declaration: TriggerDeclarationEntry | None


def _require(uow: TriggerUnitOfWork, trigger_id: str) -> TriggerBallot:
    trigger = uow.triggers.get(trigger_id)
    if trigger is None:
        raise NotFoundError(f"trigger ballot {trigger_id!r}: no such trigger ballot")
    return trigger


def _not_declared(uow: TriggerUnitOfWork, trigger_id: str) -> None:
    if uow.triggers.declaration(trigger_id) is not None:
        raise ElectionStateError(f"trigger ballot {trigger_id!r}: already declared")


def _current(votes: Sequence[AffiliateVote]) -> dict[str, AffiliateVote]:
    latest: dict[str, AffiliateVote] = {}
    for vote in votes:
        latest[vote.affiliate] = vote
    return latest


def _name(obj: str, field: str, value: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(obj, field, "a non-empty name", value)
    return value.strip()


class TriggerService:
    def __init__(self, uow: TriggerUnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def create(
        self,
        principal: Principal,
        trigger_id: str,
        organisation_id: str,
        title: str,
        profile: str,
        affiliates: Sequence[str],
    ) -> TriggerBallot:
        """Define the trigger ballot: its rule profile and the affiliates entitled to vote."""
        authorise(principal, "trigger.create")
        actor = principal.name
        obj = f"trigger ballot {trigger_id!r}"
        _name(obj, "trigger_id", trigger_id)
        _name(obj, "title", title)
        if profile not in PROFILES:
            raise ValidationError(obj, "profile", f"one of {', '.join(PROFILES)}", profile)
        names = [_name(obj, "affiliates[]", a) for a in affiliates]
        repeated = sorted({a for a in names if names.count(a) > 1})
        if repeated:
            raise ValidationError(obj, "affiliates", "distinct names", repeated)
        at = self._clock.now()
        trigger = TriggerBallot(
            trigger_id,
            organisation_id,
            title.strip(),
            profile,
            tuple(names),
            actor,
            format_instant(at),
        )
        with self._uow() as uow:
            if uow.organisations.get(organisation_id) is None:
                raise NotFoundError(f"organisation {organisation_id!r}: no such organisation")
            if uow.triggers.get(trigger_id) is not None:
                raise ConflictError(f"{obj}: already exists")
            uow.triggers.add(trigger)
            append_events(
                uow,
                at=at,
                actor=actor,
                action="trigger.created",
                organisation_id=organisation_id,
                subject=f"trigger:{trigger_id}",
                changes=[
                    Change("profile", None, profile),
                    Change("affiliates", None, list(names)),
                ],
                note=trigger.title,
            )
            uow.commit()
        return trigger

    def add_branch(
        self, principal: Principal, trigger_id: str, branch: str, election_id: str
    ) -> TriggerBranch:
        """Add a party branch and the yes/no election in which its own members vote."""
        authorise(principal, "trigger.add_branch")
        actor = principal.name
        branch = _name(f"trigger ballot {trigger_id!r}", "branch", branch)
        at = self._clock.now()
        with self._uow() as uow:
            trigger = _require(uow, trigger_id)
            _not_declared(uow, trigger_id)
            stored = require_election(uow, election_id)
            d = stored.definition
            where = f"trigger ballot {trigger_id!r}: branch {branch!r}"
            if d.organisation_id != trigger.organisation_id:
                raise ValidationError(
                    where, "election", f"an election of {trigger.organisation_id!r}", election_id
                )
            methods = [c.method for c in d.contests]
            labels = sorted(c.strip().lower() for c in d.contests[0].candidates)
            if methods != ["yes-no"] or labels != ["no", "yes"]:
                raise ValidationError(
                    where,
                    "election",
                    "an election with one yes-no contest, candidates Yes and No",
                    f"{election_id} ({', '.join(methods)})",
                )
            rules = uow.rules.get(election_id)
            if rules is None or not rules.rules.units:
                raise ValidationError(
                    where,
                    "election",
                    "an election whose roll is the branch's members (eligibility rules with "
                    "a unit: `clearcount roll rules ... --unit BRANCH`)",
                    election_id,
                )
            existing = uow.triggers.branches(trigger_id)
            if any(b.branch == branch for b in existing) or branch in trigger.affiliates:
                raise ConflictError(f"{where}: a body of that name is already in the ballot")
            used = [b.branch for b in existing if b.election_id == election_id]
            if used:
                raise ConflictError(
                    f"{where}: election {election_id!r} is already branch {used[0]!r}'s"
                )
            entry = TriggerBranch(
                trigger_id, branch, election_id, actor, format_instant(at), len(existing)
            )
            uow.triggers.add_branch(entry)
            append_events(
                uow,
                at=at,
                actor=actor,
                action="trigger.branch_added",
                organisation_id=trigger.organisation_id,
                subject=f"trigger:{trigger_id}",
                changes=[Change(f"branch:{branch}", None, election_id)],
            )
            uow.commit()
        return entry

    def record_affiliate_vote(
        self,
        principal: Principal,
        trigger_id: str,
        affiliate: str,
        vote: str,
        officer: str,
        *,
        replace: bool = False,
    ) -> AffiliateVote:
        """Record the vote `officer` gives for `affiliate`; a second one only with `replace`."""
        authorise(principal, "trigger.record_affiliate_vote")
        actor = principal.name
        where = f"trigger ballot {trigger_id!r}: affiliate {affiliate!r}"
        if vote not in VOTES:
            raise ValidationError(where, "vote", "yes or no", vote)
        officer = _name(where, "officer", officer)
        at = self._clock.now()
        with self._uow() as uow:
            trigger = _require(uow, trigger_id)
            _not_declared(uow, trigger_id)
            if affiliate not in trigger.affiliates:
                raise ValidationError(
                    f"trigger ballot {trigger_id!r}",
                    "affiliate",
                    f"one of its affiliates ({', '.join(trigger.affiliates) or 'none'})",
                    affiliate,
                )
            previous = _current(uow.triggers.votes(trigger_id)).get(affiliate)
            if previous is not None and not replace:
                raise ConflictError(
                    f"{where}: a vote ({previous.vote}, given by {previous.officer}) was already "
                    f"recorded at {previous.recorded_at}; to change it, record again with replace"
                )
            if previous is None and replace:
                raise ConflictError(f"{where}: no vote recorded yet, so none to replace")
            entry = AffiliateVote(
                trigger_id, affiliate, vote, officer, actor, format_instant(at), replace
            )
            uow.triggers.add_vote(entry)
            append_events(
                uow,
                at=at,
                actor=actor,
                action="trigger.affiliate_vote_replaced" if replace else "trigger.affiliate_vote",
                organisation_id=trigger.organisation_id,
                subject=f"trigger:{trigger_id}",
                changes=[
                    Change(
                        f"affiliate:{affiliate}",
                        None
                        if previous is None
                        else {"vote": previous.vote, "officer": previous.officer},
                        {"vote": vote, "officer": officer},
                    )
                ],
                note=f"given by {officer}, an officer of {affiliate}",
            )
            uow.commit()
        return entry

    def declare(self, principal: Principal, trigger_id: str) -> TriggerDeclarationEntry:
        """Count the bodies' votes under the profile and store the declaration document."""
        authorise(principal, "trigger.declare")
        actor = principal.name
        at = self._clock.now()
        with self._uow() as uow:
            trigger = _require(uow, trigger_id)
            if uow.triggers.declaration(trigger_id) is not None:
                raise ConflictError(f"trigger ballot {trigger_id!r}: already declared")
            branches = uow.triggers.branches(trigger_id)
            if not branches:
                raise ElectionStateError(
                    f"trigger ballot {trigger_id!r}: no branches; add each branch's election"
                )
            entries: list[BranchEntry] = []
            waiting: list[str] = []
            for b in branches:
                events = full_chain(uow, b.election_id)
                if not events or events[-1].kind != "Result":
                    waiting.append(f"{b.branch} ({b.election_id}): no declared result")
                    continue
                heads = {p.head for p in uow.publications.list(b.election_id)}
                if events[-1].hash not in heads:
                    waiting.append(
                        f"{b.branch} ({b.election_id}): record not published since the result"
                    )
                    continue
                try:
                    entries.append(branch_tallies(events, b.branch, f"election {b.election_id}"))
                except ClearcountError as error:
                    raise ElectionStateError(f"branch {b.branch!r}: {error}") from None
            if waiting:
                raise ElectionStateError(
                    f"trigger ballot {trigger_id!r}: every branch needs a declared, published "
                    f"result first; waiting for: {'; '.join(waiting)}"
                )
            votes = _current(uow.triggers.votes(trigger_id))
            affiliates = [
                AffiliateEntry(
                    a,
                    votes[a].vote if a in votes else None,
                    votes[a].officer if a in votes else None,
                )
                for a in trigger.affiliates
            ]
            document = declaration_document(
                trigger_id=trigger_id,
                title=trigger.title,
                organisation=trigger.organisation_id,
                profile=trigger.profile,
                branches=entries,
                affiliates=affiliates,
                declared_at=format_instant(at),
            )
            entry = TriggerDeclarationEntry(
                trigger_id,
                canonical_json(document).decode("utf-8"),
                document_hash(document),
                actor,
                format_instant(at),
            )
            uow.triggers.declare(entry)
            append_events(
                uow,
                at=at,
                actor=actor,
                action="trigger.declared",
                organisation_id=trigger.organisation_id,
                subject=f"trigger:{trigger_id}",
                changes=[
                    Change("declaration", None, entry.hash),
                    Change("triggered", None, document["triggered"]),
                ],
            )
            uow.commit()
        return entry

    def status(self, trigger_id: str) -> TriggerStatus:
        """The trigger ballot as it stands."""
        with self._uow() as uow:
            trigger = _require(uow, trigger_id)
            states = []
            for b in uow.triggers.branches(trigger_id):
                last = uow.board.last(b.election_id)
                states.append(BranchState(b, last is not None and last.kind == "Result"))
            history = tuple(uow.triggers.votes(trigger_id))
            declaration = uow.triggers.declaration(trigger_id)
        current = _current(history)
        votes = tuple(current[a] for a in trigger.affiliates if a in current)
        return TriggerStatus(trigger, tuple(states), votes, history, declaration)
