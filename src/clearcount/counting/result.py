"""What a count produces: every stage, every tie-break with its reason, and the outcome.

Values are exact `Fraction`s; `Result.decimals` says how many places the rule set works in, so
reports print the figures a returning officer's sheet would show.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction

__all__ = ["Result", "Stage", "TieBreak", "result_layout"]


@dataclass(frozen=True, slots=True)
class TieBreak:
    """One tie and how it was settled, so anyone can re-check it."""

    stage: int
    purpose: str
    """What was being decided: "exclusion", "surplus order", "election", "final two", ..."""
    tied: tuple[str, ...]
    chosen: tuple[str, ...]
    """The candidate(s) the decision applies to (the one excluded, transferred first, elected)."""
    method: str
    """"history (most recent stage)", "history (earliest stage)", "seeded draw",
    "candidate order", "tie order", "java.util.Random", ..."""
    reason: str
    seed: str | None = None


@dataclass(frozen=True, slots=True)
class Stage:
    """The position at the end of one stage (round) of a count."""

    number: int
    action: str
    """"first preferences", "surplus of Ann Lee", "exclusion of Bo Chan", ..."""
    tallies: Mapping[str, Fraction]
    """Votes credited to each candidate still in the count (elected or continuing)."""
    non_transferable: Fraction = Fraction(0)
    """Value lost to the count: non-transferable papers and rounding losses."""
    exhausted: Fraction = Fraction(0)
    """Value of papers with no further usable preference, where the rule set reports it apart."""
    transfers: Mapping[str, Fraction] = field(default_factory=dict)
    """Change at this stage per candidate (and "non-transferable"), where the rule set has one."""
    elected: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    quota: Fraction | None = None
    inactive: Mapping[str, Fraction] = field(default_factory=dict)
    """RCTab-style inactive ballots: overvotes, skippedRankings, repeatedRankings, ..."""
    notes: tuple[str, ...] = ()

    @property
    def accounted(self) -> Fraction:
        """Candidates' votes plus non-transferable plus exhausted: equals the valid vote."""
        return sum(self.tallies.values(), Fraction(0)) + self.non_transferable + self.exhausted


@dataclass(frozen=True, slots=True)
class Result:
    """The outcome of a count under one named rule set."""

    method: str
    seats: int
    candidates: tuple[str, ...]
    elected: tuple[str, ...]
    """In order of election."""
    stages: tuple[Stage, ...]
    valid_votes: Fraction
    quota: Fraction | None = None
    tie_breaks: tuple[TieBreak, ...] = ()
    invalid_ballots: int = 0
    decimals: int | None = None
    """Places the rule set counts in (Scottish 5, ERS97 2, PRF Meek 9); None for whole votes."""
    outcome: Mapping[str, object] = field(default_factory=dict)
    """Method-specific findings (yes-no thresholds met or failed, trigger ballot verdict, ...)."""
    options: Mapping[str, object] = field(default_factory=dict)
    """The effective options of the count (seed, omega, RCTab rules, ...)."""


def result_layout(result: Result) -> dict[str, object]:
    """Everything in `result` as one plain document, in a stable key order, values as they are.

    The one layout of a count's result: reports render it (exact JSON numbers) and the election
    record stores it (exact strings, spec §11.9.1), so the two can never drift apart.
    """
    return {
        "method": result.method,
        "seats": result.seats,
        "candidates": list(result.candidates),
        "elected": list(result.elected),
        "quota": result.quota,
        "valid_votes": result.valid_votes,
        "invalid_ballots": result.invalid_ballots,
        "decimals": result.decimals,
        "outcome": dict(result.outcome),
        "options": dict(result.options),
        "tie_breaks": [
            {
                "stage": tie.stage,
                "purpose": tie.purpose,
                "tied": list(tie.tied),
                "chosen": list(tie.chosen),
                "method": tie.method,
                "reason": tie.reason,
                "seed": tie.seed,
            }
            for tie in result.tie_breaks
        ],
        "stages": [
            {
                "stage": stage.number,
                "action": stage.action,
                "quota": stage.quota,
                "tallies": dict(stage.tallies),
                "transfers": dict(stage.transfers),
                "non_transferable": stage.non_transferable,
                "exhausted": stage.exhausted,
                "inactive": dict(stage.inactive),
                "elected": list(stage.elected),
                "excluded": list(stage.excluded),
                "notes": list(stage.notes),
            }
            for stage in result.stages
        ],
    }
