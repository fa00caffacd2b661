"""Voting papers as an ERS97 count handles them: bundles, batches and 2-dp values.

ERS97 (counting.md §5) moves *papers*: each carries a value (1.00 or the transfer value at which
it was last moved) and is sorted by its next available preference for a continuing candidate
(glossary 6.10). A batch is all the papers of one value received in one transfer (6.1); the last
batch a candidate received is the parcel a later surplus comes from (5.3.2). Values are integers
in units of 0.01, so every figure is exactly what a result sheet shows.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from clearcount.counting.ballots import OVERVOTE, Ballot, compress

__all__ = ["UNIT", "Batch", "Bundle", "initial_batches", "quota", "sort_papers", "transfer_value"]

UNIT = 100
"""Units per vote: ERS97 works to two decimal places."""


@dataclass(frozen=True, slots=True)
class Bundle:
    """`count` identical papers: a ranking and the position of the candidate now holding them."""

    ranking: tuple[int, ...]
    position: int
    count: int


@dataclass(frozen=True, slots=True)
class Batch:
    """Papers of one value received in one transfer (ERS97 6.1)."""

    value: int
    """Units of 0.01 per paper."""
    bundles: tuple[Bundle, ...]

    @property
    def papers(self) -> int:
        return sum(bundle.count for bundle in self.bundles)

    @property
    def total(self) -> int:
        return self.value * self.papers


def _ranking(ballot: Ballot, skip: Collection[int]) -> tuple[tuple[int, ...], bool]:
    """The usable ranking of a paper, and whether its first preference is valid (6.9, 6.24).

    Withdrawn candidates and repeats are passed over, skipped ranks ignored; a rank with several
    marks is void for uncertainty, so the preferences end there (6.10, 6.12).
    """
    ranking: list[int] = []
    for rank in ballot.ranks:
        if len(rank) > 1 or OVERVOTE in rank:
            break
        if rank and rank[0] not in skip and rank[0] not in ranking:
            ranking.append(rank[0])
    return tuple(ranking), bool(ranking)


def initial_batches(
    ballots: Iterable[Ballot], skip: Collection[int]
) -> tuple[dict[int, list[Bundle]], int]:
    """First preferences (5.1.2): each candidate's bundles, and the number of invalid papers."""
    bundles: dict[int, list[Bundle]] = {}
    merged: dict[tuple[int, ...], int] = {}
    invalid = 0
    for ballot in compress(ballots):
        ranking, valid = _ranking(ballot, skip)
        if valid:
            merged[ranking] = merged.get(ranking, 0) + ballot.weight
        else:
            invalid += ballot.weight
    for ranking, count in merged.items():
        bundles.setdefault(ranking[0], []).append(Bundle(ranking, 0, count))
    return bundles, invalid


def sort_papers(
    bundles: Iterable[Bundle], continuing: Collection[int]
) -> tuple[dict[int, list[Bundle]], int]:
    """Sort papers by next available preference for a continuing candidate (5.3.3, 5.4.2).

    Returns the bundles for each recipient (moved to the recipient's position) and the number of
    non-transferable papers.
    """
    sorted_: dict[int, list[Bundle]] = {}
    non_transferable = 0
    for bundle in bundles:
        ranking = bundle.ranking
        for position in range(bundle.position + 1, len(ranking)):
            if ranking[position] in continuing:
                target = ranking[position]
                sorted_.setdefault(target, []).append(Bundle(ranking, position, bundle.count))
                break
        else:
            non_transferable += bundle.count
    return sorted_, non_transferable


def quota(active_units: int, seats: int) -> int:
    """5.1.6: divide to two places; if not exact, ignore the remainder and add 0.01."""
    return -(-active_units // (seats + 1))


def transfer_value(surplus: int, transferable_papers: int, present_value: int) -> int:
    """5.3.7: surplus / transferable papers truncated to 0.01, if their value exceeds the
    surplus; otherwise each paper keeps its present value."""
    if transferable_papers * present_value > surplus:
        return surplus // transferable_papers
    return present_value
