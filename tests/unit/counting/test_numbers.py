from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clearcount.counting.numbers import decimal_text, floor_units, from_units, to_units


@pytest.mark.parametrize(
    ("value", "places", "text"),
    [
        (Fraction(12345, 100), 2, "123.45"),
        (Fraction(5), 5, "5.00000"),
        (Fraction(-1, 4), 2, "-0.25"),
        (Fraction(-1, 4), None, "-0.25"),
        (Fraction(7), None, "7"),
        (Fraction(1, 3), None, "1/3"),
        (Fraction(1, 3), 5, "1/3"),
        (Fraction(1, 1024), None, "0.0009765625"),
    ],
)
def test_decimal_text(value: Fraction, places: int | None, text: str) -> None:
    assert decimal_text(value, places) == text


def test_to_units_refuses_inexact() -> None:
    with pytest.raises(ValueError, match="not a whole number"):
        to_units(Fraction(1, 3), 5)


def test_floor_units_truncates_down() -> None:
    assert floor_units(Fraction(2, 3), 5) == 66666
    assert floor_units(Fraction(-2, 3), 5) == -66667


@given(st.integers(min_value=-(10**12), max_value=10**12), st.integers(min_value=0, max_value=9))
def test_units_round_trip(units: int, places: int) -> None:
    value = from_units(units, places)
    assert to_units(value, places) == units
    assert Fraction(decimal_text(value, places)) == value
