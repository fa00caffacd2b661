"""Per-ballot eligibility rules and each member's decision, with its reasons.

A rule set (`EligibilityRules`) is a value, versioned per ballot and stored with who set it, when,
and its basis (an NEC resolution, a union rule, TULRCA s.227). `decide` is a pure function of a
member's facts and the rule set: it runs every check that the rule set asks for and records each
one as passed or failed with a sentence that gives the dates it compared ("joined 2021-06-01,
after the freeze date 2021-05-09"). A frozen roll stores each member's facts and decision, so any
decision can be recomputed from stored data and the rule set (`roll_snapshot.recheck`).

Checks, all measured at the rule set's `qualifying_date`:
  membership  still a member (`left` is None or after the qualifying date);
  freeze      joined on or before `freeze_date` (when set);
  continuous  joined at least `minimum_membership_months` before the qualifying date;
  standing    subscription paid up to a date that, plus `arrears_grace_months`, reaches it;
  suspension  no suspension in force that covers this ballot's kind and units;
  unit        a member of one of `units` (or of a unit beneath one);
  entitlement on the ballot's entitlement list (union ballots, TULRCA s.227).
Eligibility is monotone in the freeze date: a later freeze date never excludes anyone.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from clearcount.service.audit import Change, append_events, jsonable
from clearcount.service.authorisation import Principal, authorise
from clearcount.service.errors import NotFoundError, ValidationError
from clearcount.service.membership.members import (
    Member,
    MemberWork,
    Suspension,
    require_members,
)
from clearcount.service.membership.organisations import (
    Unit,
    check_id,
    require_organisation,
    require_units,
    upward_closure,
)
from clearcount.service.ports import Clock

__all__ = [
    "BallotRulesRepository",
    "Check",
    "EligibilityDecision",
    "EligibilityRules",
    "EligibilityService",
    "EntitlementList",
    "EntitlementOverride",
    "MemberFacts",
    "RulesWork",
    "StoredRules",
    "add_months",
    "decide",
    "no_such_ballot",
]


def add_months(day: date, months: int) -> date:
    """`day` moved by whole calendar months, clamped to the month's end (31 Aug - 6 -> 28 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def _d(value: object) -> date | None:
    return None if value is None else date.fromisoformat(str(value))


def _set(value: object) -> frozenset[str] | None:
    return None if value is None else frozenset(str(v) for v in value)  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class EntitlementOverride:
    member_id: str
    reason: str

    def __post_init__(self) -> None:
        if not self.reason.strip():
            raise ValidationError("entitlement override", "reason", "why", self.reason)


@dataclass(frozen=True, slots=True)
class EntitlementList:
    """Who a union ballot is for: those it reasonably believes will be induced (s.227).

    Members at one of `units` (workplaces or branches) and in one of `categories` are entitled,
    plus those `included`, less those `excluded` (e.g. leavers on the employer's list: BA v
    Unite 2009). Each override carries its reason; none may be both included and excluded.
    """

    basis: str
    units: frozenset[str] | None = None
    categories: frozenset[str] | None = None
    included: tuple[EntitlementOverride, ...] = ()
    excluded: tuple[EntitlementOverride, ...] = ()

    def __post_init__(self) -> None:
        if not self.basis.strip():
            raise ValidationError("entitlement list", "basis", "the belief it rests on", "")
        both = {o.member_id for o in self.included} & {o.member_id for o in self.excluded}
        if both:
            raise ValidationError(
                "entitlement list", "included", "no member also excluded", sorted(both)
            )

    def to_json(self) -> dict[str, object]:
        return {
            "basis": self.basis,
            "units": jsonable(self.units),
            "categories": jsonable(self.categories),
            "included": [[o.member_id, o.reason] for o in self.included],
            "excluded": [[o.member_id, o.reason] for o in self.excluded],
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> EntitlementList:
        return cls(
            basis=str(data["basis"]),
            units=_set(data["units"]),
            categories=_set(data["categories"]),
            included=tuple(EntitlementOverride(str(m), str(r)) for m, r in data["included"]),  # type: ignore[attr-defined]
            excluded=tuple(EntitlementOverride(str(m), str(r)) for m, r in data["excluded"]),  # type: ignore[attr-defined]
        )


@dataclass(frozen=True, slots=True)
class EligibilityRules:
    ballot_id: str
    organisation_id: str
    ballot_kind: str
    basis: str
    qualifying_date: date
    freeze_date: date | None = None
    minimum_membership_months: int = 0
    arrears_grace_months: int | None = None
    units: frozenset[str] | None = None
    entitlement: EntitlementList | None = None
    contest_by_unit: bool = False
    """Each of `units` is a contest of its own, voted in by that unit's members only (a trigger
    ballot's branches, spec §10.4.1): an eligible member's roll entry names the contest of the
    one unit of `units` they belong to, and the contest ids are the unit ids."""

    def __post_init__(self) -> None:
        check_id("rules", "ballot_id", self.ballot_id)
        if self.contest_by_unit and not self.units:
            raise ValidationError(
                "rules", "contest_by_unit", "units to scope the contests by (--unit)", None
            )
        check_id("rules", "ballot_kind", self.ballot_kind)
        if not self.basis.strip():
            raise ValidationError("rules", "basis", "the decision or rule it rests on", "")
        if self.minimum_membership_months < 0:
            raise ValidationError(
                "rules", "minimum_membership_months", ">= 0", self.minimum_membership_months
            )
        if self.arrears_grace_months is not None and self.arrears_grace_months < 0:
            raise ValidationError(
                "rules", "arrears_grace_months", ">= 0 or None", self.arrears_grace_months
            )
        if self.freeze_date is not None and self.freeze_date > self.qualifying_date:
            raise ValidationError(
                "rules",
                "freeze_date",
                f"on or before the qualifying date {self.qualifying_date}",
                self.freeze_date,
            )

    def to_json(self) -> dict[str, object]:
        return {
            "ballot_id": self.ballot_id,
            "organisation_id": self.organisation_id,
            "ballot_kind": self.ballot_kind,
            "basis": self.basis,
            "qualifying_date": self.qualifying_date.isoformat(),
            "freeze_date": jsonable(self.freeze_date),
            "minimum_membership_months": self.minimum_membership_months,
            "arrears_grace_months": self.arrears_grace_months,
            "units": jsonable(self.units),
            "entitlement": None if self.entitlement is None else self.entitlement.to_json(),
            **({"contest_by_unit": True} if self.contest_by_unit else {}),
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> EligibilityRules:
        ent = data["entitlement"]
        grace = data["arrears_grace_months"]
        return cls(
            ballot_id=str(data["ballot_id"]),
            organisation_id=str(data["organisation_id"]),
            ballot_kind=str(data["ballot_kind"]),
            basis=str(data["basis"]),
            qualifying_date=date.fromisoformat(str(data["qualifying_date"])),
            freeze_date=_d(data["freeze_date"]),
            minimum_membership_months=int(str(data["minimum_membership_months"])),
            arrears_grace_months=None if grace is None else int(str(grace)),
            units=_set(data["units"]),
            entitlement=None if ent is None else EntitlementList.from_json(ent),  # type: ignore[arg-type]
            contest_by_unit=bool(data.get("contest_by_unit", False)),
        )


@dataclass(frozen=True, slots=True)
class StoredRules:
    rules: EligibilityRules
    version: int
    set_by: str
    set_at: str


class BallotRulesRepository(Protocol):
    """Eligibility rule sets, versioned per ballot; a new version never replaces an old one."""

    def add(self, rules: EligibilityRules, version: int, set_by: str, set_at: datetime) -> None: ...
    def get(self, ballot_id: str, version: int | None = None) -> StoredRules | None: ...
    def for_organisation(self, organisation_id: str) -> Sequence[StoredRules]:
        """The latest version of each ballot's rules."""
        ...


class RulesWork(MemberWork, Protocol):
    """What setting eligibility rules needs of a unit of work."""

    rules: BallotRulesRepository


@dataclass(frozen=True, slots=True)
class MemberFacts:
    """What a decision reads of a member; `units` includes every unit above the member's own."""

    member_id: str
    joined: date
    left: date | None
    paid_up_to: date | None
    units: frozenset[str]
    categories: frozenset[str]
    suspensions: tuple[Suspension, ...]

    @classmethod
    def of(cls, member: Member, units: Iterable[Unit]) -> MemberFacts:
        return cls(
            member.member_id,
            member.joined,
            member.left,
            member.paid_up_to,
            upward_closure(units, member.units),
            member.categories,
            member.suspensions,
        )

    def to_json(self) -> dict[str, object]:
        return {
            "member_id": self.member_id,
            "joined": self.joined.isoformat(),
            "left": jsonable(self.left),
            "paid_up_to": jsonable(self.paid_up_to),
            "units": jsonable(self.units),
            "categories": jsonable(self.categories),
            "suspensions": [s.to_json() for s in self.suspensions],
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> MemberFacts:
        return cls(
            member_id=str(data["member_id"]),
            joined=date.fromisoformat(str(data["joined"])),
            left=_d(data["left"]),
            paid_up_to=_d(data["paid_up_to"]),
            units=_set(data["units"]) or frozenset(),
            categories=_set(data["categories"]) or frozenset(),
            suspensions=tuple(Suspension.from_json(s) for s in data["suspensions"]),  # type: ignore[attr-defined]
        )


@dataclass(frozen=True, slots=True)
class Check:
    rule: str
    passed: bool
    reason: str


@dataclass(frozen=True, slots=True)
class EligibilityDecision:
    member_id: str
    eligible: bool
    checks: tuple[Check, ...]
    contests: tuple[str, ...] | None = None
    """The contests an eligible member may vote in when the rules scope contests by unit
    (`EligibilityRules.contest_by_unit`); None otherwise."""

    @property
    def reason(self) -> str:
        """The failed checks' reasons, or all the passed ones for an eligible member."""
        failed = [c.reason for c in self.checks if not c.passed]
        return "; ".join(failed) if failed else "; ".join(c.reason for c in self.checks)

    def to_json(self) -> dict[str, object]:
        return {
            "member_id": self.member_id,
            "eligible": self.eligible,
            "checks": [[c.rule, c.passed, c.reason] for c in self.checks],
            **({} if self.contests is None else {"contests": list(self.contests)}),
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> EligibilityDecision:
        checks = tuple(Check(str(r), bool(p), str(t)) for r, p, t in data["checks"])  # type: ignore[attr-defined]
        raw = data.get("contests")
        contests = None if raw is None else tuple(str(c) for c in raw)  # type: ignore[attr-defined]
        return cls(str(data["member_id"]), bool(data["eligible"]), checks, contests)


def no_such_ballot(ballot_id: str) -> str:
    """A ballot (election) id with no eligibility rules: mistyped, or its rules not yet set."""
    return (
        f"no such ballot {ballot_id!r}: no eligibility rules are set for it (mistyped? else "
        f"set them first: `clearcount roll rules {ballot_id} ...`)"
    )


def decide(facts: MemberFacts, rules: EligibilityRules) -> EligibilityDecision:
    """Every check the rule set asks for, in the module docstring's order, with its reason."""
    q = rules.qualifying_date
    checks: list[Check] = []
    if facts.left is not None and facts.left <= q:
        checks.append(
            Check("membership", False, f"left {facts.left}, on or before the qualifying date {q}")
        )
    else:
        checks.append(Check("membership", True, f"a member on the qualifying date {q}"))
    if rules.freeze_date is not None:
        f = rules.freeze_date
        if facts.joined > f:
            checks.append(
                Check("freeze", False, f"joined {facts.joined}, after the freeze date {f}")
            )
        else:
            checks.append(
                Check("freeze", True, f"joined {facts.joined}, on or before the freeze date {f}")
            )
    months = rules.minimum_membership_months
    if months:
        cutoff = add_months(q, -months)
        ok = facts.joined <= cutoff
        checks.append(
            Check(
                "continuous",
                ok,
                f"joined {facts.joined}, {'on or before' if ok else 'after'} {cutoff}: "
                f"{'at least' if ok else 'less than'} {months} months' continuous membership "
                f"at {q}",
            )
        )
    if rules.arrears_grace_months is not None:
        checks.append(_standing(facts, rules.arrears_grace_months, q))
    checks.append(_suspension(facts, rules))
    if rules.units is not None:
        common = sorted(facts.units & rules.units)
        checks.append(
            Check("unit", True, f"a member of {', '.join(common)}")
            if common
            else Check("unit", False, f"not a member of any of {', '.join(sorted(rules.units))}")
        )
    if rules.entitlement is not None:
        checks.append(_entitlement(facts, rules.entitlement))
    contests = None
    if rules.contest_by_unit and rules.units:
        own = tuple(sorted(facts.units & rules.units))
        if len(own) > 1:
            checks.append(
                Check(
                    "contest",
                    False,
                    f"a member of {', '.join(own)}: each contest is one unit's members' own, "
                    "so a member must belong to exactly one of them",
                )
            )
        elif own:
            checks.append(Check("contest", True, f"votes in {own[0]}'s contest only"))
    eligible = all(c.passed for c in checks)
    if eligible and rules.contest_by_unit and rules.units:
        contests = tuple(sorted(facts.units & rules.units))
    return EligibilityDecision(facts.member_id, eligible, tuple(checks), contests)


def _standing(facts: MemberFacts, grace: int, q: date) -> Check:
    if facts.paid_up_to is None:
        return Check("standing", False, "in arrears: no subscription record")
    until = add_months(facts.paid_up_to, grace)
    if until >= q:
        return Check(
            "standing",
            True,
            f"paid up to {facts.paid_up_to}; with {grace} months' "
            f"grace in good standing until {until}, on or after {q}",
        )
    return Check(
        "standing",
        False,
        f"in arrears: paid up to {facts.paid_up_to}; with {grace} "
        f"months' grace good standing ended {until}, before {q}",
    )


def _suspension(facts: MemberFacts, rules: EligibilityRules) -> Check:
    q = rules.qualifying_date
    ballot_units = (rules.units or frozenset()) | (
        (rules.entitlement.units or frozenset()) if rules.entitlement else frozenset()
    )
    barring = [
        s
        for s in facts.suspensions
        if s.in_force_on(q)
        and (s.ballot_kinds is None or rules.ballot_kind in s.ballot_kinds)
        and (s.unit_id is None or s.unit_id in ballot_units)
    ]
    if barring:
        return Check(
            "suspension",
            False,
            "; ".join(
                f"suspended from {s.scope_text()} from {s.start}"
                f"{'' if s.end is None else f' until {s.end}'} ({s.reference})"
                for s in barring
            ),
        )
    others = len(facts.suspensions)
    tail = f" ({others} recorded suspension(s) do not cover it)" if others else ""
    return Check(
        "suspension",
        True,
        f"no suspension in force on {q} covers a {rules.ballot_kind} ballot{tail}",
    )


def _entitlement(facts: MemberFacts, ent: EntitlementList) -> Check:
    for o in ent.excluded:
        if o.member_id == facts.member_id:
            return Check("entitlement", False, f"excluded from the entitlement list: {o.reason}")
    for o in ent.included:
        if o.member_id == facts.member_id:
            return Check("entitlement", True, f"included in the entitlement list: {o.reason}")
    misses: list[str] = []
    if ent.units is not None and not facts.units & ent.units:
        misses.append(f"not at any of {', '.join(sorted(ent.units))}")
    if ent.categories is not None and not facts.categories & ent.categories:
        misses.append(f"not in any of the categories {', '.join(sorted(ent.categories))}")
    if misses:
        return Check("entitlement", False, "not entitled: " + " and ".join(misses))
    where = sorted(facts.units & ent.units) if ent.units is not None else []
    what = sorted(facts.categories & ent.categories) if ent.categories is not None else []
    detail = ", ".join([*where, *what]) or "every member"
    return Check("entitlement", True, f"entitled ({detail}): {ent.basis}")


class EligibilityService:
    """Setting a ballot's rules (a new version each time, audited) and previewing decisions."""

    def __init__(self, uow: Callable[[], RulesWork], clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def set_rules(self, principal: Principal, rules: EligibilityRules) -> int:
        """Store `rules` as the ballot's next version; returns the version number."""
        authorise(principal, "eligibility.set_rules")
        actor = principal.name
        with self._uow() as uow:
            require_organisation(uow, rules.organisation_id)
            require_units(uow, rules.organisation_id, rules.units or (), "--unit")
            if rules.entitlement is not None:
                entitled = rules.entitlement.units or ()
                require_units(uow, rules.organisation_id, entitled, "--entitled-unit")
                for option, overrides in (("--include", rules.entitlement.included),
                                          ("--exclude", rules.entitlement.excluded)):  # fmt: skip
                    ids = [o.member_id for o in overrides]
                    require_members(uow, rules.organisation_id, ids, option)
            previous = uow.rules.get(rules.ballot_id)
            if previous is not None and previous.rules.organisation_id != rules.organisation_id:
                raise ValidationError(
                    "rules",
                    "organisation_id",
                    previous.rules.organisation_id,
                    rules.organisation_id,
                )
            version = 1 if previous is None else previous.version + 1
            at = self._clock.now()
            uow.rules.add(rules, version, actor, at)
            before = None if previous is None else previous.rules.to_json()
            after = rules.to_json()
            append_events(
                uow,
                at=at,
                actor=actor,
                action="eligibility.rules_set",
                organisation_id=rules.organisation_id,
                subject=f"ballot:{rules.ballot_id}",
                changes=[
                    Change(k, None if before is None else before[k], v)
                    for k, v in after.items()
                    if (before is None and v is not None) or (before is not None and before[k] != v)
                ],
                note=f"rules version {version}; basis: {rules.basis}",
            )
            uow.commit()
            return version

    def rules(self, ballot_id: str, version: int | None = None) -> StoredRules:
        with self._uow() as uow:
            stored = uow.rules.get(ballot_id, version)
        if stored is None:
            if version is None:
                raise NotFoundError(no_such_ballot(ballot_id))
            raise NotFoundError(f"ballot {ballot_id!r}: no rules version {version}")
        return stored

    def preview(self, principal: Principal, ballot_id: str) -> Sequence[EligibilityDecision]:
        """Each member's decision under the latest rules, without freezing anything."""
        authorise(principal, "eligibility.preview")
        with self._uow() as uow:
            stored = uow.rules.get(ballot_id)
            if stored is None:
                raise NotFoundError(no_such_ballot(ballot_id))
            org = stored.rules.organisation_id
            units = list(uow.organisations.units(org))
            return [decide(MemberFacts.of(m, units), stored.rules) for m in uow.members.list(org)]
