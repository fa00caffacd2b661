"""Labour trigger ballots: branches' members vote, affiliates' officers record (issues 5, 8, 11).

A trigger ballot (Labour Rule Book Ch.5 Cl.IV.5; docs/counting/trigger-ballot.md) is ONE
election (one Setup, one key ceremony, one key file per trustee, one tally) with a yes/no
contest per party branch: its rules scope the contests by unit (`EligibilityRules.units` and
`contest_by_unit`, the contest ids being the branches' unit ids), so each branch's members
get a credential for their own branch's contest only, and the verifier rejects any other
ballot (spec §10.4.1). `add_branch` names each branch and its contest in that election. The
affiliates are given at `create`, each with the public key its officer made on the officer's
own machine (`clearcount affiliate init`; the card's proof of possession is checked by the CLI).

Once the election's key ceremony has run and before it opens, the returning officer fixes the
**list of bodies** (`draft_bodies`, signed on the officer's machine with its key file, then
`fix_bodies`): the election with its Setup hash, each branch with its contest, the affiliates
with their keys and the profile's rule for a tied branch (record.trigger_signed.BodiesList).
No body can be added after. Each affiliate's officer then signs the affiliate's vote or
abstention under that list (`record.trigger_signed.sign_affiliate_vote`) and hands it to the
secretary, who records it (`record_affiliate_vote`: signature and binding checked; a second
vote only with `replace=True`, both kept and audited). The returning officer signs an
abstention for each body that did not vote (`record_abstention`) and, under a profile whose
tied branch is decided by the chair's casting vote, enters that casting vote
(`record_casting_vote`).

`declare(actor, trigger_id)` needs the election's result declared and its record published as
it stands (the declaration cites the record's final event hash), a signed vote or abstention
for every listed affiliate, an abstention for every branch none of whose members voted, and a
casting vote for every tied branch; it counts with `counting.trigger_ballot.count_bodies`
under the list's profile and stores the public declaration (canonical JSON; layout:
`verifier.trigger_document`, which the verifier recomputes with the same functions).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from clearcount.core.canonical import canonical_json
from clearcount.core.errors import ClearcountError
from clearcount.counting.trigger_ballot import PROFILES
from clearcount.crypto.group import Point
from clearcount.record import codec
from clearcount.record.trigger_signed import (
    VOTES,
    AbstentionAct,
    AffiliateVoteAct,
    BodiesList,
    CastingVoteAct,
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
    declaration_document,
    document_hash,
    election_tallies,
)

__all__ = ["ABSENT", "BODY_TIE", "CASTING", "BranchState", "TriggerService", "TriggerStatus"]

BODY_TIE = {
    "labour-pre-2018": "casting-vote",
    "labour-2018": "casting-vote",
    "labour-2021": "casting-vote",
}
"""How each profile decides a branch whose members tied: the chair's casting vote (a
meeting's chair has one under the model standing orders [verify against the Rule Book's
Chapter 15 standing orders]); recorded in the list's `options.body_tie`."""
ABSENT = "absent"
"""`AffiliateVote.vote` of a row holding the returning officer's signed abstention."""
CASTING = "casting"
"""`AffiliateVote.vote` of a row holding the returning officer's signed casting vote."""


@dataclass(frozen=True, slots=True)
class BranchState:
    """A branch, its contest in the election, and whether the election's result is declared."""

    branch: TriggerBranch
    declared: bool
    contest: str = ""


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
    """The latest affiliate vote per affiliate (the officer's entries are not votes)."""
    latest: dict[str, AffiliateVote] = {}
    for vote in votes:
        if vote.vote in VOTES:
            latest[vote.affiliate] = vote
    return latest


def _entries(votes: Sequence[AffiliateVote], kind: str) -> dict[str, AffiliateVote]:
    """The returning officer's entries of `kind` (ABSENT, CASTING), by body."""
    return {v.affiliate: v for v in votes if v.vote == kind}


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
        self,
        principal: Principal,
        trigger_id: str,
        branch: str,
        election_id: str,
        contest: str,
    ) -> TriggerBranch:
        """Add a party branch and its yes/no contest in the trigger ballot's one election
        (every branch in the same election; its members vote in that contest only)."""
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
            where = f"trigger ballot {trigger_id!r}: branch {branch!r}"
            existing = uow.triggers.branches(trigger_id)
            if existing and existing[0].election_id != election_id:
                raise ValidationError(
                    where,
                    "election",
                    f"the trigger ballot's one election {existing[0].election_id!r} (a contest "
                    "per branch in one election, one key ceremony)",
                    election_id,
                )
            d = require_election(uow, election_id).definition
            if d.organisation_id != trigger.organisation_id:
                raise ValidationError(
                    where, "election", f"an election of {trigger.organisation_id!r}", election_id
                )
            ids = [c.id for c in d.contests]
            if contest not in ids:
                raise ValidationError(
                    where, "contest", f"a contest of election {election_id!r} ({ids})", contest
                )
            spec = d.contests[ids.index(contest)]
            labels = sorted(c.strip().lower() for c in spec.candidates)
            if spec.method != "yes-no" or labels != ["no", "yes"]:
                raise ValidationError(
                    where,
                    "contest",
                    "a yes-no contest with candidates Yes and No",
                    f"{contest} ({spec.method}: {', '.join(spec.candidates)})",
                )
            rules = uow.rules.get(election_id)
            units = rules.rules.units if rules is not None else None
            if (
                rules is None
                or not rules.rules.contest_by_unit
                or not units
                or contest not in units
            ):
                raise ValidationError(
                    where,
                    "contest",
                    "a contest voted in by the branch's own members only: the election's roll "
                    "rules name the branch's unit and scope contests by unit (`clearcount roll "
                    "rules ... --unit BRANCH --contest-by-unit`, the contest id the unit id)",
                    contest,
                )
            if any(b.branch == branch for b in existing) or branch in trigger.affiliates:
                raise ConflictError(f"{where}: a body of that name is already in the ballot")
            used = [b.branch for b in existing if b.ordinal == ids.index(contest)]
            if used:
                raise ConflictError(f"{where}: contest {contest!r} is already branch {used[0]!r}'s")
            entry = TriggerBranch(
                trigger_id, branch, election_id, actor, format_instant(at), ids.index(contest)
            )
            uow.triggers.add_branch(entry)
            append_events(
                uow,
                at=at,
                actor=actor,
                action="trigger.branch_added",
                organisation_id=trigger.organisation_id,
                subject=f"trigger:{trigger_id}",
                changes=[Change(f"branch:{branch}", None, f"{election_id}/{contest}")],
            )
            uow.commit()
        return entry

    def draft_bodies(
        self, principal: Principal, trigger_id: str, officer: str, officer_key: Point
    ) -> BodiesList:
        """The list of bodies for the officer to sign: the election with its Setup hash (its
        key ceremony must have run), every branch with its contest, every affiliate with its
        key, the profile's rule for a tied branch, fixed now."""
        authorise(principal, "trigger.draft_bodies")
        at = self._clock.now()
        with self._uow() as uow:
            trigger = _require(uow, trigger_id)
            if uow.triggers.bodies(trigger_id) is not None:
                raise ConflictError(f"trigger ballot {trigger_id!r}: the list of bodies is fixed")
            election_id, setup_hash, branches = self._listed_branches(uow, trigger_id, at)
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
            election_id,
            setup_hash,
            branches,
            tuple(
                ListedAffiliate(name, codec.point(key, f"affiliate {name!r}: key"))
                for name, key in zip(trigger.affiliates, trigger.affiliate_keys, strict=True)
            ),
            format_instant(at),
            {"body_tie": BODY_TIE[trigger.profile]},
        )

    def _listed_branches(
        self, uow: TriggerUnitOfWork, trigger_id: str, at: datetime
    ) -> tuple[str, str, tuple[ListedBranch, ...]]:
        """The election, its Setup hash and each branch with its contest, checked: Setup on
        the record, not yet open, every contest a branch's."""
        branches = uow.triggers.branches(trigger_id)
        if not branches:
            raise ElectionStateError(
                f"trigger ballot {trigger_id!r}: no branches; add each branch's contest first"
            )
        election_id = branches[0].election_id
        events = full_chain(uow, election_id)
        if not events or events[0].kind != "Setup":
            raise ElectionStateError(
                f"trigger ballot {trigger_id!r}: election {election_id!r} has no Setup yet; "
                "run its key ceremony before fixing the list of bodies"
            )
        definition = require_election(uow, election_id).definition
        if at >= definition.opens:
            raise ElectionStateError(
                f"trigger ballot {trigger_id!r}: election {election_id!r} opened at "
                f"{format_instant(definition.opens)}; the list of bodies must be fixed before "
                "it opens"
            )
        contests = [c.id for c in definition.contests]
        orphans = sorted(set(range(len(contests))) - {b.ordinal for b in branches})
        if orphans:
            raise ElectionStateError(
                f"trigger ballot {trigger_id!r}: contest(s) {[contests[i] for i in orphans]} of "
                f"election {election_id!r} are no branch's; add each branch (`clearcount trigger "
                "add-branch`)"
            )
        listed = tuple(ListedBranch(b.branch, contests[b.ordinal]) for b in branches)
        return election_id, events[0].hash, listed

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
            election_id, setup_hash, branches = self._listed_branches(uow, signed.trigger_id, at)
            expected = (
                trigger.title,
                trigger.organisation_id,
                trigger.profile,
                election_id,
                setup_hash,
                branches,
                tuple(zip(trigger.affiliates, trigger.affiliate_keys, strict=True)),
                {"body_tie": BODY_TIE[trigger.profile]},
            )
            given = (
                signed.title,
                signed.organisation,
                signed.profile,
                signed.election_id,
                signed.setup_hash,
                signed.branches,
                tuple((a.name, codec.hexify(a.key)) for a in signed.affiliates),
                dict(signed.options),
            )
            if given != expected:
                raise ValidationError(
                    where, "bodies", "the list as it stands (`draft_bodies`)", "a different list"
                )
            officers = [
                r.card.key for r in uow.role_cards.list(election_id) if r.card.role == "officer"
            ]
            if officers != [signed.officer_key]:
                raise ValidationError(
                    where,
                    "bodies",
                    f"signed by the returning officer whose card election {election_id!r} "
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
            history = uow.triggers.votes(trigger_id)
            if affiliate in _entries(history, ABSENT):
                raise ConflictError(
                    f"{where}: the returning officer has recorded it as abstaining; its vote "
                    "can no longer be taken"
                )
            previous = _current(history).get(affiliate)
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

    def _officer_entry(
        self,
        operation: str,
        principal: Principal,
        trigger_id: str,
        act: AbstentionAct | CastingVoteAct,
        body: str,
        kind: str,
        officer: str,
    ) -> AffiliateVote:
        """Check and store one of the returning officer's signed entries (append-only); the
        caller has authorised `operation`."""
        where = f"trigger ballot {trigger_id!r}: {body!r}"
        at = self._clock.now()
        with self._uow() as uow:
            trigger = _require(uow, trigger_id)
            _not_declared(uow, trigger_id)
            bodies = _fixed(uow, trigger_id)
            if (act.trigger_id, act.bodies) != (trigger_id, bodies.hash):
                raise ValidationError(
                    where,
                    "entry",
                    f"one signed for this trigger ballot under its list {bodies.hash[:16]}…",
                    f"one for {act.trigger_id!r} under {act.bodies[:16]}…",
                )
            try:
                act.verify(bodies.officer_key)
            except ClearcountError as error:
                raise ValidationError(
                    where, "entry", f"signed by returning officer {bodies.officer}", str(error)
                ) from None
            history = uow.triggers.votes(trigger_id)
            if body in _entries(history, kind):
                raise ConflictError(f"{where}: already recorded ({kind}); entries are final")
            if bodies.branch(body) is None and bodies.affiliate(body) is None:
                raise ValidationError(where, "body", "a body in the signed list", body)
            if kind == ABSENT and body in _current(history):
                raise ConflictError(
                    f"{where}: its officer's signed vote is recorded; it did not abstain"
                )
            if kind == CASTING and bodies.branch(body) is None:
                raise ValidationError(where, "branch", "a branch in the signed list", body)
            entry = AffiliateVote(
                trigger_id,
                body,
                kind,
                officer,
                principal.name,
                format_instant(at),
                False,
                canonical_json(act.to_json()).decode("utf-8"),
            )
            uow.triggers.add_vote(entry)
            append_events(
                uow,
                at=at,
                actor=principal.name,
                action=f"trigger.{'abstention' if kind == ABSENT else 'casting_vote'}",
                organisation_id=trigger.organisation_id,
                subject=f"trigger:{trigger_id}",
                changes=[Change(f"body:{body}", None, act.to_json())],
                note=f"signed by returning officer {bodies.officer}",
            )
            uow.commit()
        return entry

    def record_abstention(
        self, principal: Principal, trigger_id: str, signed: AbstentionAct
    ) -> AffiliateVote:
        """Record a body that did not vote, as the returning officer signed it."""
        authorise(principal, "trigger.record_abstention")
        return self._officer_entry(
            "trigger.record_abstention", principal, trigger_id, signed, signed.body, ABSENT, ""
        )

    def record_casting_vote(
        self, principal: Principal, trigger_id: str, signed: CastingVoteAct
    ) -> AffiliateVote:
        """Record the chair's casting vote for a tied branch, as the returning officer signed
        it (the profile's rule for a tied branch must be the casting vote)."""
        authorise(principal, "trigger.record_casting_vote")
        with self._uow() as uow:
            _require(uow, trigger_id)
            rule = _fixed(uow, trigger_id).body_tie
        if rule != "casting-vote":
            raise ValidationError(
                f"trigger ballot {trigger_id!r}: branch {signed.branch!r}",
                "casting vote",
                "a profile whose tied branch is decided by the chair's casting vote",
                f"body_tie {rule!r}",
            )
        return self._officer_entry(
            "trigger.record_casting_vote",
            principal,
            trigger_id,
            signed,
            signed.branch,
            CASTING,
            signed.chair,
        )

    def tallies(self, trigger_id: str) -> tuple[str, tuple[BranchEntry, ...]]:
        """The election record's final hash and each branch's Yes/No, once declared and
        published (what the returning officer reads to see which branches tied or were silent)."""
        with self._uow() as uow:
            _require(uow, trigger_id)
            return self._tallies(uow, trigger_id, _fixed(uow, trigger_id))

    def _tallies(
        self, uow: TriggerUnitOfWork, trigger_id: str, bodies: BodiesList
    ) -> tuple[str, tuple[BranchEntry, ...]]:
        election_id = bodies.election_id
        events = full_chain(uow, election_id)
        if not events or events[-1].kind != "Result":
            raise ElectionStateError(
                f"trigger ballot {trigger_id!r}: election {election_id!r} has no declared "
                "result yet; count and declare it first"
            )
        heads = {p.head for p in uow.publications.list(election_id)}
        if events[-1].hash not in heads:
            raise ElectionStateError(
                f"trigger ballot {trigger_id!r}: election {election_id!r}'s record is not "
                "published since its result; publish it first"
            )
        try:
            return election_tallies(events, bodies.branches, f"election {election_id}")
        except ClearcountError as error:
            raise ElectionStateError(f"trigger ballot {trigger_id!r}: {error}") from None

    def declare(self, principal: Principal, trigger_id: str) -> TriggerDeclarationEntry:
        """Count the bodies' votes under the profile and store the declaration document.

        Refused while any body is unaccounted for: an affiliate with neither a signed vote
        nor an abstention, a branch none of whose members voted without an abstention, a tied
        branch without its casting vote (under a casting-vote profile)."""
        authorise(principal, "trigger.declare")
        actor = principal.name
        at = self._clock.now()
        with self._uow() as uow:
            trigger = _require(uow, trigger_id)
            if uow.triggers.declaration(trigger_id) is not None:
                raise ConflictError(f"trigger ballot {trigger_id!r}: already declared")
            bodies = _fixed(uow, trigger_id)
            head, branches = self._tallies(uow, trigger_id, bodies)
            history = uow.triggers.votes(trigger_id)
            votes, absent = _current(history), _entries(history, ABSENT)
            casting = _entries(history, CASTING)
            missing = _unaccounted(bodies, branches, votes, absent, casting)
            if missing:
                raise ElectionStateError(
                    f"trigger ballot {trigger_id!r}: every body must have voted or be recorded "
                    f"as abstaining, and every tie decided; waiting for: {'; '.join(missing)}"
                )
            document = declaration_document(
                bodies=bodies,
                record_head=head,
                branches=branches,
                votes=[
                    AffiliateVoteAct.from_json(json.loads(votes[a.name].signed))
                    for a in bodies.affiliates
                    if a.name in votes
                ],
                abstentions=[
                    AbstentionAct.from_json(json.loads(absent[name].signed))
                    for name in [b.name for b in bodies.branches]
                    + [a.name for a in bodies.affiliates]
                    if name in absent
                ],
                casting_votes=[
                    CastingVoteAct.from_json(json.loads(casting[b.name].signed))
                    for b in bodies.branches
                    if b.name in casting
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
                contests = require_election(uow, b.election_id).definition.contests
                contest = contests[b.ordinal].id if b.ordinal < len(contests) else "?"
                declared = last is not None and last.kind == "Result"
                states.append(BranchState(b, declared, contest))
            history = tuple(uow.triggers.votes(trigger_id))
            declaration = uow.triggers.declaration(trigger_id)
            bodies = uow.triggers.bodies(trigger_id)
        current = _current(history)
        votes = tuple(current[a] for a in trigger.affiliates if a in current)
        return TriggerStatus(trigger, tuple(states), votes, history, declaration, bodies)


def _unaccounted(
    bodies: BodiesList,
    branches: Sequence[BranchEntry],
    votes: Mapping[str, AffiliateVote],
    absent: Mapping[str, AffiliateVote],
    casting: Mapping[str, AffiliateVote],
) -> list[str]:
    """What the declaration still waits for, one line per body (empty: every body is
    accounted for and every tie decided)."""
    missing = []
    for b in branches:
        if b.yes + b.no == 0 and b.name not in absent:
            missing.append(
                f"branch {b.name} (none of its members voted): the returning officer records "
                "it as abstaining (`clearcount trigger abstain`)"
            )
        if b.yes + b.no and b.name in absent:
            missing.append(f"branch {b.name}: recorded as abstaining, but its members voted")
        tied = b.yes == b.no > 0
        if tied and bodies.body_tie == "casting-vote" and b.name not in casting:
            missing.append(
                f"branch {b.name} (members tied {b.yes} to {b.no}): the chair's casting vote, "
                "entered by the returning officer (`clearcount trigger casting-vote`)"
            )
        if b.name in casting:
            act = CastingVoteAct.from_json(json.loads(casting[b.name].signed))
            if not tied or (act.yes, act.no) != (b.yes, b.no):
                missing.append(
                    f"branch {b.name}: a casting vote for a tie of {act.yes} to {act.no}, but "
                    f"its members voted {b.yes} to {b.no}"
                )
    missing += [
        f"affiliate {a.name}: its officer's signed vote (`abstain` if it did not meet), or the "
        "returning officer's abstention (`clearcount trigger abstain`)"
        for a in bodies.affiliates
        if a.name not in votes and a.name not in absent
    ]
    return missing
