"""The plurality core shared by `fptp`, `block` and `approval` (counting.md §1).

The three rule sets differ only in how many marks a valid paper may carry; everything else is
the same: sort papers into valid, blank and invalid (with the reason, because thresholds and the
scrutineer's report need them apart), give each marked candidate the paper's weight, and elect
the top `seats`. A tie for the last place(s) is settled by a seeded lot (UK statute says "by
lot") or reported and left open, as the caller's `tie_break` option says.

A paper's marks are the candidates in its ranks, order ignored; a candidate marked twice counts
once. `Result.valid_votes` is the total of votes given to candidates (for block and approval a
valid paper gives several), so each Stage balances: sum(tallies) == valid votes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from clearcount.counting.ballots import OVERVOTE, Ballot, Contest, check_weights, compress
from clearcount.counting.options import check_keys, get_choice, get_str
from clearcount.counting.result import Result, Stage, TieBreak
from clearcount.counting.ties import contest_seed, draw_order

__all__ = [
    "COMMON_OPTIONS",
    "INVALID_REASONS",
    "MarkLimits",
    "Selection",
    "Sorting",
    "count_plurality",
    "marks_of",
    "select_top",
    "sort_papers",
]

COMMON_OPTIONS = ("tie_break", "seed", "withdrawn_marks")
"""Options every plurality rule set accepts; each adds its own."""

INVALID_REASONS = ("unknown candidate", "withdrawn candidate", "overvote", "too few marks")
"""Why a paper is invalid, in the order they are tested (a paper gets the first that applies)."""

TieBreakMode = Literal["lot", "report"]


@dataclass(frozen=True, slots=True)
class MarkLimits:
    """How many marks a valid paper may carry: `least` <= marks <= `most` (None: no cap)."""

    most: int | None
    least: int = 1


@dataclass(frozen=True, slots=True)
class Sorting:
    """Papers sorted by validity, every figure weighted (a weight-3 ballot is 3 papers)."""

    votes: Mapping[int, int]
    """Votes per candidate index (candidates no paper marked validly are absent)."""
    valid: int
    blank: int
    invalid: Mapping[str, int]
    """Invalid papers per reason in `INVALID_REASONS`; reasons with none are absent."""

    @property
    def invalid_total(self) -> int:
        return sum(self.invalid.values())

    @property
    def papers(self) -> int:
        return self.valid + self.blank + self.invalid_total


@dataclass(frozen=True, slots=True)
class Selection:
    """Who is elected by the top-n rule, and any tie left open or settled by lot."""

    elected: tuple[str, ...]
    tie_breaks: tuple[TieBreak, ...] = ()
    open_tie: Mapping[str, object] | None = None
    seed: str | None = None


def marks_of(ballot: Ballot) -> frozenset[int]:
    """The distinct candidates (and `OVERVOTE`, if present) a paper marks, order ignored."""
    return frozenset(candidate for rank in ballot.ranks for candidate in rank)


def _reason(
    marks: frozenset[int], contest: Contest, limits: MarkLimits, ignore_withdrawn: bool
) -> str | None:
    """The first invalidity reason that applies to a non-blank paper, or None if it is valid."""
    n = len(contest.candidates)
    if any(not 0 <= m < n for m in marks if m != OVERVOTE):
        return "unknown candidate"
    if not ignore_withdrawn and marks & contest.withdrawn:
        return "withdrawn candidate"
    if OVERVOTE in marks or (limits.most is not None and len(marks) > limits.most):
        return "overvote"
    if len(marks) < limits.least:
        return "too few marks"
    return None


def sort_papers(contest: Contest, limits: MarkLimits, *, ignore_withdrawn: bool) -> Sorting:
    """Sort every paper into valid (and tally it), blank or invalid-with-a-reason.

    With `ignore_withdrawn`, marks for withdrawn candidates are struck out before the paper is
    judged (a paper marking only withdrawn candidates is then blank).
    """
    check_weights(contest.ballots)
    votes: dict[int, int] = {}
    invalid: dict[str, int] = {}
    valid = blank = 0
    for ballot in compress(contest.ballots):
        marks = marks_of(ballot)
        if ignore_withdrawn:
            marks = marks - contest.withdrawn
        if not marks:
            blank += ballot.weight
            continue
        reason = _reason(marks, contest, limits, ignore_withdrawn)
        if reason is not None:
            invalid[reason] = invalid.get(reason, 0) + ballot.weight
            continue
        valid += ballot.weight
        for candidate in marks:
            votes[candidate] = votes.get(candidate, 0) + ballot.weight
    ordered = {reason: invalid[reason] for reason in INVALID_REASONS if reason in invalid}
    return Sorting(votes=votes, valid=valid, blank=blank, invalid=ordered)


def select_top(
    tallies: Mapping[str, int],
    seats: int,
    *,
    tie_break: TieBreakMode,
    seed: Callable[[], str],
) -> Selection:
    """Elect the `seats` highest of `tallies` (iterated in ballot-paper order).

    Candidates certain of a place (more votes than the last place's figure) are elected first,
    most votes first, equal figures in ballot-paper order. If more candidates share the last
    place's figure than places remain, "lot" draws them with `ties.draw_order` (the seed is
    computed only then) and "report" elects none of them and returns the open tie.
    """
    order = sorted(tallies, key=lambda name: -tallies[name])  # stable: paper order on equals
    if len(order) <= seats:
        return Selection(elected=tuple(order))
    cutoff = tallies[order[seats - 1]]
    certain = tuple(name for name in order if tallies[name] > cutoff)
    tied = tuple(name for name in order if tallies[name] == cutoff)
    places = seats - len(certain)
    if len(tied) == places:
        return Selection(elected=certain + tied)
    if tie_break == "report":
        tie = {"tied": list(tied), "votes": cutoff, "places": places}
        return Selection(elected=certain, open_tie=tie)
    drawn_seed = seed()
    chosen = draw_order(tied, drawn_seed, 1, "election")[:places]
    record = TieBreak(
        stage=1,
        purpose="election",
        tied=tied,
        chosen=chosen,
        method="seeded draw",
        reason=(
            f"{len(tied)} candidates tied on {cutoff} votes for {places} remaining "
            f"place(s); decided by lot (counting.md §1): a seeded draw anyone can repeat"
        ),
        seed=drawn_seed,
    )
    return Selection(elected=certain + chosen, tie_breaks=(record,), seed=drawn_seed)


def count_plurality(
    contest: Contest,
    options: Mapping[str, object],
    *,
    method: str,
    seats: int,
    limits: MarkLimits,
    extra_options: Mapping[str, object],
) -> Result:
    """Count `contest` under a plurality rule: the rule sets call this with their mark limits.

    `extra_options` are the rule set's own effective options, recorded in `Result.options`;
    any key outside them and `COMMON_OPTIONS` is a ConfigError.
    """
    check_keys(method, options, (*COMMON_OPTIONS, *extra_options))
    tie_break: TieBreakMode = get_choice(method, options, "tie_break", "lot", ("lot", "report"))
    seed_option = get_str(method, options, "seed", None)
    withdrawn_marks = get_choice(
        method, options, "withdrawn_marks", "invalid", ("invalid", "ignore")
    )
    sorting = sort_papers(contest, limits, ignore_withdrawn=withdrawn_marks == "ignore")
    names = contest.candidates
    counted = [i for i in range(len(names)) if i not in contest.withdrawn]
    tallies = {names[i]: sorting.votes.get(i, 0) for i in counted}
    electable = {names[i]: tallies[names[i]] for i in contest.standing()}

    def seed() -> str:
        return seed_option if seed_option is not None else contest_seed(contest)

    selection = select_top(electable, seats, tie_break=tie_break, seed=seed)
    total_votes = sum(tallies.values())
    unfilled = seats - len(selection.elected)
    notes: list[str] = []
    if selection.open_tie is not None:
        notes.append("tie for the last place(s) reported, not decided (tie_break: report)")
    if len(electable) < seats:
        notes.append(f"only {len(electable)} candidate(s) standing for {seats} seat(s)")
    stage = Stage(
        number=1,
        action="votes",
        tallies={name: Fraction(v) for name, v in tallies.items()},
        elected=selection.elected,
        notes=tuple(notes),
    )
    outcome: dict[str, object] = {
        "papers": sorting.papers,
        "valid_papers": sorting.valid,
        "blank_papers": sorting.blank,
        "invalid_papers": sorting.invalid_total,
        "invalid_reasons": dict(sorting.invalid),
        "votes": total_votes,
        "most_marks": limits.most,
        "least_marks": limits.least,
        "unfilled_seats": unfilled,
        "tie": selection.open_tie,
    }
    effective: dict[str, object] = {
        "tie_break": tie_break,
        "seed": selection.seed or seed_option,
        "withdrawn_marks": withdrawn_marks,
        **extra_options,
    }
    return Result(
        method=method,
        seats=seats,
        candidates=names,
        elected=selection.elected,
        stages=(stage,),
        valid_votes=Fraction(total_votes),
        tie_breaks=selection.tie_breaks,
        invalid_ballots=sorting.invalid_total,
        outcome=outcome,
        options=effective,
    )
