"""Hypothesis strategies for random contests, shared by the counting tests.

`contests()` draws a small `Contest` (fictional names, a few seats, weighted ballots) that any
ranked rule set can count; flags add withdrawn candidates, undeclared write-ins and the defects
real papers have (skipped ranks, equal rankings, overvote marks, repeated names).
"""

from __future__ import annotations

from hypothesis import strategies as st

from clearcount.counting.ballots import OVERVOTE, Ballot, Contest

__all__ = ["NAMES", "ballots", "contests", "rankings"]

NAMES = (
    "Ann Arbel", "Ben Brask", "Cat Corrin", "Dan Dulwich", "Eve Ember",
    "Fay Fenwick", "Gus Garrow", "Hal Hesketh", "Ivy Ingle", "Jo Jarrow",
)  # fmt: skip


def rankings(n: int, *, max_length: int | None = None) -> st.SearchStrategy[tuple[int, ...]]:
    """A plain ranking: distinct candidate indices 0..n-1, possibly empty."""
    return st.lists(
        st.integers(0, n - 1), unique=True, max_size=n if max_length is None else max_length
    ).map(tuple)


@st.composite
def ballots(draw: st.DrawFn, n: int, *, defects: bool = False, max_weight: int = 5) -> Ballot:
    """One ballot; with `defects`, some ranks are skipped, shared, overvoted or repeated."""
    ranking = draw(rankings(n))
    ranks: list[tuple[int, ...]] = [(c,) for c in ranking]
    if defects and ranks:
        for _ in range(draw(st.integers(0, 2))):
            i = draw(st.integers(0, len(ranks)))
            kinds = ("skip", "overvote", "repeat") + (("equal",) if n > 1 else ())
            kind = draw(st.sampled_from(kinds))
            cell: tuple[int, ...]
            if kind == "skip":
                cell = ()
            elif kind == "equal":
                marks = st.lists(st.integers(0, n - 1), min_size=2, max_size=3, unique=True)
                cell = tuple(draw(marks))
            elif kind == "overvote":
                cell = (OVERVOTE,)
            else:
                cell = ranks[draw(st.integers(0, len(ranks) - 1))]
            ranks.insert(i, cell)
    return Ballot(tuple(ranks), draw(st.integers(1, max_weight)))


@st.composite
def contests(
    draw: st.DrawFn,
    *,
    min_candidates: int = 1,
    max_candidates: int = 6,
    max_seats: int = 3,
    max_ballots: int = 25,
    withdrawn: bool = False,
    undeclared: bool = False,
    defects: bool = False,
) -> Contest:
    """A small contest; seats may equal or exceed the candidates (a degenerate case to cover)."""
    n = draw(st.integers(min_candidates, max_candidates))
    seats = draw(st.integers(1, max_seats))
    papers = draw(st.lists(ballots(n, defects=defects), max_size=max_ballots))
    out: frozenset[int] = frozenset()
    if withdrawn:
        out = frozenset(draw(st.sets(st.integers(0, n - 1), max_size=n // 3)))
    uwi: frozenset[int] = frozenset()
    if undeclared and n > 1:
        uwi = frozenset(draw(st.sets(st.integers(0, n - 1), max_size=1))) - out
    return Contest(
        candidates=NAMES[:n],
        ballots=tuple(papers),
        seats=seats,
        withdrawn=out,
        undeclared=uwi,
        title="random contest",
    )
