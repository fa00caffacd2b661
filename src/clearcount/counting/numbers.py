"""Exact numbers for counts: fixed-point units per rule set, rendered without floats."""

from __future__ import annotations

from fractions import Fraction

__all__ = ["decimal_text", "floor_units", "from_units", "to_units"]


def _scale(places: int) -> int:
    if places < 0:
        raise ValueError(f"places must be >= 0, got {places}")
    scale: int = 10**places
    return scale


def to_units(value: Fraction | int, places: int) -> int:
    """`value` in units of 10**-places, which must be exact (no rounding here)."""
    scaled = Fraction(value) * _scale(places)
    if scaled.denominator != 1:
        raise ValueError(f"{value} is not a whole number of 1e-{places} units")
    return scaled.numerator


def floor_units(value: Fraction, places: int) -> int:
    """`value` truncated (toward minus infinity) to units of 10**-places."""
    scaled = value * _scale(places)
    return scaled.numerator // scaled.denominator


def from_units(units: int, places: int) -> Fraction:
    return Fraction(units, 10**places)


def decimal_text(value: Fraction | int, places: int | None = None) -> str:
    """Exact decimal text: `places` digits if given, else as many as the value needs.

    A value with no finite decimal expansion (only possible with exact Fractions) is written p/q.
    """
    value = Fraction(value)
    if places is None:
        denominator, twos, fives = value.denominator, 0, 0
        while denominator % 2 == 0:
            denominator, twos = denominator // 2, twos + 1
        while denominator % 5 == 0:
            denominator, fives = denominator // 5, fives + 1
        if denominator != 1:
            return f"{value.numerator}/{value.denominator}"
        return decimal_text(value, max(twos, fives))
    scaled = value * 10**places
    if scaled.denominator != 1:
        return f"{value.numerator}/{value.denominator}"
    units = scaled.numerator
    sign = "-" if units < 0 else ""
    whole, frac = divmod(abs(units), 10**places)
    if places == 0:
        return f"{sign}{whole}"
    return f"{sign}{whole}.{frac:0{places}d}"
