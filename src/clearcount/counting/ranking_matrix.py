"""Plain rankings as one NumPy array, built once at load time, for the vectorised counts.

A `RankingMatrix` holds the distinct *plain* rankings of a contest (one candidate per rank, no
skipped rank, no overvote, no candidate twice) as rows of candidate indices, padded with -1, and
the number of papers carrying each. It is a second representation of `Contest.ballots`, not a
replacement: the reference engines still read the ballots, and the fast paths of `irv` and
`stv-scottish` (`matrix_runoff`, `matrix_gregory`) read the matrix. Results are identical by
construction and by test (tests/unit/counting/test_fast_*.py).

Building it is the per-paper work (a load step, like a peer's own loader), so a count that finds
one attached (`attach`, the BLT reader's `ranking_matrix=True`) makes no pass over the papers.
A matrix is attached in `Contest.extras["ranking_matrix"]` *bound to* the ballots tuple it was
built from: `matrix_for` only trusts it while `contest.ballots` is that very tuple (so a
`dataclasses.replace(contest, ballots=...)` never counts stale rankings), and otherwise builds
one from the ballots, or gives None when a paper is not plain.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import chain
from operator import attrgetter
from typing import Any, TypeAlias, overload

import numpy as np
import numpy.typing as npt

from clearcount.core.errors import CountingError
from clearcount.counting.ballots import Ballot, Contest, merge_rankings

__all__ = [
    "MATRIX_KEY",
    "MatrixBallots",
    "RankingMatrix",
    "attach",
    "dedupe_first",
    "distinct_papers",
    "matrix_for",
    "matrix_papers",
    "names_twice",
    "sorted_groups",
    "walk",
]

MATRIX_KEY = "ranking_matrix"
"""The `Contest.extras` key of an attached matrix."""

Cells: TypeAlias = npt.NDArray[np.signedinteger[Any]]
Weights: TypeAlias = npt.NDArray[np.int64]
Indices: TypeAlias = npt.NDArray[np.intp]

_INT64_LIMIT = 2**63 - 1
"""Every sum the fast counts form is at most the total weight, kept below this (int64)."""


@dataclass(frozen=True, slots=True, eq=False)
class RankingMatrix:
    """Distinct plain rankings (rows, -1 padded) and their weights, in a canonical order."""

    rows: Cells
    """Shape (distinct rankings, longest ranking): candidate indices best first, then -1.
    int16 when the candidate indices fit, else int32. Rows are distinct and sorted
    (`dedupe_first`)."""
    weights: Weights
    """Papers per row (int64, >= 0)."""
    candidates: int
    """Indices in `rows` are below this (the contest's candidate count, or max index + 1)."""
    total: int
    """Sum of the weights, an exact Python int below 2**63."""
    ballots: Sequence[Ballot] | None = None
    """The `Contest.ballots` tuple this matrix describes, once bound (`bound_to`)."""

    def __post_init__(self) -> None:
        self.rows.flags.writeable = False  # a value: the counts copy what they change
        self.weights.flags.writeable = False

    def __eq__(self, other: object) -> bool:
        """Same rankings with the same weights (binding and dtype aside)."""
        if not isinstance(other, RankingMatrix):
            return NotImplemented
        return (
            self.candidates == other.candidates
            and self.rows.shape == other.rows.shape
            and bool(np.array_equal(self.rows, other.rows))
            and bool(np.array_equal(self.weights, other.weights))
        )

    __hash__ = None  # type: ignore[assignment]

    @property
    def depths(self) -> npt.NDArray[np.int64]:
        """Marked ranks per row (0 for a blank paper)."""
        return np.asarray((self.rows >= 0).sum(axis=1), dtype=np.int64)

    def bound_to(self, ballots: Sequence[Ballot]) -> RankingMatrix:
        """This matrix, declared to describe exactly `ballots` (see `attach`)."""
        return replace(self, ballots=ballots)

    def cells(self) -> Cells:
        """The rows with one more column of -1, so a walk along a row always ends on -1."""
        count, width = self.rows.shape
        cells = np.full((count, width + 1), -1, dtype=self.rows.dtype)
        cells[:, :width] = self.rows
        return cells

    def rankings(self) -> dict[tuple[int, ...], int]:
        """Row -> weight as plain Python tuples (for tests and reports; not for hot paths)."""
        out: dict[tuple[int, ...], int] = {}
        for row, weight in zip(self.rows.tolist(), self.weights.tolist(), strict=True):
            out[tuple(c for c in row if c >= 0)] = weight
        return out

    # -- builders -----------------------------------------------------------------------------

    @classmethod
    def from_rows(
        cls,
        rows: Sequence[Sequence[int]],
        weights: Sequence[int] | None = None,
        *,
        candidates: int | None = None,
    ) -> RankingMatrix:
        """The matrix of plain rankings `rows` (0-based indices, best first), one paper each or
        `weights[i]` papers. A repeated or negative index, an index not below `candidates`, a
        negative weight or a total weight over 2**63 - 1 is a CountingError."""
        if weights is not None and len(weights) != len(rows):
            raise CountingError(
                f"ranking matrix: {len(weights)} weights for {len(rows)} rows; expected one each"
            )
        built = _build(len(rows), map(len, rows), chain.from_iterable(rows), weights, candidates)
        if isinstance(built, str):
            raise CountingError(f"ranking matrix: {built}")
        return built

    @classmethod
    def from_ballots(cls, ballots: Sequence[Ballot], candidates: int) -> RankingMatrix | None:
        """The matrix of `ballots`, or None when any ballot is not plain (a skipped rank, an
        equal ranking or overvote, a candidate twice, an index out of range), has a negative
        weight, or the total weight does not fit int64: the reference engines count those."""
        if ballots and min(map(attrgetter("weight"), ballots)) < 0:
            return None
        merged = merge_rankings(ballots)
        if not set(map(len, chain.from_iterable(merged))) <= {1}:
            return None  # a skipped rank or a rank with several marks
        # one candidate per rank: a ranking's length is its number of ranks
        cells = chain.from_iterable(chain.from_iterable(merged))
        built = _build(len(merged), map(len, merged), cells, list(merged.values()), candidates)
        return None if isinstance(built, str) else built


def _build(
    count: int,
    lengths_in: Iterable[int],
    cells_in: Iterable[int],
    weights: Sequence[int] | None,
    candidates: int | None,
) -> RankingMatrix | str:
    """The matrix of `count` rankings, given their lengths and their cells one after another,
    or the reason they are not plain rankings."""
    lengths = np.fromiter(lengths_in, dtype=np.int64, count=count)
    cells_total = int(lengths.sum())
    flat = np.fromiter(cells_in, dtype=np.int64, count=cells_total)
    if cells_total and int(flat.min()) < 0:
        return f"candidate index {int(flat.min())} is negative"
    top = int(flat.max()) + 1 if cells_total else 0
    limit = top if candidates is None else candidates
    if top > limit:
        return f"candidate index {top - 1} is out of range 0..{limit - 1}"
    if weights is None:
        total = count
        weight_array = np.ones(count, dtype=np.int64)
    else:
        total = sum(map(int, weights))
        if count and min(map(int, weights)) < 0:
            return "weights must not be negative"
        if total > _INT64_LIMIT:
            return f"total weight {total} does not fit 64 bits"
        weight_array = np.fromiter(weights, dtype=np.int64, count=count)
    dtype = np.int16 if limit <= np.iinfo(np.int16).max else np.int32
    width = int(lengths.max()) if count else 0
    cells = np.full((count, width), -1, dtype=dtype)
    cells[np.arange(width) < lengths[:, None]] = flat
    unique_cells, unique_weights = _dedupe(cells, weight_array)
    if names_twice(unique_cells):
        return "a ranking names a candidate twice"
    return RankingMatrix(unique_cells, unique_weights, limit, total)


def _dedupe(cells: Cells, weights: Weights) -> tuple[Cells, Weights]:
    """Merge identical rows, adding their weights exactly in int64; the result is sorted
    (`dedupe_first`), so equal inputs give equal matrices."""
    unique_cells, merged, _ = dedupe_first(cells, weights)
    return unique_cells, merged


def dedupe_first(cells: Cells, weights: Weights) -> tuple[Cells, Weights, npt.NDArray[np.intp]]:
    """The distinct rows of `cells` in lexicographic order (-1 before any candidate), their
    summed weights, and for each the index of its first appearance in `cells` (readers keep
    the papers' first-appearance order, as `ballots.compress` does)."""
    count, width = cells.shape
    if count == 0 or width == 0:
        first = np.zeros(min(count, 1), dtype=np.intp)
        return cells[: min(count, 1)], np.asarray([weights.sum()] if count else [], np.int64), first
    order, starts, _ = sorted_groups(cells)
    merged = np.add.reduceat(weights[order], starts).astype(np.int64)
    first = order[starts]  # a stable sort puts each group's earliest row first
    return cells[first], merged, first


def sorted_groups(cells: Cells) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp], Indices]:
    """A stable lexicographic order of the rows of `cells` (values >= -1, at least one row and
    one column), where each run of equal rows starts in that order, and which run each row of
    `cells` is in (runs numbered in sorted order).

    Each row is packed into a few int64 words (its cells plus one as digits in base
    max + 2), so the sort is a stable integer sort, not a comparison of byte strings.
    """
    count, width = cells.shape
    base = max(int(cells.max()) + 2, 2)
    per_word = 1
    while base ** (per_word + 1) < 2**63:
        per_word += 1
    words = []
    for begin in range(0, width, per_word):
        word = np.zeros(count, np.int64)
        for column in range(begin, min(begin + per_word, width)):
            word *= base
            word += cells[:, column]
            word += 1
        words.append(word)
    # both stable; lexsort's last key is the primary one
    order = np.argsort(words[0], kind="stable") if len(words) == 1 else np.lexsort(words[::-1])
    fresh = np.zeros(count, dtype=bool)
    fresh[0] = True
    for word in words:
        ordered = word[order]
        fresh[1:] |= ordered[1:] != ordered[:-1]
    run = np.empty(count, np.intp)
    run[order] = np.cumsum(fresh) - 1
    return order, np.flatnonzero(fresh), run


class MatrixBallots(Sequence[Ballot]):
    """A contest's papers as the distinct rankings of a matrix, one weighted `Ballot` per
    ranking in first-appearance order (what `ballots.compress` gives), made only when read.

    Readers that build the matrix straight from the file's bytes put this in `Contest.ballots`:
    the vectorised counts read the matrix and never touch it, so a million papers cost no
    Python object each; any other rule set reads the Ballots, built on first use.
    """

    __slots__ = ("_ballots", "_rows", "_weights")

    def __init__(self, rows: Cells, weights: Weights) -> None:
        self._rows = rows
        """Distinct plain rankings, -1 padded, in first-appearance order."""
        self._weights = weights
        self._ballots: tuple[Ballot, ...] | None = None

    def _made(self) -> tuple[Ballot, ...]:
        if self._ballots is None:
            top = int(self._rows.max()) + 1 if self._rows.size else 0
            singles = [(c,) for c in range(top)]
            self._ballots = tuple(
                Ballot(tuple(singles[c] for c in row if c >= 0), weight)
                for row, weight in zip(self._rows.tolist(), self._weights.tolist(), strict=True)
            )
        return self._ballots

    def __len__(self) -> int:
        return len(self._weights)

    @overload
    def __getitem__(self, index: int) -> Ballot: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Ballot, ...]: ...

    def __getitem__(self, index: int | slice) -> Ballot | tuple[Ballot, ...]:
        return self._made()[index]

    def __iter__(self) -> Iterator[Ballot]:
        return iter(self._made())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, MatrixBallots | tuple):
            return self._made() == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._made())

    def __repr__(self) -> str:
        return f"MatrixBallots({len(self)} distinct rankings)"


def matrix_papers(
    rows: Cells, weights: Weights, first: npt.NDArray[np.intp], candidates: int
) -> tuple[MatrixBallots, RankingMatrix] | None:
    """A reader's papers and matrix from its distinct plain rankings as arrays: `rows` sorted
    and distinct as `dedupe_first` gives them (-1 padded, indices below `candidates`), their
    total `weights` and each one's first appearance in the file. None when a ranking names a
    candidate twice or the total weight does not fit int64 (the reader keeps its Ballots)."""
    if names_twice(rows):
        return None
    total = sum(weights.tolist()) if len(weights) else 0
    if total > _INT64_LIMIT or (len(weights) and int(weights.min()) < 0):
        return None
    order = first.argsort(kind="stable")
    papers = MatrixBallots(rows[order], weights[order])
    return papers, RankingMatrix(rows, weights, candidates, total)


def distinct_papers(
    merged: Mapping[tuple[tuple[int, ...], ...], int], candidates: int
) -> tuple[Sequence[Ballot], RankingMatrix | None]:
    """A reader's papers from its distinct rankings -> total weights (first-appearance order,
    as `ballots.merge_rankings` gives them): when every ranking is plain, the `MatrixBallots`
    and `RankingMatrix` of `matrix_papers`; else one `Ballot` per ranking and no matrix."""
    built = _plain_papers(merged, candidates) if merged else None
    if built is not None:
        return built
    return tuple(Ballot(ranks, weight) for ranks, weight in merged.items()), None


def _plain_papers(
    merged: Mapping[tuple[tuple[int, ...], ...], int], candidates: int
) -> tuple[MatrixBallots, RankingMatrix] | None:
    if not set(map(len, chain.from_iterable(merged))) <= {1}:
        return None  # a skipped rank or several marks at one rank
    if not all(0 <= w <= _INT64_LIMIT for w in merged.values()):
        return None
    count = len(merged)
    lengths = np.fromiter(map(len, merged), np.int64, count)
    marks = chain.from_iterable(chain.from_iterable(merged))
    flat = np.fromiter(marks, np.int64, int(lengths.sum()))
    if flat.size and not (int(flat.min()) >= 0 and int(flat.max()) < candidates):
        return None
    dtype = np.int16 if candidates <= np.iinfo(np.int16).max else np.int32
    width = int(lengths.max())
    rows = np.full((count, width), -1, dtype)
    rows[np.arange(width) < lengths[:, None]] = flat
    weights = np.fromiter(merged.values(), np.int64, count)
    return matrix_papers(*dedupe_first(rows, weights), candidates)


def names_twice(rows: Cells) -> bool:
    """Whether some row of a matrix names a candidate twice."""
    if rows.shape[1] < 2:
        return False
    ordered = np.sort(rows, axis=1)
    return bool(np.any((ordered[:, 1:] == ordered[:, :-1]) & (ordered[:, 1:] >= 0)))


def attach(contest: Contest, matrix: RankingMatrix | None = None) -> Contest:
    """`contest` with its ranking matrix in `extras` (built from the ballots if not given).

    A given matrix must describe exactly `contest.ballots` (the same papers, e.g. from the same
    list of rankings); the total weight is checked, the rest is the caller's word. When the
    ballots are not plain the contest is returned as it is (the reference engines count it).
    """
    n = len(contest.candidates)
    if matrix is None:
        matrix = RankingMatrix.from_ballots(contest.ballots, n)
        if matrix is None:
            return contest
    if matrix.candidates > n:
        raise CountingError(
            f"contest {contest.title!r}: ranking matrix has candidate indices up to "
            f"{matrix.candidates - 1}, but the contest has {n} candidates"
        )
    papers = sum(map(attrgetter("weight"), contest.ballots))
    if papers != matrix.total:
        raise CountingError(
            f"contest {contest.title!r}: ranking matrix holds {matrix.total} papers, "
            f"the ballots {papers}; expected the same papers"
        )
    extras = {**contest.extras, MATRIX_KEY: matrix.bound_to(contest.ballots)}
    return replace(contest, extras=extras)


def matrix_for(contest: Contest) -> RankingMatrix | None:
    """The contest's ranking matrix: the attached one while it is bound to `contest.ballots`,
    else one built from the ballots; None when some paper is not plain."""
    attached = contest.extras.get(MATRIX_KEY)
    if (
        isinstance(attached, RankingMatrix)
        and attached.ballots is contest.ballots
        and attached.candidates <= len(contest.candidates)
    ):
        return attached
    return RankingMatrix.from_ballots(contest.ballots, len(contest.candidates))


def walk(
    cells: Cells,
    stop: npt.NDArray[np.bool_],
    rows: npt.NDArray[np.intp],
    start: npt.NDArray[np.intp],
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """For each of `rows`, the first position at or after `start` whose candidate c has
    `stop[c]`, and that candidate (-1 when the row runs out first).

    `cells` is `RankingMatrix.cells()` (every row ends in -1); `stop` has one entry per candidate
    and a last one, True, that -1 indexes. Vectorised: each step advances only the rows that have
    not stopped, so a walk costs one array operation per rank actually passed over.
    """
    position = start.copy()
    found = cells[rows, position].astype(np.intp)
    going = np.flatnonzero(~stop[found])
    while going.size:
        position[going] += 1
        step = cells[rows[going], position[going]].astype(np.intp)
        found[going] = step
        going = going[~stop[step]]
    return found, position
