"""The round loop of instant-runoff and RCTab-style counts (counting.md §3, §7; RCTab
`Tabulator.tabulate`). One engine for `irv` and `rctab`: each front-end only builds the rules.

Each round: move the piles of candidates who left in the previous round; set the threshold
(recomputed every round for one seat unless the first round fixes it; fixed in round 1 for
several seats); elect (everyone at or over it, or the top one, or everyone left when they just
fill the seats); otherwise eliminate, in this order: undeclared write-ins, candidates under the
minimum vote threshold (or under the threshold with `cutoff`), a batch of candidates who cannot
catch up, else the single lowest, with a tie-break.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from clearcount.core.errors import CountingError
from clearcount.counting.result import Stage, TieBreak
from clearcount.counting.runoff_piles import Piles, PileSet, Ranking
from clearcount.counting.runoff_rules import RunoffRules
from clearcount.counting.runoff_threshold import batch_losers, winning_threshold
from clearcount.counting.runoff_ties import TieBreaker

__all__ = ["Field", "PassResult", "run_pass"]


@dataclass(frozen=True, slots=True)
class Field:
    """The candidates of one pass: names by index, and which are write-ins or excluded."""

    names: tuple[str, ...]
    undeclared: frozenset[int]
    excluded: frozenset[int]
    order: tuple[str, ...]
    """The declared candidates in the order the rules list them (tie-break order)."""

    @property
    def declared(self) -> int:
        return len(self.names) - len(self.undeclared)


@dataclass(frozen=True, slots=True)
class PassResult:
    stages: tuple[Stage, ...]
    elected: tuple[str, ...]
    tie_breaks: tuple[TieBreak, ...]


class _Pass:
    def __init__(
        self,
        field: Field,
        groups: Sequence[Ranking],
        rules: RunoffRules,
        first_stage: int,
        lot_seed: Callable[[], str],
        piles: PileSet | None = None,
    ) -> None:
        self.field, self.rules, self.first_stage = field, rules, first_stage
        self.scale = rules.scale
        self.piles = Piles(rules, groups, len(field.names), self.scale) if piles is None else piles
        for index in field.excluded:
            self.piles.continuing[index] = False
        self.ties = TieBreaker(rules, field.order, lot_seed)
        self.round = 0
        self.winners: list[int] = []
        self.won_in: dict[int, int] = {}
        self.eliminated: dict[int, int] = {}
        self.leaving: list[int] = []
        self.kept: dict[int, int] = {}
        self.fixed: dict[int, Fraction] = {}
        self.residual = Fraction(0)
        self.set_aside = Fraction(0)
        self.threshold = Fraction(0)
        self.stages: list[Stage] = []

    # -- the loop ---------------------------------------------------------------------------
    def run(self) -> PassResult:
        while self._keep_going():
            self.round += 1
            final_round = self._move_piles()
            self._settle_winners()
            tally = self._current()
            if self.round == 1 or self._recompute_threshold():
                self.threshold = winning_threshold(self.rules, sum(tally.values()), self.scale)
            elected = self._identify(tally) if not final_round else []
            eliminated: list[int] = []
            if elected:
                self._elect(elected)
            elif not final_round and self._must_eliminate():
                eliminated = self._eliminate(tally)
                for loser in eliminated:
                    self.eliminated[loser] = self.round
                    self.piles.continuing[loser] = False
                self.leaving = eliminated
            self.stages.append(self._stage(tally, elected, eliminated, final_round))
            if not (elected or eliminated or final_round) and self._keep_going():
                raise CountingError(f"round {self.round}: nobody can be elected or eliminated")
        names = self.field.names
        return PassResult(
            tuple(self.stages),
            tuple(names[w] for w in self.winners),
            tuple(self.ties.records),
        )

    def _keep_going(self) -> bool:
        rules = self.rules
        if self.round and not self._continuing():
            filled = len(self.winners) >= rules.seats
            if not (filled and self.leaving and rules.uses_surpluses):
                return False
        if rules.stop_after_round is not None and self.round >= rules.stop_after_round:
            return False
        if rules.continue_until_two:
            standing = len(self.field.names) - len(self.field.excluded)
            return (
                len(self.eliminated) + len(self.winners) + 1 < standing
                or self.round in self.eliminated.values()
            )
        if rules.mode == "bottoms_up_pct":
            return not self.winners
        just_won = self.round > 0 and self.round in self.won_in.values()
        return len(self.winners) < rules.seats or (just_won and rules.uses_surpluses)

    def _recompute_threshold(self) -> bool:
        rules = self.rules
        frozen = rules.continue_until_two and bool(self.winners)
        return rules.seats <= 1 and not rules.first_round_threshold and not frozen

    def _continuing(self) -> list[int]:
        flags = self.piles.continuing
        return [c for c in range(len(flags)) if flags[c]]

    def _move_piles(self) -> bool:
        """Start of a round: place or move ballots; True if this is the round that only shows
        the last winners' surpluses set aside (RCTab 2.0 `finalRoundSurplus`)."""
        if self.round == 1:
            self.piles.place_all()
            return False
        final = (
            self.rules.uses_surpluses
            and self.rules.final_round_surplus
            and len(self.winners) >= self.rules.seats
        )
        for candidate in self.leaving:
            if final and candidate in self.won_in:
                self.set_aside += Fraction(self.piles.set_aside(candidate), self.scale)
            else:
                self.piles.release(candidate)
        self.leaving = []
        return final

    def _settle_winners(self) -> None:
        """Winners of the previous round keep what they did not pass on, reset to the threshold
        (the excess is residual surplus: RCTab `updateWinnerTallies`)."""
        for winner, round_won in self.won_in.items():
            if round_won == self.round - 1 and winner in self.kept:
                kept = Fraction(self.kept.pop(winner), self.scale)
                if kept > self.threshold:
                    self.residual += kept - self.threshold
                    kept = self.threshold
                self.fixed[winner] = kept

    def _current(self) -> dict[int, int]:
        tally = self.piles.tally
        return {c: tally[c] for c in self._continuing()}

    # -- election ---------------------------------------------------------------------------
    def _identify(self, tally: dict[int, int]) -> list[int]:
        rules, field = self.rules, self.field
        if any(tally.get(u, 0) != 0 for u in field.undeclared):
            return []
        limit = self.threshold * self.scale
        ranked = sorted(tally, key=lambda c: (-tally[c], c))
        if rules.mode == "bottoms_up_pct":
            return ranked if all(tally[c] > limit for c in ranked) else []
        unfilled = rules.seats - len(self.winners)
        selected: list[int] = []
        if unfilled > 0:
            if len(tally) <= unfilled:
                selected = ranked
            elif rules.first_round_threshold and len(tally) - 1 == rules.seats:
                selected = [c for c in ranked if tally[c] == tally[ranked[0]]]
            elif rules.mode != "bottoms_up":
                selected = [c for c in ranked if tally[c] >= limit and c not in field.undeclared]
        several = len(selected) > 1 and (rules.mode == "multi_one" or rules.first_round_threshold)
        minimum = rules.minimum_threshold * self.scale
        none_final_two = (
            rules.seats == 1
            and not selected
            and len(tally) == 2
            and unfilled == 1
            and all(v >= minimum for v in tally.values())
        )
        if several or none_final_two:
            selected = [c for c in ranked if tally[c] == tally[ranked[0]]]
            if len(selected) > 1:
                selected = [self._tie(selected, winner=True, purpose="election")]
        return selected

    def _elect(self, elected: list[int]) -> None:
        for winner in elected:
            self.winners.append(winner)
            self.won_in[winner] = self.round
        if self.rules.uses_surpluses:
            for winner in elected:
                self.kept[winner] = self.piles.apply_surplus(winner, self.threshold)
                self.piles.continuing[winner] = False
            self.leaving = list(elected)
        elif not self.rules.continue_until_two:
            for winner in elected:
                self.piles.continuing[winner] = False

    # -- elimination ------------------------------------------------------------------------
    def _must_eliminate(self) -> bool:
        rules = self.rules
        standing = len(self.field.names) - len(self.field.excluded)
        return (
            len(self.winners) < rules.seats
            or (rules.continue_until_two and len(self.eliminated) < standing - 2)
            or rules.mode == "bottoms_up_pct"
        )

    def _eliminate(self, tally: dict[int, int]) -> list[int]:
        rules, field = self.rules, self.field
        if not tally:
            raise CountingError(f"round {self.round}: no continuing candidate left to eliminate")
        writeins = [u for u in sorted(field.undeclared) if tally.get(u, 0) > 0]
        if writeins:
            return writeins[:1]
        ascending = sorted(tally, key=lambda c: (tally[c], c))
        if rules.minimum_threshold > 0:
            minimum = rules.minimum_threshold * self.scale
            below = [c for c in ascending if tally[c] < minimum]
            if len(below) >= field.declared:
                raise CountingError(
                    f"round {self.round}: every declared candidate is below the minimum vote "
                    f"threshold {rules.minimum_threshold}; the count cannot go on"
                )
            if below:
                return below
        if rules.cutoff and rules.mode == "bottoms_up_pct":
            limit = self.threshold * self.scale
            below = [c for c in ascending if tally[c] < limit]
            if below and len(below) < len(ascending):
                return below
        if rules.batch:
            standing = len(field.names) - len(field.excluded)
            keep_two = rules.continue_until_two
            batch = batch_losers(tally, len(self.eliminated), standing, keep_two=keep_two)
            if len(batch) > 1:
                return batch
        lowest = [c for c in ascending if tally[c] == tally[ascending[0]]]
        if len(lowest) > 1:
            return [self._tie(lowest, winner=False, purpose="elimination")]
        return lowest

    def _tie(self, tied: list[int], *, winner: bool, purpose: str) -> int:
        names = self.field.names
        chosen = self.ties.choose(
            [names[c] for c in tied],
            winner=winner,
            stage=self.first_stage + self.round - 1,
            purpose=purpose,
            history=[stage.tallies for stage in self.stages],
        )
        return names.index(chosen)

    # -- reporting --------------------------------------------------------------------------
    def _stage(
        self, tally: dict[int, int], elected: list[int], eliminated: list[int], final: bool
    ) -> Stage:
        names, scale = self.field.names, self.scale
        shown: dict[str, Fraction] = {}
        for c in range(len(names)):
            if c in tally:
                shown[names[c]] = Fraction(tally[c], scale)
            elif c in self.fixed:
                shown[names[c]] = self.fixed[c]
        inactive = {k: Fraction(v, scale) for k, v in self.piles.inactive_by_reason().items()}
        if final or self.set_aside:
            inactive["finalRoundSurplus"] = self.set_aside
        previous = self.stages[-1].tallies if self.stages else {}
        transfers = {n: v - previous.get(n, Fraction(0)) for n, v in shown.items()}
        actions = []
        if elected:
            actions.append("elected " + ", ".join(names[c] for c in elected))
        if eliminated:
            actions.append("eliminated " + ", ".join(names[c] for c in eliminated))
        if final:
            actions.append("surpluses of the last winners set aside")
        notes = (f"residual surplus {self.residual}",) if self.residual else ()
        return Stage(
            number=self.first_stage + self.round - 1,
            action=f"round {self.round}: " + ("; ".join(actions) or "no decision"),
            tallies=shown,
            non_transferable=self.residual + self.set_aside,
            exhausted=sum(inactive.values(), Fraction(0)) - inactive.get("finalRoundSurplus", 0),
            transfers=transfers,
            elected=tuple(names[c] for c in elected),
            excluded=tuple(names[c] for c in eliminated),
            quota=self.threshold,
            inactive=inactive,
            notes=notes,
        )


def run_pass(
    field: Field,
    groups: Sequence[Ranking],
    rules: RunoffRules,
    *,
    lot_seed: Callable[[], str],
    first_stage: int = 1,
    piles: PileSet | None = None,
) -> PassResult:
    """Tabulate one pass (one RCTab tabulation) over the distinct rankings and their weights,
    or over `piles` when given (the array-based piles of `matrix_runoff`; `groups` unused)."""
    return _Pass(field, groups, rules, first_stage, lot_seed, piles).run()
