"""An exact port of `java.util.Random`, so RCTab's seeded tie-breaks can be repeated here.

RCTab draws every random tie-break from `new java.util.Random(randomSeed)` (counting.md §7,
`Tiebreak.java`): `nextDouble()` picks an index in the sorted tied list, and
`Collections.shuffle(list, random)` makes the `generatePermutation` order. The generator is the
48-bit linear congruential generator the Java SE API documents for `java.util.Random`; this module
follows that documented algorithm. No floats: `next_double` returns the double's exact value as a
Fraction, and `scaled_index` reproduces Java's `(int) Math.floor(d * n)`, including its rounding.
"""

from __future__ import annotations

from collections.abc import MutableSequence, Sequence
from fractions import Fraction
from typing import TypeVar

from clearcount.core.errors import ConfigError

__all__ = ["JavaRandom", "java_hash_set_order", "java_shuffle", "java_string_key"]

_MULTIPLIER = 0x5DEECE66D
_ADDEND = 0xB
_MASK = (1 << 48) - 1
_DOUBLE_BITS = 53

T = TypeVar("T")


def _to_int32(value: int) -> int:
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value & 0x80000000 else value


class JavaRandom:
    """`java.util.Random` with the same seed gives the same sequence, call for call."""

    __slots__ = ("_seed",)

    def __init__(self, seed: int) -> None:
        if not -(1 << 63) <= seed < (1 << 63):
            raise ConfigError(f"java.util.Random: seed must be a Java long, got {seed}")
        self._seed = (seed ^ _MULTIPLIER) & _MASK

    def next_bits(self, bits: int) -> int:
        """`next(bits)`: the top `bits` bits of the new state, as a signed 32-bit int."""
        self._seed = (self._seed * _MULTIPLIER + _ADDEND) & _MASK
        return _to_int32(self._seed >> (48 - bits))

    def next_int(self, bound: int | None = None) -> int:
        """`nextInt()` or `nextInt(bound)` (uniform in [0, bound), Java's rejection loop)."""
        if bound is None:
            return self.next_bits(32)
        if bound <= 0:
            raise ConfigError(f"java.util.Random.nextInt: bound must be positive, got {bound}")
        r = self.next_bits(31)
        m = bound - 1
        if bound & m == 0:
            return (bound * r) >> 31
        u = r
        r = u % bound
        while _to_int32(u - r + m) < 0:
            u = self.next_bits(31)
            r = u % bound
        return r

    def next_double_units(self) -> int:
        """The 53-bit integer k behind `nextDouble()`, which returns k / 2**53."""
        return (self.next_bits(26) << 27) + self.next_bits(27)

    def next_double(self) -> Fraction:
        """`nextDouble()` as the exact value of the Java double."""
        return Fraction(self.next_double_units(), 1 << _DOUBLE_BITS)

    def scaled_index(self, size: int) -> int:
        """`(int) Math.floor(random.nextDouble() * (double) size)`, as RCTab's random tie-break.

        The product is rounded to a double (53 significant bits, ties to even) before the floor,
        exactly as the JVM does, so an index at a boundary matches Java.
        """
        if size <= 0:
            raise ConfigError(f"java.util.Random: size must be positive, got {size}")
        product = self.next_double_units() * size
        extra = product.bit_length() - _DOUBLE_BITS
        if extra > 0:
            kept, rest = divmod(product, 1 << extra)
            half = 1 << (extra - 1)
            if rest > half or (rest == half and kept & 1):
                kept += 1
            product = kept << extra
        return product >> _DOUBLE_BITS


def java_shuffle(items: MutableSequence[T], random: JavaRandom) -> None:
    """`Collections.shuffle(list, random)` in place: swap i-1 with nextInt(i), i from size down."""
    for i in range(len(items), 1, -1):
        j = random.next_int(i)
        items[i - 1], items[j] = items[j], items[i - 1]


def java_string_key(text: str) -> bytes:
    """Sort key giving Java's `String.compareTo` order (UTF-16 code units, not code points)."""
    return text.encode("utf-16-be")


def _java_string_hash(text: str) -> int:
    """`String.hashCode()`: s[0]*31^(n-1) + ... over UTF-16 code units, as a 32-bit int."""
    data = text.encode("utf-16-be")
    h = 0
    for i in range(0, len(data), 2):
        h = (31 * h + (data[i] << 8 | data[i + 1])) & 0xFFFFFFFF
    return h


def java_hash_set_order(items: Sequence[str]) -> list[str]:
    """The iteration order of `new HashSet<>(items)` (Java 8+ HashMap, no tree bins).

    RCTab's previous-round tie-break rebuilds its list of still-tied names through a HashSet,
    and its random fallback indexes that list, so the order decides who a seeded draw picks.
    """
    capacity = 1
    needed = max(int(len(items) / 0.75) + 1, 16)
    while capacity < needed:
        capacity *= 2
    buckets: dict[int, list[str]] = {}
    for item in items:
        h = _java_string_hash(item)
        slot = (h ^ (h >> 16)) & (capacity - 1)
        chain = buckets.setdefault(slot, [])
        if item not in chain:
            chain.append(item)
    return [item for slot in sorted(buckets) for item in buckets[slot]]
