"""Bounded discrete logarithm of a decrypted tally, by baby-step giant-step (spec §3.6).

A count can never exceed the electorate (or the total weight), so m in mG lies in [0, bound].
Shanks' method needs about 2·sqrt(bound) group additions; the baby-step table is built once and
reused for every count of the tally, which is what makes a thousand contests cheap.
"""

from __future__ import annotations

from math import isqrt

from clearcount.core.errors import DiscreteLogError
from clearcount.crypto.group import Point, Scalar

__all__ = ["DiscreteLog"]


class DiscreteLog:
    """Solve mG -> m for 0 <= m <= bound, with one table of ceil(sqrt(bound + 1)) points.

    Holds a read-only table after construction; safe to share across threads and tallies.
    """

    __slots__ = ("_bound", "_giant", "_step", "_table")

    def __init__(self, bound: int) -> None:
        if isinstance(bound, bool) or not isinstance(bound, int) or bound < 0:
            raise ValueError(f"DiscreteLog bound: expected an integer >= 0, got {bound!r}")
        step = isqrt(bound) + 1  # step * step > bound
        table: dict[bytes, int] = {}
        point = Point.identity()
        generator = Point.generator()
        for j in range(step):
            table[point.to_bytes()] = j
            point = point + generator
        self._bound = bound
        self._step = step
        self._table = table
        self._giant = -Point.base_mul(Scalar.from_int(step))

    @property
    def bound(self) -> int:
        return self._bound

    def solve(self, point: Point) -> int:
        """The m in [0, bound] with mG = point; DiscreteLogError if there is none."""
        current = point
        for i in range(self._bound // self._step + 1):
            j = self._table.get(current.to_bytes())
            if j is not None:
                m = i * self._step + j
                if m <= self._bound:
                    return m
                break
            current = current + self._giant
        raise DiscreteLogError(
            f"decrypted tally {point.to_bytes().hex()}: expected mG with 0 <= m <= "
            f"{self._bound}, found no such m (wrong key, bad share, or bound too small)"
        )
