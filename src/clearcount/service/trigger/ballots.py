"""Labour trigger ballots: branches' members vote, affiliates' officers record (issue 5).

A trigger ballot (Labour Rule Book Ch.5 Cl.IV.5; docs/counting/trigger-ballot.md) groups:

* one yes/no ELECTION per party branch: the branch's own members' ballot, run with the
  ordinary election machinery; its roll is the branch's members by the unit-membership
  eligibility rule (`EligibilityRules.units`), which `add_branch` requires;
* the affiliates, each with the public key its officer made on the officer's own machine
  (`clearcount affiliate init`; the card's proof of possession is checked by the CLI), given at
  `create` (issue 8).

Once every branch election's key ceremony has run and before any opens, the returning officer
fixes the **list of bodies** (`draft_bodies`, signed on the officer's machine with its key
file, then `fix_bodies`): the branches with their elections' Setup hashes and the affiliates
with their keys (record.trigger_signed.BodiesList). No body can be added after. Each
affiliate's officer then signs the affiliate's vote or abstention on its own machine under
that list (`record.trigger_signed.sign_affiliate_vote`) and hands the signed vote to the
secretary, who records it (`record_affiliate_vote`, which checks the signature and that it
names this ballot and this list). A second vote for the same affiliate is refused unless
`replace=True`; both are kept (append-only) and audited.

`declare(actor, trigger_id)` needs every branch election declared and its record published as
it stands (the declaration cites the published record's final event hash) and a signed vote
or abstention from every listed affiliate; it builds `Body(name, "branch", members_yes,
members_no)` from each branch's declared Yes/No and `Body(name, "affiliate", vote)` from the
signed votes, counts with `counting.trigger_ballot.count_bodies` under the list's profile, and
stores the public trigger declaration document (canonical JSON; layout:
`verifier.trigger_document`, which the verifier recomputes with the same functions).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from clearcount.core.canonical import canonical_json
from clearcount.core.errors import ClearcountError
from clearcount.counting.trigger_ballot import PROFILES
from clearcount.crypto.group import Point
from clearcount.record import codec
from clearcount.record.trigger_signed import (
    VOTES,
    AffiliateVoteAct,
    BodiesList,
    ListedAffiliate,
    ListedBranch,
)
from clearcount.service.audit import Change, append_events, format_instant
from clearcount.service.authorisation import Principal, authorise
from clearcount.service.elections.state import full_chain, require_election
from clearcount.service.errors import (
    ConflictError,
    ElectionStateError,
    NotFoundError,
    ValidationError,
)
from clearcount.service.ports import Clock
from clearcount.service.trigger.ports import (
    AffiliateVote,
    TriggerBallot,
    TriggerBodiesEntry,
    TriggerBranch,
    TriggerDeclarationEntry,
    TriggerUnitOfWork,
    TriggerUnitOfWorkFactory,
)
from clearcount.verifier.trigger_document import (
    BranchEntry,
    branch_tallies,
    declaration_document,
    document_hash,
)

__all__ = ["BranchState", "TriggerService", "TriggerStatus"]


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
    bodies: TriggerBodiesEntry | None = None
    """The officer's signed list of bodies, once fixed."""


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


def _fixed(uow: TriggerUnitOfWork, trigger_id: str) -> BodiesList:
    entry = uow.triggers.bodies(trigger_id)
    if entry is None:
        raise ElectionStateError(
            f"trigger ballot {trigger_id!r}: the list of bodies is not fixed yet; the returning "
            "officer fixes it first (`clearcount trigger fix-bodies`)"
        )
    return BodiesList.from_json(json.loads(entry.document), f"trigger ballot {trigger_id!r}")


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
        affiliates: Sequence[ListedAffiliate],
    ) -> TriggerBallot:
        """Define the trigger ballot: its rule profile and the affiliates entitled to vote,
        each with the public key its officer made (`clearcount affiliate init`)."""
        authorise(principal, "trigger.create")
        actor = principal.name
        obj = f"trigger ballot {trigger_id!r}"
        _name(obj, "trigger_id", trigger_id)
        _name(obj, "title", title)
        if profile not in PROFILES:
            raise ValidationError(obj, "profile", f"one of {', '.join(PROFILES)}", profile)
        names = [_name(obj, "affiliates[]", a.name) for a in affiliates]
        repeated = sorted({a for a in names if names.count(a) > 1})
        if repeated:
            raise ValidationError(obj, "affiliates", "distinct names", repeated)
        keys = [codec.hexify(a.key) for a in affiliates]
        shared = sorted({n for n, k in zip(names, keys, strict=True) if keys.count(k) > 1})
        if shared:
            raise ValidationError(obj, "affiliates", "a key of its own for each", shared)
        at = self._clock.now()
        trigger = TriggerBallot(
            trigger_id,
            organisation_id,
            title.strip(),
            profile,
            tuple(names),
            actor,
            format_instant(at),
            tuple(keys),
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
                    Change("affiliates", None, dict(zip(names, keys, strict=True))),
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
            if uow.triggers.bodies(trigger_id) is not None:
                raise ElectionStateError(
                    f"trigger ballot {trigger_id!r}: the list of bodies is fixed and signed; "
                    "no body can be added"
                )
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

    def draft_bodies(
        self, principal: Principal, trigger_id: str, officer: str, officer_key: Point
    ) -> BodiesList:
        """The list of bodies for the officer to sign: every branch with its election's Setup
        hash (its key ceremony must have run), every affiliate with its key, fixed now."""
        authorise(principal, "trigger.draft_bodies")
        at = self._clock.now()
        with self._uow() as uow:
            trigger = _require(uow, trigger_id)
            if uow.triggers.bodies(trigger_id) is not None:
                raise ConflictError(f"trigger ballot {trigger_id!r}: the list of bodies is fixed")
            branches = self._listed_branches(uow, trigger_id, at)
        if "" in trigger.affiliate_keys:
            raise ElectionStateError(
                f"trigger ballot {trigger_id!r}: made without the affiliates' keys; define it "
                "again with each affiliate's card (`clearcount affiliate init`)"
            )
        return BodiesList(
            trigger.trigger_id,
            trigger.title,
            trigger.organisation_id,
            trigger.profile,
            officer,
            officer_key,
            branches,
            tuple(
                ListedAffiliate(name, codec.point(key, f"affiliate {name!r}: key"))
                for name, key in zip(trigger.affiliates, trigger.affiliate_keys, strict=True)
            ),
            format_instant(at),
        )

    def _listed_branches(
        self, uow: TriggerUnitOfWork, trigger_id: str, at: datetime
    ) -> tuple[ListedBranch, ...]:
        listed = []
        branches = uow.triggers.branches(trigger_id)
        if not branches:
            raise ElectionStateError(
                f"trigger ballot {trigger_id!r}: no branches; add each branch's election first"
            )
        for b in branches:
            events = full_chain(uow, b.election_id)
            if not events or events[0].kind != "Setup":
                raise ElectionStateError(
                    f"branch {b.branch!r}: election {b.election_id!r} has no Setup yet; run "
                    "its key ceremony before fixing the list of bodies"
                )
            opens = require_election(uow, b.election_id).definition.opens
            if at >= opens:
                raise ElectionStateError(
                    f"branch {b.branch!r}: election {b.election_id!r} opened at "
                    f"{format_instant(opens)}; the list of bodies must be fixed before any "
                    "branch election opens"
                )
            listed.append(ListedBranch(b.branch, b.election_id, events[0].hash))
        return tuple(listed)

    def fix_bodies(self, principal: Principal, signed: BodiesList) -> TriggerBodiesEntry:
        """Store the officer's signed list (checked: signature, contents, before opening)."""
        authorise(principal, "trigger.fix_bodies")
        actor = principal.name
        where = f"trigger ballot {signed.trigger_id!r}"
        try:
            signed.verify()
        except ClearcountError as error:
            raise ValidationError(
                where, "bodies", "the officer's signed list", str(error)
            ) from None
        at = self._clock.now()
        with self._uow() as uow:
            trigger = _require(uow, signed.trigger_id)
            if uow.triggers.bodies(signed.trigger_id) is not None:
                raise ConflictError(f"{where}: the list of bodies is already fixed")
            _not_declared(uow, signed.trigger_id)
            branches = self._listed_branches(uow, signed.trigger_id, at)
            expected = (
                trigger.title,
                trigger.organisation_id,
                trigger.profile,
                branches,
                tuple(zip(trigger.affiliates, trigger.affiliate_keys, strict=True)),
            )
            given = (
                signed.title,
                signed.organisation,
                signed.profile,
                signed.branches,
                tuple((a.name, codec.hexify(a.key)) for a in signed.affiliates),
            )
            if given != expected:
                raise ValidationError(
                    where, "bodies", "the list as it stands (`draft_bodies`)", "a different list"
                )
            for b in signed.branches:
                officers = [
                    r.card.key
                    for r in uow.role_cards.list(b.election_id)
                    if r.card.role == "officer"
                ]
                if officers != [signed.officer_key]:
                    raise ValidationError(
                        where,
                        "bodies",
                        f"signed by the returning officer whose card election {b.election_id!r} "
                        "registered",
                        f"signed by {signed.officer}'s key, not that one",
                    )
            entry = TriggerBodiesEntry(
                signed.trigger_id,
                canonical_json(signed.to_json()).decode("utf-8"),
                signed.hash,
                actor,
                format_instant(at),
            )
            uow.triggers.fix_bodies(entry)
            append_events(
                uow,
                at=at,
                actor=actor,
                action="trigger.bodies_fixed",
                organisation_id=trigger.organisation_id,
                subject=f"trigger:{signed.trigger_id}",
                changes=[Change("bodies", None, signed.hash)],
                note=f"signed by {signed.officer}",
            )
            uow.commit()
        return entry

    def bodies(self, trigger_id: str) -> BodiesList:
        """The signed list of bodies (for each affiliate's officer to sign its vote under)."""
        with self._uow() as uow:
            _require(uow, trigger_id)
            return _fixed(uow, trigger_id)

    def record_affiliate_vote(
        self,
        principal: Principal,
        trigger_id: str,
        signed: AffiliateVoteAct,
        *,
        replace: bool = False,
    ) -> AffiliateVote:
        """Record the vote an affiliate's officer signed; a second one only with `replace`."""
        authorise(principal, "trigger.record_affiliate_vote")
        actor = principal.name
        affiliate = signed.affiliate
        where = f"trigger ballot {trigger_id!r}: affiliate {affiliate!r}"
        if signed.vote not in VOTES:
            raise ValidationError(where, "vote", "yes, no or abstain", signed.vote)
        at = self._clock.now()
        with self._uow() as uow:
            trigger = _require(uow, trigger_id)
            _not_declared(uow, trigger_id)
            bodies = _fixed(uow, trigger_id)
            listed = bodies.affiliate(affiliate)
            if listed is None:
                raise ValidationError(
                    f"trigger ballot {trigger_id!r}",
                    "affiliate",
                    f"one of its affiliates ({', '.join(trigger.affiliates) or 'none'})",
                    affiliate,
                )
            if (signed.trigger_id, signed.bodies) != (trigger_id, bodies.hash):
                raise ValidationError(
                    where,
                    "vote",
                    f"a vote signed for this trigger ballot under its list {bodies.hash[:16]}…",
                    f"one for {signed.trigger_id!r} under {signed.bodies[:16]}…",
                )
            try:
                signed.verify(listed.key)
            except ClearcountError as error:
                raise ValidationError(
                    where, "vote", "signed by the affiliate's key", str(error)
                ) from None
            previous = _current(uow.triggers.votes(trigger_id)).get(affiliate)
            if previous is not None and not replace:
                raise ConflictError(
                    f"{where}: a vote ({previous.vote}, given by {previous.officer}) was already "
                    f"recorded at {previous.recorded_at}; to change it, record again with replace"
                )
            if previous is None and replace:
                raise ConflictError(f"{where}: no vote recorded yet, so none to replace")
            entry = AffiliateVote(
                trigger_id,
                affiliate,
                signed.vote,
                signed.officer,
                actor,
                format_instant(at),
                replace,
                canonical_json(signed.to_json()).decode("utf-8"),
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
                        {"vote": signed.vote, "officer": signed.officer},
                    )
                ],
                note=f"signed by {signed.officer}, an officer of {affiliate}",
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
            bodies = _fixed(uow, trigger_id)
            votes = _current(uow.triggers.votes(trigger_id))
            missing = [a.name for a in bodies.affiliates if a.name not in votes]
            if missing:
                raise ElectionStateError(
                    f"trigger ballot {trigger_id!r}: every listed affiliate needs a signed vote "
                    f"or abstention; missing: {', '.join(missing)} (its officer signs one, "
                    "`abstain` if the affiliate did not meet)"
                )
            by_name = {e.name: e for e in entries}
            document = declaration_document(
                bodies=bodies,
                branches=[by_name[b.name] for b in bodies.branches],
                votes=[
                    AffiliateVoteAct.from_json(json.loads(votes[a.name].signed))
                    for a in bodies.affiliates
                ],
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
            bodies = uow.triggers.bodies(trigger_id)
        current = _current(history)
        votes = tuple(current[a] for a in trigger.affiliates if a in current)
        return TriggerStatus(trigger, tuple(states), votes, history, declaration, bodies)
