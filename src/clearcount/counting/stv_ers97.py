"""ERS97 STV: the Electoral Reform Society's manual count, 3rd ed. 1997, §§4-6 (counting.md §5).

A paper count in 2-dp units: quota 5.1.6 (recalculated by 5.4.8 while nobody is elected);
election by the quota or by the total active vote over (unfilled places + 1) (5.1.7, 5.3.13,
5.4.9); surpluses from the last batch received (5.3.1-5.3.2) at a truncated transfer value whose
neglected remainder is the non-transferable difference (5.3.7-5.3.9); surpluses deferred while
they cannot change the bottom of the poll (5.2.2); bulk exclusion (5.2.5) transferred batch by
batch, highest value first, electing after each sub-transfer (5.4); ties by the earliest point of
difference (5.2.3, 5.2.5, 5.6.2), then a seeded lot where the rules say lot.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal

from clearcount.counting import options as opts
from clearcount.counting import ties
from clearcount.counting.ballots import Contest
from clearcount.counting.ers97_papers import (
    UNIT,
    Batch,
    Bundle,
    initial_batches,
    quota,
    sort_papers,
    transfer_value,
)
from clearcount.counting.numbers import decimal_text
from clearcount.counting.result import Result, Stage, TieBreak

__all__ = ["METHOD", "count"]

METHOD = "stv-ers97"
_HISTORY = "history (earliest stage)"


def _text(units: int) -> str:
    return decimal_text(Fraction(units, UNIT), 2)


@dataclass(slots=True)
class _Count:
    """The state of one count; `count` drives it stage by stage."""

    contest: Contest
    seed_option: str | None
    valid: int
    """Total valid vote, in units."""
    votes: dict[int, int]
    batches: dict[int, list[Batch]]
    continuing: set[int]
    quota: int
    elected: list[int] = field(default_factory=list)
    awaiting: list[int] = field(default_factory=list)
    """Elected candidates whose surplus is not yet transferred, in order of election."""
    non_transferable: int = 0
    history: list[dict[str, Fraction]] = field(default_factory=list)
    stages: list[Stage] = field(default_factory=list)
    tie_breaks: list[TieBreak] = field(default_factory=list)
    seed: str | None = None
    notes: list[str] = field(default_factory=list)
    newly_elected: list[int] = field(default_factory=list)
    before: dict[int, int] = field(default_factory=dict)
    before_nt: int = 0

    # --- bookkeeping -------------------------------------------------------------------------

    @property
    def names(self) -> tuple[str, ...]:
        return self.contest.candidates

    @property
    def unfilled(self) -> int:
        return self.contest.seats - len(self.elected)

    @property
    def stage_number(self) -> int:
        return len(self.stages) + 1

    def tallies(self) -> dict[str, Fraction]:
        return {self.names[c]: Fraction(v, UNIT) for c, v in sorted(self.votes.items())}

    def snapshot(self) -> None:
        """The position after a batch of papers: what the forward tie search compares."""
        self.history.append(self.tallies())

    def begin_stage(self) -> None:
        self.notes, self.newly_elected = [], []
        self.before, self.before_nt = dict(self.votes), self.non_transferable

    def end_stage(self, action: str, excluded: Sequence[int] = ()) -> None:
        transfers = {
            self.names[c]: Fraction(self.votes.get(c, 0) - self.before.get(c, 0), UNIT)
            for c in sorted(set(self.votes) | set(self.before))
            if self.votes.get(c, 0) != self.before.get(c, 0)
        }
        if self.non_transferable != self.before_nt:
            transfers["non-transferable"] = Fraction(self.non_transferable - self.before_nt, UNIT)
        self.stages.append(
            Stage(
                number=self.stage_number,
                action=action,
                tallies=self.tallies(),
                non_transferable=Fraction(self.non_transferable, UNIT),
                transfers=transfers,
                elected=tuple(self.names[c] for c in self.newly_elected),
                excluded=tuple(self.names[c] for c in excluded),
                quota=Fraction(self.quota, UNIT),
                notes=tuple(self.notes),
            )
        )

    def choose(self, tied: Sequence[int], keep: Literal["lowest", "highest"], purpose: str) -> int:
        """One of `tied` by the forward search (5.2.3, 5.2.5), else by a seeded lot."""
        remaining, used = self.narrow(tied, keep)
        if len(remaining) == 1:
            return self.record_tie(tied, remaining[0], purpose, keep, used)
        if self.seed is None:
            self.seed = self.seed_option or ties.contest_seed(self.contest)
        names = [self.names[c] for c in remaining]
        drawn = ties.draw_order(names, self.seed, self.stage_number, purpose)[0]
        return self.record_tie(tied, self.names.index(drawn), purpose, keep, used, lot=True)

    def choose_for_election(self, tied: Sequence[int]) -> int | None:
        """5.6.2: the highest at the earliest point of difference; none if always equal."""
        remaining, used = self.narrow(tied, "highest")
        if len(remaining) == 1:
            return self.record_tie(tied, remaining[0], "election", "highest", used)
        self.tie_breaks.append(
            TieBreak(
                stage=self.stage_number,
                purpose="election",
                tied=tuple(self.names[c] for c in tied),
                chosen=(),
                method=_HISTORY,
                reason="equal at every earlier point: none of them elected at this stage (5.6.2)",
            )
        )
        return None

    def narrow(
        self, tied: Sequence[int], keep: Literal["lowest", "highest"]
    ) -> tuple[list[int], tuple[int, ...]]:
        names = [self.names[c] for c in tied]
        remaining, used = ties.narrow_by_history(names, self.history, search="earliest", keep=keep)
        return [self.names.index(name) for name in remaining], used

    def record_tie(
        self,
        tied: Sequence[int],
        chosen: int,
        purpose: str,
        keep: str,
        used: tuple[int, ...],
        *,
        lot: bool = False,
    ) -> int:
        if lot:
            method, reason = "seeded draw", "equal at every earlier point: decided by lot"
        else:
            point = used[-1] if used else 0
            method = _HISTORY
            reason = f"{keep} at the earliest point where they differed (position {point})"
        self.tie_breaks.append(
            TieBreak(
                stage=self.stage_number,
                purpose=purpose,
                tied=tuple(self.names[c] for c in tied),
                chosen=(self.names[chosen],),
                method=method,
                reason=reason,
                seed=self.seed if lot else None,
            )
        )
        return chosen

    # --- election (5.1.7, 5.3.13, 5.4.9, 5.6.2) ----------------------------------------------

    def total_active(self) -> int:
        """6.20: continuing candidates' votes plus the votes awaiting transfer."""
        waiting = sum(max(self.votes[c] - self.quota, 0) for c in self.awaiting)
        return sum(self.votes[c] for c in self.continuing) + waiting

    def meets(self, vote: int) -> bool:
        if vote >= self.quota:
            return True
        return vote > 0 and vote * (self.unfilled + 1) >= self.total_active()

    def elect(self, candidate: int) -> None:
        self.continuing.discard(candidate)
        self.elected.append(candidate)
        self.newly_elected.append(candidate)
        vote = _text(self.votes[candidate])
        self.notes.append(f"{self.names[candidate]} deemed elected with {vote}")
        if self.votes[candidate] > self.quota:
            self.awaiting.append(candidate)

    def elect_qualified(self) -> None:
        """Deem elected, highest first, everyone reaching the quota or the active-vote share."""
        while self.unfilled > 0 and self.continuing:
            top = max(self.votes[c] for c in self.continuing)
            if not self.meets(top):
                return
            tied = sorted(c for c in self.continuing if self.votes[c] == top)
            if len(tied) <= self.unfilled:
                for c in tied:
                    self.elect(c)
                continue
            chosen = self.choose_for_election(tied)
            if chosen is None:
                self.notes.append("tie for the last place(s) unresolved: none elected (5.6.2)")
                return
            self.elect(chosen)

    # --- surpluses (5.2.2, 5.2.3, 5.3) -------------------------------------------------------

    def surplus(self, candidate: int) -> int:
        return self.votes[candidate] - self.quota

    def deferred(self) -> bool:
        """5.2.2: defer while the surpluses cannot lift the lowest group above the next."""
        total = sum(self.surplus(c) for c in self.awaiting)
        return self.exclusion_size(total, at_least=1) > 0

    def exclusion_size(self, deferred: int, *, at_least: int) -> int:
        """5.2.5: the most lowest candidates whose votes plus `deferred` do not exceed the next
        candidate's, leaving enough to fill the places; 0 if none (from `at_least` up)."""
        ordered = sorted(self.votes[c] for c in self.continuing)
        best, running = 0, 0
        for k in range(1, len(ordered) - self.unfilled + 1):
            running += ordered[k - 1]
            if k >= at_least and running + deferred <= ordered[k]:
                best = k
        return best

    def transfer_surplus(self) -> None:
        top = max(self.surplus(c) for c in self.awaiting)
        tied = [c for c in self.awaiting if self.surplus(c) == top]
        candidate = tied[0] if len(tied) == 1 else self.choose(tied, "highest", "surplus")
        self.awaiting.remove(candidate)
        surplus = self.surplus(candidate)
        parcel = self.batches[candidate][-1]
        recipients, _ = sort_papers(parcel.bundles, self.continuing)
        movable = sum(b.count for bundles in recipients.values() for b in bundles)
        value = transfer_value(surplus, movable, parcel.value) if movable else 0
        self.credit(recipients, value)
        difference = surplus - value * movable
        self.non_transferable += difference
        self.votes[candidate] = self.quota
        self.notes.append(
            f"last batch: {parcel.papers} paper(s) at {_text(parcel.value)}; {movable} "
            f"transferable at {_text(value)}; non-transferable difference {_text(difference)}"
        )
        self.snapshot()
        self.elect_qualified()
        self.end_stage(f"surplus of {self.names[candidate]}")

    def credit(self, recipients: Mapping[int, list[Bundle]], value: int) -> None:
        for target, bundles in sorted(recipients.items()):
            batch = Batch(value, tuple(bundles))
            self.batches[target].append(batch)
            self.votes[target] += batch.total

    # --- exclusion (5.2.5, 5.4, 5.5.1) ---------------------------------------------------------

    def exclusion_group(self) -> list[int]:
        deferred = sum(self.surplus(c) for c in self.awaiting)
        size = max(self.exclusion_size(deferred, at_least=1), 1)
        ordered = sorted(self.continuing, key=lambda c: (self.votes[c], c))
        group = ordered[:size]
        boundary = self.votes[ordered[size - 1]]
        tied = [c for c in ordered if self.votes[c] == boundary]
        inside = [c for c in group if self.votes[c] == boundary]
        if len(tied) > len(inside):  # the group would split candidates with equal votes
            group = [c for c in group if self.votes[c] != boundary]
            pool = list(tied)
            while len(group) < size:
                chosen = self.choose(pool, "lowest", "exclusion")
                group.append(chosen)
                pool.remove(chosen)
        if self.awaiting:
            names = ", ".join(self.names[c] for c in self.awaiting)
            self.notes.append(f"surplus(es) of {names} deferred (5.2.2)")
        return sorted(group)

    def exclude(self, group: list[int]) -> None:
        self.continuing.difference_update(group)
        if len(self.continuing) == self.unfilled:  # 5.5.1: the rest are deemed elected
            for c in sorted(self.continuing, key=lambda c: (-self.votes[c], c)):
                self.elect(c)
            self.notes.append("continuing candidates equal the places left: all elected (5.5.1)")
            self.end_stage(self._exclusion_action(group), group)
            return
        by_value: dict[int, list[tuple[int, Batch]]] = {}
        for c in group:
            for batch in self.batches.pop(c):
                by_value.setdefault(batch.value, []).append((c, batch))
        for value in sorted(by_value, reverse=True):  # 5.4.1: highest transfer value first
            if self.unfilled == 0:  # 5.5.2: no further transfers
                break
            parts = by_value[value]
            for c, batch in parts:
                self.votes[c] -= batch.total
            bundles = [bundle for _, batch in parts for bundle in batch.bundles]
            recipients, dead = sort_papers(bundles, self.continuing)
            self.credit(recipients, value)
            self.non_transferable += dead * value
            self.notes.append(
                f"sub-transfer of {sum(b.count for b in bundles)} paper(s) at {_text(value)}; "
                f"{dead} non-transferable"
            )
            self.recalculate_quota()
            self.snapshot()
            self.elect_qualified()
        for c in group:
            if self.votes[c] == 0:
                del self.votes[c]
        self.end_stage(self._exclusion_action(group), group)

    def recalculate_quota(self) -> None:
        """5.4.8: before anyone is elected, papers gone non-transferable reduce the quota."""
        if self.elected or self.non_transferable == 0:
            return
        reduced = quota(self.valid - self.non_transferable, self.contest.seats)
        if reduced != self.quota:
            self.notes.append(f"quota recalculated to {_text(reduced)} (5.4.8)")
            self.quota = reduced

    def _exclusion_action(self, group: Sequence[int]) -> str:
        return "exclusion of " + ", ".join(self.names[c] for c in group)


def count(contest: Contest, options: Mapping[str, object] | None = None) -> Result:
    """Count `contest` under the ERS97 rules."""
    options = options or {}
    opts.check_keys(METHOD, options, ("seed",))
    seed = opts.get_str(METHOD, options, "seed", None)
    bundles, invalid = initial_batches(contest.ballots, contest.withdrawn | contest.undeclared)
    standing = contest.standing()
    valid = sum(b.count for group in bundles.values() for b in group) * UNIT
    state = _Count(
        contest=contest,
        seed_option=seed,
        valid=valid,
        votes={c: sum(b.count for b in bundles.get(c, ())) * UNIT for c in standing},
        batches={c: [Batch(UNIT, tuple(bundles[c]))] if c in bundles else [] for c in standing},
        continuing=set(standing),
        quota=quota(valid, contest.seats),
    )
    state.begin_stage()
    state.snapshot()
    state.elect_qualified()
    state.end_stage("first preferences")
    while state.unfilled > 0:
        state.begin_stage()
        if len(state.continuing) <= state.unfilled:
            for c in sorted(state.continuing, key=lambda c: (-state.votes[c], c)):
                state.elect(c)
            state.notes.append("continuing candidates equal the places left (5.5.1)")
            state.end_stage("remaining candidates deemed elected")
            break
        if state.awaiting and not state.deferred():
            state.transfer_surplus()
            continue
        state.exclude(state.exclusion_group())
    names = contest.candidates
    return Result(
        method=METHOD,
        seats=contest.seats,
        candidates=names,
        elected=tuple(names[c] for c in state.elected),
        stages=tuple(state.stages),
        valid_votes=Fraction(valid, UNIT),
        quota=Fraction(state.quota, UNIT),
        tie_breaks=tuple(state.tie_breaks),
        invalid_ballots=invalid,
        decimals=2,
        options={"seed": state.seed} if state.seed else {},
    )
