"""Tie-break building blocks shared by the rule sets.

Two mechanisms cover every published rule: a search of earlier stages (most recent first for
Scottish STV r.49/r.51, earliest first for ERS97 5.2.3) and a draw by lot. The draw is a
*seeded* lot that anyone can repeat: tied names are ordered by SHA-256 of the seed, the stage, the
purpose and the name, and the seed is written into the result.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Literal

from clearcount.counting.ballots import Contest

__all__ = ["contest_seed", "draw_order", "narrow_by_history"]


def narrow_by_history(
    tied: Sequence[str],
    history: Sequence[Mapping[str, Fraction]],
    *,
    search: Literal["most recent", "earliest"],
    keep: Literal["lowest", "highest"],
) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """Narrow `tied` by their votes at earlier stages.

    `history[i]` is the tally at the end of stage i + 1 (the current stage excluded). The search
    visits stages in the given direction; at the first where the tied candidates are not all equal
    it keeps the `keep` group, and goes on with that group if it still has more than one member.
    Returns the remaining candidates (one when the history decides) and the stage numbers used.
    """
    remaining = tuple(tied)
    used: list[int] = []
    order = range(len(history) - 1, -1, -1) if search == "most recent" else range(len(history))
    for i in order:
        if len(remaining) < 2:
            break
        tally = history[i]
        values = {name: tally.get(name, Fraction(0)) for name in remaining}
        if len(set(values.values())) == 1:
            continue
        target = min(values.values()) if keep == "lowest" else max(values.values())
        remaining = tuple(name for name in remaining if values[name] == target)
        used.append(i + 1)
    return remaining, tuple(used)


def draw_order(tied: Sequence[str], seed: str, stage: int, purpose: str) -> tuple[str, ...]:
    """The tied names in the order a seeded lot puts them (first drawn first).

    Order by SHA-256(seed | stage | purpose | name), length-prefixed so no two inputs collide;
    anyone with the seed can repeat the draw with a few lines of code in any language.
    """

    def key(name: str) -> bytes:
        digest = hashlib.sha256()
        for part in (seed, str(stage), purpose, name):
            data = part.encode("utf-8")
            digest.update(len(data).to_bytes(8, "big"))
            digest.update(data)
        return digest.digest()

    return tuple(sorted(tied, key=key))


def contest_seed(contest: Contest) -> str:
    """A default seed that nobody chooses: SHA-256 of the contest's candidates and ballots.

    The ballots are merged and sorted first, so shuffling the papers gives the same seed.

    Used when the rules give no seed, so that a draw is still repeatable and not in the hands of
    the official; a published seed (from a public lot) should be preferred and passed explicitly.
    """
    digest = hashlib.sha256(b"clearcount contest seed v1")
    for name in contest.candidates:
        digest.update(name.encode("utf-8") + b"\x00")
    digest.update(str(contest.seats).encode())
    weights: dict[tuple[tuple[int, ...], ...], int] = {}
    for ballot in contest.ballots:
        weights[ballot.ranks] = weights.get(ballot.ranks, 0) + ballot.weight
    for ranks in sorted(weights):  # the order of papers in the file must not change the seed
        digest.update(repr((ranks, weights[ranks])).encode())
    return digest.hexdigest()[:32]
