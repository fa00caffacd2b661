"""One engine for the weighted inclusive Gregory family: Scottish STV, PRF WIGM, Minneapolis STV.

The three rule sets share a shape (docs/counting/stv-scottish.md, stv-wigm.md, stv-minneapolis.md):
first preferences; at the end of every stage each continuing candidate with a quota is elected;
then either a batch of sure losers is excluded (WIGM option, Minneapolis always), or the largest
surplus is transferred (all of the candidate's papers, each value group at its transfer value), or
the lowest candidate is excluded with all papers at their current values. The count ends when the
seats are filled or the continuing candidates are no more than the vacancies (SSI r.52, PRF D.3,
Minneapolis 167.70(1)(f)), who are then elected with no further transfer.

What differs is held in `GregoryRules`, a small strategy value built by each rule module.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from clearcount.counting.ballots import Contest
from clearcount.counting.gregory_papers import DefectPolicy, LoadedPapers, Papers, read_rankings
from clearcount.counting.gregory_ties import LOTS, Lot, TieBreaker
from clearcount.counting.numbers import from_units
from clearcount.counting.options import check_keys, get_bool, get_choice, get_str
from clearcount.counting.result import Result, Stage, TieBreak

__all__ = ["GregoryOptions", "GregoryRules", "count_gregory", "read_options", "sure_losers"]

HOPEFUL, PENDING, ELECTED, EXCLUDED = range(4)


@dataclass(frozen=True, slots=True)
class GregoryRules:
    """The differences between the rule sets of the family (each field cites its rule)."""

    method: str
    places: int
    """Decimal places of every value: Scottish 5 (r.48(3)), WIGM and Minneapolis 4."""
    quota: Callable[[int, int, int], int]
    """(valid papers, seats, unit) -> quota in units."""
    transfer_value: Callable[[int, int, int, int], int]
    """(paper value, surplus, candidate's total, unit) -> the paper's new value, in units."""
    defects: DefectPolicy
    sure_losers: bool
    """Exclude every candidate who cannot be elected, in one stage, before any surplus
    (Minneapolis 167.70(1)(c); an option for PRF WIGM, B.2)."""
    history_ties: bool
    """Search earlier stages (most recent first) before the lot: SSI r.49(2), r.51(2)."""
    zero_surplus: bool
    """A surplus of exactly zero is still transferred, as a stage (PRF B.3, Minneapolis (d))."""
    pending_receive: bool
    """Candidates elected with a surplus not yet transferred still receive papers (Minneapolis:
    they are declared elected only when their surplus is transferred, 167.70(1)(d))."""
    split_exhausted: bool
    """Report exhausted papers apart from rounding residue (Droop's WIGM reports); Scottish sheets
    show one non-transferable figure."""
    tie_rule: str
    end_rule: str


@dataclass(frozen=True, slots=True)
class GregoryOptions:
    lot: Lot
    seed: str | None
    sure_losers: bool


def read_options(
    method: str, options: Mapping[str, object] | None, lot: Lot, batch: bool | None
) -> GregoryOptions:
    """Validate a rule set's options: `seed`, `lot` and, where `batch` is not None,
    `defeat_sure_losers` (its default)."""
    options = options or {}
    allowed = ["seed", "lot"] + (["defeat_sure_losers"] if batch is not None else [])
    check_keys(method, options, allowed)
    return GregoryOptions(
        lot=get_choice(method, options, "lot", lot, LOTS),
        seed=get_str(method, options, "seed", None),
        sure_losers=batch is not None and get_bool(method, options, "defeat_sure_losers", batch),
    )


def sure_losers(hopeful: Sequence[tuple[int, int]], surplus: int, seats_left: int) -> list[int]:
    """The largest batch of lowest candidates who cannot be elected (PRF B.2, 167.20).

    `hopeful` is (candidate, votes) sorted by votes. A batch keeps enough candidates for the
    seats, never splits candidates with equal votes, and its votes plus all current surpluses are
    less than the votes of the lowest candidate left out.
    """
    best = 0
    total = 0
    for k in range(1, len(hopeful) - seats_left + 1):
        total += hopeful[k - 1][1]
        if k == len(hopeful):
            break
        above = hopeful[k][1]
        if above != hopeful[k - 1][1] and total + surplus < above:
            best = k
    return [c for c, _ in hopeful[:best]]


class _Count:
    """The working state of one count (mutable; the Result built from it is not)."""

    def __init__(
        self,
        contest: Contest,
        rules: GregoryRules,
        options: GregoryOptions,
        loaded: LoadedPapers | None = None,
    ) -> None:
        self.contest, self.rules, self.options = contest, rules, options
        self.names = contest.candidates
        n = len(self.names)
        self.unit = 10**rules.places
        if loaded is None:
            rankings, weights, invalid = read_rankings(contest, rules.defects)
            loaded = LoadedPapers(Papers(rankings, weights, n), sum(weights), invalid)
        self.papers, self.valid, self.invalid = loaded.papers, loaded.valid, loaded.invalid
        self.quota = rules.quota(self.valid, contest.seats, self.unit)
        self.state = [EXCLUDED if c in contest.withdrawn else HOPEFUL for c in range(n)]
        self.receive = [s == HOPEFUL for s in self.state]
        self.votes = [0] * n
        self.exhausted = 0
        self.residue = 0
        self.elected: list[int] = []
        self.stages: list[Stage] = []
        self.tie_breaks: list[TieBreak] = []
        self.ties = TieBreaker(contest, options.lot, options.seed, rules.tie_rule)

    # -- the count ------------------------------------------------------------------------------

    def run(self) -> None:
        self.votes = self.papers.deal(self.unit)
        undeclared = sorted(c for c in self.contest.undeclared if self.state[c] == HOPEFUL)
        if undeclared:
            note = "undeclared write-ins are excluded before anyone is elected"
            self.record("first preferences", {}, (), (), (note,))
            done = self.exclude(undeclared, "exclusion of undeclared write-ins")
        else:
            done = self.close_stage("first preferences", {}, (), ())
        while not done:
            done = self.step()

    def step(self) -> bool:
        """One stage: a batch exclusion, a surplus transfer or an exclusion. True when done."""
        hopeful = self.candidates(HOPEFUL)
        if self.rules.sure_losers or self.options.sure_losers:
            pending_surplus = sum(self.votes[c] - self.quota for c in self.candidates(PENDING))
            ordered = sorted(((c, self.votes[c]) for c in hopeful), key=lambda cv: cv[1])
            batch = sure_losers(ordered, pending_surplus, self.seats_left())
            if batch:
                names = ", ".join(self.names[c] for c in batch)
                return self.exclude(batch, f"exclusion of sure losers {names}")
        pending = [
            c
            for c in self.candidates(PENDING)
            if self.votes[c] > self.quota or self.rules.zero_surplus
        ]
        if pending:
            return self.transfer_surplus(pending)
        low = min(self.votes[c] for c in hopeful)
        tied = [c for c in hopeful if self.votes[c] == low]
        loser = self.settle(tied, "exclusion", "lowest")
        return self.exclude([loser], f"exclusion of {self.names[loser]}")

    def transfer_surplus(self, pending: list[int]) -> bool:
        high = max(self.votes[c] for c in pending)
        tied = [c for c in pending if self.votes[c] == high]
        source = self.settle(tied, "surplus order", "highest")
        total = self.votes[source]
        surplus = total - self.quota
        self.state[source] = ELECTED
        self.receive[source] = False

        def value(v: int) -> int:
            return self.rules.transfer_value(v, surplus, total, self.unit)

        gains, exhausted = self.papers.move(source, self.receive, value)
        residue = surplus - sum(gains) - exhausted
        self.votes[source] = self.quota
        moves = self.apply(gains, exhausted, residue)
        moves[source] = -surplus
        action = f"surplus of {self.names[source]}"
        return self.close_stage(action, moves, (), ())

    def exclude(self, losers: list[int], action: str) -> bool:
        for c in losers:
            self.state[c] = EXCLUDED
            self.receive[c] = False
        gains = [0] * len(self.names)
        exhausted = 0
        moves: dict[int, int] = {}
        for c in losers:
            got, lost = self.papers.move(c, self.receive, lambda v: v)
            gains = [a + b for a, b in zip(gains, got, strict=True)]
            exhausted += lost
            moves[c] = -self.votes[c]
            self.votes[c] = 0
        moves.update(self.apply(gains, exhausted, 0))
        return self.close_stage(action, moves, tuple(losers), ())

    def apply(self, gains: list[int], exhausted: int, residue: int) -> dict[int, int]:
        moves = {}
        for c, gain in enumerate(gains):
            if gain:
                self.votes[c] += gain
                moves[c] = gain
        self.exhausted += exhausted
        self.residue += residue
        moves[-1], moves[-2] = exhausted, residue
        return moves

    def close_stage(
        self,
        action: str,
        moves: dict[int, int],
        excluded: tuple[int, ...],
        notes: tuple[str, ...],
    ) -> bool:
        """Elect at the end of the stage (SSI r.47), then test the end of the count."""
        elected = sorted(
            (c for c in self.candidates(HOPEFUL) if self.votes[c] >= self.quota),
            key=lambda c: (-self.votes[c], c),
        )
        for c in elected:
            self.state[c] = PENDING
            self.receive[c] = self.rules.pending_receive
            self.elected.append(c)
        done = self.seats_left() <= 0
        if not done and len(self.candidates(HOPEFUL)) <= self.seats_left():
            rest = sorted(self.candidates(HOPEFUL), key=lambda c: (-self.votes[c], c))
            for c in rest:
                self.state[c] = ELECTED
                self.elected.append(c)
            elected += rest
            notes += (
                f"{self.rules.end_rule}: the continuing candidates are no more than the "
                "vacancies; they are elected and no further transfer is made",
            )
            done = True
        self.record(action, moves, tuple(elected), excluded, notes)
        return done

    # -- helpers --------------------------------------------------------------------------------

    def candidates(self, state: int) -> list[int]:
        return [c for c, s in enumerate(self.state) if s == state]

    def seats_left(self) -> int:
        return self.contest.seats - len(self.elected)

    def settle(self, tied: list[int], purpose: str, keep: str) -> int:
        if len(tied) == 1:
            return tied[0]
        history = [s.tallies for s in self.stages] if self.rules.history_ties else None
        chosen, record = self.ties.choose(
            tied,
            stage=len(self.stages) + 1,
            purpose=purpose,
            keep="lowest" if keep == "lowest" else "highest",
            history=history,
        )
        self.tie_breaks.append(record)
        return chosen

    def fraction(self, units: int) -> Fraction:
        return from_units(units, self.rules.places)

    def record(
        self,
        action: str,
        moves: dict[int, int],
        elected: tuple[int, ...],
        excluded: tuple[int, ...],
        notes: tuple[str, ...] = (),
    ) -> None:
        split = self.rules.split_exhausted
        nt = self.residue if split else self.residue + self.exhausted
        transfers: dict[str, Fraction] = {}
        for c, units in moves.items():
            if c >= 0:
                transfers[self.names[c]] = self.fraction(units)
        lost_nt = moves.get(-2, 0) + (0 if split else moves.get(-1, 0))
        if lost_nt:
            transfers["non-transferable"] = self.fraction(lost_nt)
        if split and moves.get(-1, 0):
            transfers["exhausted"] = self.fraction(moves[-1])
        tallies = {
            self.names[c]: self.fraction(self.votes[c])
            for c, s in enumerate(self.state)
            if s != EXCLUDED
        }
        self.stages.append(
            Stage(
                number=len(self.stages) + 1,
                action=action,
                tallies=tallies,
                non_transferable=self.fraction(nt),
                exhausted=self.fraction(self.exhausted if split else 0),
                transfers=transfers,
                elected=tuple(self.names[c] for c in elected),
                excluded=tuple(self.names[c] for c in excluded),
                quota=self.fraction(self.quota),
                notes=notes,
            )
        )


def count_gregory(
    contest: Contest,
    rules: GregoryRules,
    options: GregoryOptions,
    loaded: LoadedPapers | None = None,
) -> Result:
    """Count `contest` under `rules`: the shared body of the three rule modules.

    `loaded` replaces the papers read from `contest.ballots` (the vectorised path of
    `stv-scottish` passes its array-based papers); everything else is this engine.
    """
    count = _Count(contest, rules, options, loaded)
    count.run()
    effective: dict[str, object] = {"lot": options.lot}
    if rules.method == "stv-wigm":
        effective["defeat_sure_losers"] = options.sure_losers
    if count.ties.seed_used is not None:
        effective["seed"] = count.ties.seed_used
    return Result(
        method=rules.method,
        seats=contest.seats,
        candidates=contest.candidates,
        elected=tuple(contest.candidates[c] for c in count.elected),
        stages=tuple(count.stages),
        valid_votes=Fraction(count.valid),
        quota=count.fraction(count.quota),
        tie_breaks=tuple(count.tie_breaks),
        invalid_ballots=count.invalid,
        decimals=rules.places,
        options=effective,
    )
