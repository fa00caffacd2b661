"""Adapters that put one election into each counter's own model and count it.

Every adapter starts from the same `Election` (plain rankings, one per paper, 0-based indices),
so "load" is the conversion each tool needs from a list of rankings, and "count" is the call a
user of that tool would make. What each peer actually implements (from its 2.0.6 / 3.5.0
source), so that differing winners can be read correctly:

* pyrankvote `instant_runoff_voting`: float tallies; elected at >= ceil(active/2) (half the
  continuing papers suffices, not a strict majority); bulk-rejects candidates who cannot catch
  up; ties by "most second choices" then `random`. One `Ballot` object per paper (no weights).
* pyrankvote `single_transferable_vote`: float Droop quota active/(seats+1) without the +1 or
  truncation; every candidate over quota is elected at once and each of their papers moves at
  surplus / papers held, ignoring the value it arrived with; bulk rejection. Not Scottish STV.
* votekit `IRV`: `STV` with one seat: the quota is fixed once at floor(total/2)+1 of the first
  round (not recomputed on continuing papers); when nobody reaches it, the last survivor wins.
* votekit `STV` (fractional transfer, `simultaneous=True`): integer Droop quota
  floor(total/(seats+1))+1, but every candidate over quota is elected in one round and each paper
  is multiplied by (votes - quota) / votes in floats, with no 5-decimal truncation, no
  one-surplus-per-stage order and no r.49/r.51 history tie-break. Weighted inclusive Gregory in
  spirit; not Scottish STV (SSI 2007/42 rr.48-51).
* votekit `FastSTV`: the same rules on numpy arrays; `FastSTV(n_seats=1)` is votekit's fast IRV
  (its own `FastIRV` class is not exported).

Peers get their natural input: pyrankvote one object per paper (it has no weights), votekit
identical rankings grouped into weighted `RankBallot`s (what its own loaders do with
`group_ballots`). clearcount gets one weight-1 `Ballot` per paper plus, built in the same load,
the `RankingMatrix` of the rankings (distinct rows merged by a stable integer sort, like votekit's
grouping) attached to the contest, so the count runs the vectorised `irv` / `stv-scottish`
path; `clearcount-blt` reads the weight-1 BLT file and `clearcount-packed` the packed one
(identical rankings merged, like votekit's input), each building the matrix as it reads
(`parse_blt(..., ranking_matrix=True)`).
"""

from __future__ import annotations

import importlib
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from generate import make_contest

__all__ = ["ADAPTERS", "Adapter", "Election", "adapter", "import_modules"]

CLEARCOUNT_METHOD = {"irv": "irv", "stv": "stv-scottish"}
"""Benchmark method -> clearcount rule set name."""


@dataclass(frozen=True, slots=True)
class Election:
    """The common input: candidate names, seats and one plain ranking per paper."""

    candidates: tuple[str, ...]
    seats: int
    rankings: Sequence[tuple[int, ...]]
    blt: Path | None = None
    """The same papers as a BLT file, one weight-1 line per paper (`clearcount-blt`)."""
    packed_blt: Path | None = None
    """The same papers as a packed BLT file, identical rankings merged (`clearcount-packed`)."""

    def seats_for(self, method: str) -> int:
        return 1 if method == "irv" else self.seats


@dataclass(frozen=True, slots=True)
class Adapter:
    """How one tool loads and counts; `count` returns the elected names in order of election."""

    tool: str
    method: str
    call: str
    """What is called, as the report prints it."""
    modules: tuple[str, ...]
    """Imported before timing starts (votekit's import alone takes seconds)."""
    load: Callable[[Election, str], Any]
    count: Callable[[Any, Election, str], tuple[str, ...]]


# --- clearcount -------------------------------------------------------------------------------


def _clearcount_load(election: Election, method: str) -> Any:
    from clearcount.counting.ranking_matrix import RankingMatrix, attach

    contest = make_contest(election.candidates, election.seats_for(method), election.rankings)
    matrix = RankingMatrix.from_rows(election.rankings, candidates=len(election.candidates))
    return attach(contest, matrix)


def _parse_blt(path: Path | None, tool: str, method: str) -> Any:
    from clearcount.counting.readers.blt import parse_blt

    if path is None:
        raise ValueError(f"{tool}: no BLT file in the Election; expected a path")
    contest = parse_blt(path.read_text(encoding="utf-8"), str(path), ranking_matrix=True)
    return replace(contest, seats=1) if method == "irv" else contest


def _clearcount_load_blt(election: Election, method: str) -> Any:
    return _parse_blt(election.blt, "clearcount-blt", method)


def _clearcount_load_packed(election: Election, method: str) -> Any:
    return _parse_blt(election.packed_blt, "clearcount-packed", method)


def _clearcount_count(contest: Any, election: Election, method: str) -> tuple[str, ...]:
    from clearcount.counting.registry import count

    return tuple(count(CLEARCOUNT_METHOD[method], contest).elected)


# --- pyrankvote -------------------------------------------------------------------------------


def _pyrankvote_load(election: Election, method: str) -> Any:
    from pyrankvote import Ballot, Candidate

    candidates = [Candidate(name) for name in election.candidates]
    pick = candidates.__getitem__
    return candidates, [Ballot(ranked_candidates=list(map(pick, r))) for r in election.rankings]


def _pyrankvote_count(loaded: Any, election: Election, method: str) -> tuple[str, ...]:
    import pyrankvote

    candidates, ballots = loaded
    random.seed(0)  # its last-resort tie-break uses the global `random`
    if method == "irv":
        result = pyrankvote.instant_runoff_voting(candidates, ballots)
    else:
        result = pyrankvote.single_transferable_vote(
            candidates, ballots, number_of_seats=election.seats
        )
    return tuple(c.name for c in result.get_winners())


# --- votekit ----------------------------------------------------------------------------------


def _votekit_load(election: Election, method: str) -> Any:
    from votekit import RankBallot, RankProfile

    names = election.candidates
    grouped = Counter(election.rankings)
    ballots = tuple(RankBallot(ranking=[names[c] for c in r], weight=w) for r, w in grouped.items())
    return RankProfile(ballots=ballots, candidates=names, max_ranking_length=len(names))


def _flatten(elected: Sequence[frozenset[Any]]) -> tuple[str, ...]:
    """votekit returns one frozenset per round; simultaneous winners are sorted by name."""
    return tuple(str(name) for group in elected for name in sorted(group, key=str))


def _votekit_count(profile: Any, election: Election, method: str) -> tuple[str, ...]:
    from votekit.elections import IRV, STV

    run: STV = (
        IRV(profile, rng_seed=0)
        if method == "irv"
        else STV(profile, n_seats=election.seats, rng_seed=0)
    )
    return _flatten(run.get_elected())


def _votekit_fast_count(profile: Any, election: Election, method: str) -> tuple[str, ...]:
    from votekit.elections import FastSTV

    run = FastSTV(profile, n_seats=election.seats_for(method), transfer="fractional", rng_seed=0)
    return _flatten(run.get_elected())


# --- the table --------------------------------------------------------------------------------

_VOTEKIT = ("votekit", "votekit.elections")
_CLEARCOUNT = {
    method: ("clearcount.counting.registry", "clearcount.counting.readers.blt", module)
    for method, module in (
        ("irv", "clearcount.counting.irv"),
        ("stv", "clearcount.counting.stv_scottish"),
    )
}

ADAPTERS: tuple[Adapter, ...] = (
    Adapter("clearcount", "irv", "registry.count('irv')", _CLEARCOUNT["irv"],
            _clearcount_load, _clearcount_count),
    Adapter("clearcount", "stv", "registry.count('stv-scottish')", _CLEARCOUNT["stv"],
            _clearcount_load, _clearcount_count),
    Adapter("clearcount-blt", "irv", "parse_blt + registry.count('irv')", _CLEARCOUNT["irv"],
            _clearcount_load_blt, _clearcount_count),
    Adapter("clearcount-blt", "stv", "parse_blt + registry.count('stv-scottish')",
            _CLEARCOUNT["stv"], _clearcount_load_blt, _clearcount_count),
    Adapter("clearcount-packed", "irv", "parse_blt(packed) + registry.count('irv')",
            _CLEARCOUNT["irv"], _clearcount_load_packed, _clearcount_count),
    Adapter("clearcount-packed", "stv", "parse_blt(packed) + registry.count('stv-scottish')",
            _CLEARCOUNT["stv"], _clearcount_load_packed, _clearcount_count),
    Adapter("pyrankvote", "irv", "instant_runoff_voting", ("pyrankvote",),
            _pyrankvote_load, _pyrankvote_count),
    Adapter("pyrankvote", "stv", "single_transferable_vote", ("pyrankvote",),
            _pyrankvote_load, _pyrankvote_count),
    Adapter("votekit", "irv", "IRV", _VOTEKIT, _votekit_load, _votekit_count),
    Adapter("votekit", "stv", "STV(fractional_transfer)", _VOTEKIT,
            _votekit_load, _votekit_count),
    Adapter("votekit-fast", "irv", "FastSTV(n_seats=1)", _VOTEKIT,
            _votekit_load, _votekit_fast_count),
    Adapter("votekit-fast", "stv", "FastSTV(transfer='fractional')", _VOTEKIT,
            _votekit_load, _votekit_fast_count),
)  # fmt: skip


def adapter(tool: str, method: str) -> Adapter:
    """The adapter for `tool` counting `method` ("irv" or "stv")."""
    for candidate in ADAPTERS:
        if candidate.tool == tool and candidate.method == method:
            return candidate
    known = ", ".join(f"{a.tool}/{a.method}" for a in ADAPTERS)
    raise KeyError(f"no adapter for tool={tool!r} method={method!r}; expected one of {known}")


def import_modules(chosen: Adapter) -> None:
    """Import what `chosen` needs, outside the timed sections."""
    for name in chosen.modules:
        importlib.import_module(name)
