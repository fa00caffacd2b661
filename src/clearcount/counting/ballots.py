"""Ballots and contests as the counting rules see them: candidate indices, never names.

A ballot is a sequence of ranks; each rank is a tuple of candidate indices. An empty rank is a
skipped ranking, a rank with several candidates is an overvote (or a Droop equal ranking), and
`OVERVOTE` marks an explicit overvote cell of a cast-vote record. Each rule set decides what these
mean; the model only records what the voter marked.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from operator import attrgetter

from clearcount.core.errors import CountingError

__all__ = ["OVERVOTE", "Ballot", "Contest", "compress", "merge_rankings"]

OVERVOTE = -1
"""Explicit overvote mark in a rank (an RCTab `#OVERVOTE` cell): several marks, names unknown."""


@dataclass(frozen=True, slots=True)
class Ballot:
    """One paper (or `weight` identical papers, or a delegate carrying `weight` members' votes)."""

    ranks: tuple[tuple[int, ...], ...]
    weight: int = 1
    ballot_id: str | None = None

    @classmethod
    def of(cls, *candidates: int, weight: int = 1) -> Ballot:
        """A plain ranking, one candidate per rank."""
        return cls(tuple((c,) for c in candidates), weight)

    def plain(self) -> tuple[int, ...] | None:
        """The ranking when every rank holds exactly one candidate, else None."""
        if all(len(rank) == 1 for rank in self.ranks):
            return tuple(rank[0] for rank in self.ranks)
        return None


@dataclass(frozen=True, slots=True)
class Contest:
    """Everything a rule set needs to count one contest."""

    candidates: tuple[str, ...]
    ballots: Sequence[Ballot]
    """The papers: a tuple, or a `ranking_matrix.MatrixBallots` (distinct rankings, weighted)."""
    seats: int = 1
    withdrawn: frozenset[int] = frozenset()
    undeclared: frozenset[int] = frozenset()
    """Undeclared write-in pseudo-candidates: never elected, eliminated first (RCTab, Droop)."""
    tie_order: tuple[int, ...] | None = None
    """A predetermined tie order as the file states it (BLT `[tie ...]`), first listed first."""
    title: str = ""
    source: str = ""
    extras: dict[str, object] = field(default_factory=dict, compare=False)
    """Reader-specific facts a rule set may use (e.g. precincts); never needed for a count."""

    def __post_init__(self) -> None:
        if self.seats < 1:
            raise CountingError(
                f"contest {self.title!r}: seats must be at least 1, got {self.seats}"
            )
        if len(set(self.candidates)) != len(self.candidates):
            raise CountingError(f"contest {self.title!r}: candidate names must be distinct")
        n = len(self.candidates)
        for index in self.withdrawn | self.undeclared:
            if not 0 <= index < n:
                raise CountingError(f"contest {self.title!r}: candidate index {index} out of range")

    def index(self, name: str) -> int:
        """The index of candidate `name`; a clear error if there is none."""
        try:
            return self.candidates.index(name)
        except ValueError:
            raise CountingError(f"contest {self.title!r} has no candidate {name!r}") from None

    @property
    def total_weight(self) -> int:
        return sum(b.weight for b in self.ballots)

    def standing(self) -> tuple[int, ...]:
        """Indices of candidates neither withdrawn nor undeclared write-ins."""
        skip = self.withdrawn | self.undeclared
        return tuple(i for i in range(len(self.candidates)) if i not in skip)


def compress(ballots: Iterable[Ballot]) -> tuple[Ballot, ...]:
    """Merge identical rankings into one weighted ballot, keeping first-appearance order.

    Counting rules treat papers with the same marks and the same value identically, so this changes
    no result, and it is what makes a million-ballot count fast. Ballot ids are dropped.
    """
    return tuple(Ballot(ranks, weight) for ranks, weight in merge_rankings(ballots).items())


def merge_rankings(ballots: Iterable[Ballot]) -> dict[tuple[tuple[int, ...], ...], int]:
    """`compress` as a plain mapping ranks -> total weight, in first-appearance order.

    For counts that keep their own per-ranking state (the runoff piles): building a Ballot per
    distinct ranking costs as much as the merge itself on a million papers.
    """
    ballots = ballots if isinstance(ballots, Sequence) else tuple(ballots)
    weights: dict[tuple[tuple[int, ...], ...], int]
    if set(map(attrgetter("weight"), ballots)) <= {1}:
        weights = Counter(map(attrgetter("ranks"), ballots))  # counted in C: ~2x faster
    else:
        weights = {}
        for ballot in ballots:
            weights[ballot.ranks] = weights.get(ballot.ranks, 0) + ballot.weight
    return weights


def check_weights(ballots: Sequence[Ballot]) -> None:
    """Reject negative weights, which no rule set can count."""
    for ballot in ballots:
        if ballot.weight < 0:
            raise CountingError(f"ballot {ballot.ballot_id or ballot.ranks!r}: negative weight")
