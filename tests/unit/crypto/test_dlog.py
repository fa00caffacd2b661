"""Bounded discrete log by baby-step giant-step (spec §3.6)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clearcount.core.errors import DiscreteLogError
from clearcount.crypto.dlog import DiscreteLog
from clearcount.crypto.group import Point, Scalar

TABLE = DiscreteLog(5_000)


@given(st.integers(min_value=0, max_value=5_000))
def test_every_value_in_the_bound_is_found(m: int) -> None:
    assert TABLE.solve(Point.base_mul(Scalar.from_int(m))) == m


@pytest.mark.parametrize("bound", [0, 1, 2, 3, 8, 9, 10, 99, 100])
def test_edges_of_small_bounds(bound: int) -> None:
    table = DiscreteLog(bound)
    assert table.bound == bound
    for m in range(bound + 1):
        assert table.solve(Point.base_mul(Scalar.from_int(m))) == m
    with pytest.raises(DiscreteLogError, match=f"0 <= m <= {bound}"):
        table.solve(Point.base_mul(Scalar.from_int(bound + 1)))


@pytest.mark.parametrize("m", [-1, 5_001, 10**9])
def test_values_outside_the_bound_are_errors(m: int) -> None:
    with pytest.raises(DiscreteLogError):
        TABLE.solve(Point.base_mul(Scalar.from_int(m)))


def test_a_random_point_is_an_error() -> None:
    with pytest.raises(DiscreteLogError, match="wrong key"):
        TABLE.solve(Point.hash_to_group(b"test", b"not a tally"))


@pytest.mark.parametrize("bound", [-1, True, 2.0])
def test_bad_bounds(bound: object) -> None:
    with pytest.raises(ValueError, match="bound"):
        DiscreteLog(bound)  # type: ignore[arg-type]


def test_large_electorate_table_is_small() -> None:
    table = DiscreteLog(1_000_000)
    assert table.solve(Point.base_mul(Scalar.from_int(999_999))) == 999_999
    assert table.solve(Point.base_mul(Scalar.from_int(1_000_000))) == 1_000_000
