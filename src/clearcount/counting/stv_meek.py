"""Meek STV: the PR Foundation reference rule (counting.md §6), and Droop's guarded variant.

Hill, Wichmann & Woodall's Algorithm 123 as the PRF reference rule states it (text embedded in
Droop's ``rules/meek_prf.py``): keep factors, fixed-point arithmetic at `precision` places with
the rule's upward rounding, the quota recomputed at every iteration, iteration until the total
surplus is below omega or stops falling, then the defeat of the lowest hopeful candidate, where
anyone within the surplus of the lowest counts as tied with it. `guard > 0` switches to Droop's
parametric ``meek.py`` with guarded arithmetic (see `meek_distribution`), the rule behind Droop's
``meek-o9-guarded-p18-g9-d18`` reports; `defeat_batch="safe"` adds Droop's sure-loser batches.

Each iteration is not a stage: a stage is a round that ends with an election or a defeat, and its
notes give the number of iterations and the surplus. Value not held by a candidate is excess,
reported as `exhausted`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from clearcount.core.errors import ConfigError
from clearcount.counting import options as opts
from clearcount.counting import ties
from clearcount.counting.ballots import OVERVOTE, Contest, compress
from clearcount.counting.meek_distribution import (
    Arithmetic,
    Groups,
    Ranking,
    distribute,
    group_rankings,
    group_weights,
    regroup,
)
from clearcount.counting.numbers import decimal_text, from_units
from clearcount.counting.result import Result, Stage, TieBreak

__all__ = ["METHOD", "count"]

METHOD = "stv-meek"
_OPTIONS = ("omega", "precision", "guard", "defeat_batch", "seed")
_HOPEFUL, _ELECTED, _DEFEATED = "hopeful", "elected", "defeated"


@dataclass(frozen=True, slots=True)
class _Settings:
    arithmetic: Arithmetic
    omega: int
    """In units of the arithmetic."""
    defeat_batch: bool
    seed: str | None


def _settings(options: Mapping[str, object]) -> _Settings:
    opts.check_keys(METHOD, options, _OPTIONS)
    precision = opts.get_int(METHOD, options, "precision", 9, minimum=1)
    guard = opts.get_int(METHOD, options, "guard", 0, minimum=0)
    arithmetic = Arithmetic(precision, guard)
    omega = opts.get_fraction(METHOD, options, "omega", Fraction(1, 10**6))
    scaled = omega * arithmetic.one
    if omega <= 0 or scaled.denominator != 1:
        raise ConfigError(
            f"{METHOD}: option 'omega' must be positive and a whole number of "
            f"1e-{precision + guard} units, got {options.get('omega')!r}"
        )
    batch = opts.get_choice(METHOD, options, "defeat_batch", "none", ("none", "safe"))
    seed = opts.get_str(METHOD, options, "seed", None)
    return _Settings(arithmetic, scaled.numerator, batch == "safe", seed)


def _rankings(contest: Contest) -> tuple[list[tuple[Ranking, int]], int, int]:
    """Rankings without withdrawn candidates, repeats or empty ranks; valid and invalid weight.

    A rank holding an explicit overvote mark ends the ranking (the preference is uncertain). A
    ballot with no standing candidate is invalid, as Droop drops it from the ballot count.
    """
    withdrawn = contest.withdrawn
    merged: dict[Ranking, int] = {}
    invalid = 0
    for ballot in compress(contest.ballots):
        seen: set[int] = set()
        ranks: list[tuple[int, ...]] = []
        for rank in ballot.ranks:
            if OVERVOTE in rank:
                break
            kept = tuple(c for c in dict.fromkeys(rank) if c not in withdrawn and c not in seen)
            seen.update(kept)
            if kept:
                ranks.append(kept)
        if ranks:
            key = tuple(ranks)
            merged[key] = merged.get(key, 0) + ballot.weight
        else:
            invalid += ballot.weight
    valid = sum(merged.values())
    return list(merged.items()), valid, invalid


@dataclass(frozen=True, slots=True)
class _Outcome:
    """How one round's iteration ended (PRF B.2.e), with the votes of its last iteration."""

    reason: str
    votes: dict[int, int]
    surplus: int
    iterations: int
    candidates: list[int] = field(default_factory=list)
    """Those elected, or Droop's batch of sure losers."""


@dataclass(slots=True)
class _Count:
    """The mutable state of one count; `count` drives it round by round."""

    contest: Contest
    settings: _Settings
    rankings: list[tuple[Ranking, int]]
    valid: int
    status: dict[int, str]
    keep_factors: dict[int, int]
    stages: list[Stage] = field(default_factory=list)
    elected: list[int] = field(default_factory=list)
    tie_breaks: list[TieBreak] = field(default_factory=list)
    quota: int = 0
    seed: str | None = None
    grouped: Groups | None = None
    weights: list[tuple[Ranking, int]] = field(default_factory=list)
    changed: set[int] = field(default_factory=set)

    @property
    def arithmetic(self) -> Arithmetic:
        return self.settings.arithmetic

    def hopeful(self) -> list[int]:
        return [c for c, s in self.status.items() if s == _HOPEFUL]

    def seats_left(self) -> int:
        return self.contest.seats - len(self.elected)

    def groups(self) -> list[tuple[Ranking, int]]:
        """The ballots merged by reduced ranking, regrouped for candidates that left hopeful."""
        n = len(self.contest.candidates)
        active = [self.status.get(c) in (_HOPEFUL, _ELECTED) for c in range(n)]
        hopeful = [self.status.get(c) == _HOPEFUL for c in range(n)]
        if self.grouped is None:
            self.grouped = group_rankings(self.rankings, active, hopeful)
            self.weights = group_weights(self.grouped)
        elif self.changed:
            self.grouped = regroup(self.grouped, self.changed, active, hopeful)
            self.weights = group_weights(self.grouped)
        self.changed = set()
        return self.weights

    def set_status(self, candidate: int, status: str) -> None:
        self.status[candidate] = status
        self.changed.add(candidate)
        if status == _DEFEATED:
            self.keep_factors[candidate] = 0
        else:
            self.elected.append(candidate)

    def active_factors(self) -> dict[int, int]:
        return {c: kf for c, kf in self.keep_factors.items() if self.status[c] != _DEFEATED}

    def record(self, action: str, votes: Mapping[int, int], **kwargs: object) -> None:
        one = self.arithmetic.one
        names = self.contest.candidates
        tallies = {names[c]: Fraction(votes[c], one) for c in sorted(votes)}
        held = sum(votes.values())
        self.stages.append(
            Stage(
                number=len(self.stages) + 1,
                action=action,
                tallies=tallies,
                exhausted=Fraction(self.valid * one - held, one),
                quota=from_units(self.quota, self.arithmetic.precision + self.arithmetic.guard),
                **kwargs,  # type: ignore[arg-type]
            )
        )

    def iterate(self) -> _Outcome:
        """PRF B.2: iterate to an election, s < omega, a stable surplus (or a sure-loser batch)."""
        arithmetic, one = self.arithmetic, self.arithmetic.one
        groups = self.groups()
        last_surplus = self.valid * one
        iterations = 0
        while True:
            iterations += 1
            votes = distribute(groups, self.active_factors(), arithmetic)
            self.quota = arithmetic.quota(sum(votes.values()), self.contest.seats)
            winners = [c for c in self.hopeful() if self._has_quota(votes[c])]
            winners.sort(key=lambda c: (-votes[c], c))
            for c in winners:
                self.set_status(c, _ELECTED)
            surplus = sum(votes[c] - self.quota for c in self.status if self.status[c] == _ELECTED)
            if not arithmetic.guarded:
                surplus = max(surplus, 0)
            if winners:
                return _Outcome("elected", votes, surplus, iterations, winners)
            if self._below_omega(surplus):
                return _Outcome("omega", votes, surplus, iterations)
            if arithmetic.ge(surplus, last_surplus):
                return _Outcome("stable", votes, surplus, iterations)
            batch = self._sure_losers(votes, surplus) if self.settings.defeat_batch else []
            if batch:
                return _Outcome("batch", votes, surplus, iterations, batch)
            last_surplus = surplus
            for c in self.elected:
                self.keep_factors[c] = arithmetic.next_keep_factor(
                    self.keep_factors[c], self.quota, votes[c]
                )

    def _has_quota(self, vote: int) -> bool:
        """PRF B.2.c: v >= q; Droop's exact (guarded) mode elects only above the quota."""
        if self.arithmetic.guarded:
            return self.arithmetic.lt(self.quota, vote)
        return vote >= self.quota

    def _below_omega(self, surplus: int) -> bool:
        if self.arithmetic.guarded:
            return self.arithmetic.le(surplus, self.settings.omega)
        return surplus < self.settings.omega

    def _sure_losers(self, votes: Mapping[int, int], surplus: int) -> list[int]:
        """Droop's `defeat_batch=safe`: the most low candidates whose total plus the surplus
        stays below the next candidate, never splitting a group tied within the surplus."""
        arithmetic = self.arithmetic
        groups: list[list[int]] = []
        base = 0
        for c in sorted(self.hopeful(), key=lambda c: (votes[c], c)):
            if groups and arithmetic.ge(base + surplus, votes[c]):
                groups[-1].append(c)
            elif not groups and arithmetic.ge(surplus, votes[c]):
                groups.append([c])
            else:
                groups.append([c])
                base = votes[c]
        most = len(self.hopeful()) - self.seats_left()
        total, taken, cut = 0, 0, -1
        for g in range(len(groups) - 1):
            taken += len(groups[g])
            if taken > most:
                break
            total += sum(votes[c] for c in groups[g])
            if arithmetic.lt(total + surplus, votes[groups[g + 1][0]]):
                cut = g
        return sorted(c for group in groups[: cut + 1] for c in group)

    def lowest(self, votes: Mapping[int, int], surplus: int) -> int:
        """PRF B.3: the lowest hopeful; anyone within the surplus of it is tied (procedure T)."""
        hopeful = self.hopeful()
        low = min(votes[c] for c in hopeful)
        tied = [c for c in hopeful if self.arithmetic.ge(low + surplus, votes[c])]
        if len(tied) == 1:
            return tied[0]
        names = self.contest.candidates
        order = self.contest.tie_order
        stage = len(self.stages) + 1
        if order is not None and all(c in order for c in tied):
            chosen = min(tied, key=order.index)
            method, reason, seed = "tie order", "first of the tied in the [tie] order", None
        else:
            if self.seed is None:
                self.seed = self.settings.seed or ties.contest_seed(self.contest)
            seed = self.seed
            drawn = ties.draw_order([names[c] for c in tied], seed, stage, "defeat")
            chosen = names.index(drawn[0])
            method, reason = "seeded draw", "no predetermined tie order covers the tied"
        self.tie_breaks.append(
            TieBreak(
                stage=stage,
                purpose="defeat",
                tied=tuple(names[c] for c in tied),
                chosen=(names[chosen],),
                method=method,
                reason=f"{reason}; tied within the surplus of the lowest vote",
                seed=seed,
            )
        )
        return chosen


def count(contest: Contest, options: Mapping[str, object] | None = None) -> Result:
    """Count `contest` by Meek STV (PRF reference rule unless options choose Droop's variant)."""
    settings = _settings(options or {})
    rankings, valid, invalid = _rankings(contest)
    arithmetic = settings.arithmetic
    standing = list(contest.standing())
    state = _Count(
        contest=contest,
        settings=settings,
        rankings=rankings,
        valid=valid,
        status=dict.fromkeys(standing, _HOPEFUL) | dict.fromkeys(contest.undeclared, _DEFEATED),
        keep_factors=dict.fromkeys(standing, arithmetic.one) | dict.fromkeys(contest.undeclared, 0),
    )
    names = contest.candidates
    state.quota = arithmetic.quota(valid * arithmetic.one, contest.seats)
    first = distribute(state.groups(), state.active_factors(), arithmetic)
    state.record("first preferences", first)
    places = arithmetic.precision + arithmetic.guard
    while len(state.hopeful()) > state.seats_left() > 0:
        outcome = state.iterate()
        surplus_text = decimal_text(from_units(outcome.surplus, places), places)
        notes = (
            f"{outcome.iterations} iteration(s), ended by {outcome.reason}",
            f"surplus {surplus_text}",
        )
        if outcome.reason == "elected":
            winners = tuple(names[c] for c in outcome.candidates)
            state.record("election", outcome.votes, elected=winners, notes=notes)
            continue
        losers = outcome.candidates or [state.lowest(outcome.votes, outcome.surplus)]
        for c in losers:
            state.set_status(c, _DEFEATED)
        after = distribute(state.groups(), state.active_factors(), arithmetic)
        action = "defeat of sure losers" if outcome.candidates else "defeat of the lowest"
        state.record(action, after, excluded=tuple(names[c] for c in losers), notes=notes)
    remaining = state.hopeful()
    if remaining:
        votes = distribute(state.groups(), state.active_factors(), arithmetic)
        fill = remaining[: max(state.seats_left(), 0)]
        for c in remaining:
            state.set_status(c, _ELECTED if c in fill else _DEFEATED)
        state.record(
            "elect remaining" if fill else "defeat remaining",
            votes,
            elected=tuple(names[c] for c in fill),
            excluded=tuple(names[c] for c in remaining if c not in fill),
        )
    return Result(
        method=METHOD,
        seats=contest.seats,
        candidates=names,
        elected=tuple(names[c] for c in state.elected),
        stages=tuple(state.stages),
        valid_votes=Fraction(valid),
        quota=from_units(state.quota, places),
        tie_breaks=tuple(state.tie_breaks),
        invalid_ballots=invalid,
        decimals=arithmetic.precision,
        options={
            "omega": decimal_text(from_units(settings.omega, places)),
            "precision": arithmetic.precision,
            "guard": arithmetic.guard,
            "defeat_batch": "safe" if settings.defeat_batch else "none",
            **({"seed": state.seed} if state.seed else {}),
        },
    )
