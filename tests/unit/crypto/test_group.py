"""ristretto255 through libsodium: encodings, decoding checks, identity handling (spec §1)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clearcount.core.errors import DecodingError
from clearcount.crypto.group import (
    ORDER,
    Point,
    Scalar,
    independent_generators,
    length_prefixed,
    seeded_scalars,
)

VECTORS = json.loads(
    (Path(__file__).parents[2] / "vectors" / "ristretto255_rfc9496.json").read_text()
)
MULTIPLES = VECTORS["multiples_of_generator"]["encodings"]
INVALID = [e for group in VECTORS["invalid_encodings"]["groups"].values() for e in group]
DERIVATION = VECTORS["element_derivation"]

scalars = st.integers(min_value=0, max_value=ORDER - 1).map(Scalar.from_int)
nonzero_scalars = st.integers(min_value=1, max_value=ORDER - 1).map(Scalar.from_int)


# RFC 9496 Appendix A -------------------------------------------------------------------------


@pytest.mark.parametrize("k", range(16))
def test_rfc9496_a1_multiples_of_the_generator(k: int) -> None:
    expected = bytes.fromhex(MULTIPLES[k])
    assert Point.base_mul(Scalar.from_int(k)).to_bytes() == expected
    assert (Point.generator() * Scalar.from_int(k)).to_bytes() == expected
    repeated = Point.identity()
    for _ in range(k):
        repeated = repeated + Point.generator()
    assert repeated.to_bytes() == expected
    assert Point.from_bytes(expected, allow_identity=True).to_bytes() == expected


def test_rfc9496_a1_identity_needs_permission() -> None:
    with pytest.raises(DecodingError, match="identity"):
        Point.from_bytes(bytes.fromhex(MULTIPLES[0]))
    assert Point.from_bytes(bytes.fromhex(MULTIPLES[0]), allow_identity=True).is_identity()


@pytest.mark.parametrize("encoding", INVALID)
def test_rfc9496_a2_invalid_encodings_are_rejected(encoding: str) -> None:
    with pytest.raises(DecodingError, match="canonical ristretto255"):
        Point.from_bytes(bytes.fromhex(encoding), allow_identity=True)


@pytest.mark.parametrize("pair", DERIVATION["pairs"])
def test_rfc9496_a3_element_derivation(pair: dict[str, str]) -> None:
    point = Point.from_uniform_bytes(bytes.fromhex(pair["input"]))
    assert point.to_bytes().hex() == pair["output"]


@pytest.mark.parametrize("data", DERIVATION["convergent_inputs"])
def test_rfc9496_a3_convergent_inputs(data: str) -> None:
    point = Point.from_uniform_bytes(bytes.fromhex(data))
    assert point.to_bytes().hex() == DERIVATION["convergent_output"]


def test_vector_file_is_complete() -> None:
    assert len(MULTIPLES) == 16
    assert len(INVALID) == 29
    assert len(DERIVATION["pairs"]) == 7


# decoding ------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [0, 1, 31, 33, 64])
def test_wrong_lengths_are_rejected(size: int) -> None:
    with pytest.raises(DecodingError, match="expected 32 bytes"):
        Point.from_bytes(b"\x01" * size)
    with pytest.raises(DecodingError, match="expected 32 bytes"):
        Scalar.from_bytes(b"\x01" * size)


def test_non_bytes_are_rejected_not_coerced() -> None:
    with pytest.raises(DecodingError, match="expected bytes"):
        Point.from_bytes(32)  # type: ignore[arg-type]
    with pytest.raises(DecodingError, match="expected bytes"):
        Scalar.from_bytes("00" * 32)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [ORDER, ORDER + 1, 2**253, 2**256 - 1])
def test_unreduced_scalars_are_rejected(value: int) -> None:
    with pytest.raises(DecodingError, match="unreduced"):
        Scalar.from_bytes(value.to_bytes(32, "little"))


def test_largest_canonical_scalar_is_accepted() -> None:
    assert Scalar.from_bytes((ORDER - 1).to_bytes(32, "little")).to_int() == ORDER - 1


def test_direct_construction_is_checked_too() -> None:
    with pytest.raises(DecodingError):
        Point(bytes.fromhex(INVALID[0]))
    with pytest.raises(DecodingError):
        Scalar(ORDER.to_bytes(32, "little"))


def test_non_canonical_encoding_of_a_valid_point_is_rejected() -> None:
    # s + p encodes the same field element as s but is not canonical (RFC 9496 §4.3.1).
    p = 2**255 - 19
    s = int.from_bytes(bytes.fromhex(MULTIPLES[1]), "little")
    if s + p < 2**256:
        with pytest.raises(DecodingError):
            Point.from_bytes((s + p).to_bytes(32, "little"))
    # s = 1 is negative (odd) in RFC 9496's sense.
    with pytest.raises(DecodingError):
        Point.from_bytes((1).to_bytes(32, "little"))


def test_uniform_bytes_need_64_bytes() -> None:
    with pytest.raises(DecodingError, match="64 bytes"):
        Point.from_uniform_bytes(b"\x00" * 63)


# arithmetic ----------------------------------------------------------------------------------


@given(scalars, scalars)
def test_scalar_arithmetic_matches_integers_mod_l(a: Scalar, b: Scalar) -> None:
    assert (a + b).to_int() == (a.to_int() + b.to_int()) % ORDER
    assert (a - b).to_int() == (a.to_int() - b.to_int()) % ORDER
    assert (a * b).to_int() == (a.to_int() * b.to_int()) % ORDER
    assert (-a).to_int() == (-a.to_int()) % ORDER
    assert Scalar.from_bytes(a.to_bytes()) == a


@given(nonzero_scalars)
def test_scalar_inverse(a: Scalar) -> None:
    assert a * a.inverse() == Scalar.from_int(1)


def test_zero_has_no_inverse() -> None:
    with pytest.raises(ZeroDivisionError):
        Scalar.from_int(0).inverse()


def test_from_int_reduces() -> None:
    assert Scalar.from_int(-1).to_int() == ORDER - 1
    assert Scalar.from_int(ORDER + 5) == Scalar.from_int(5)


@given(scalars, scalars)
def test_group_law(a: Scalar, b: Scalar) -> None:
    g = Point.generator()
    assert Point.base_mul(a + b) == Point.base_mul(a) + Point.base_mul(b)
    assert Point.base_mul(a) * b == Point.base_mul(a * b)
    assert Point.base_mul(a) - Point.base_mul(b) == Point.base_mul(a - b)
    assert -Point.base_mul(a) == Point.base_mul(-a)
    assert g * a == Point.base_mul(a)


@given(nonzero_scalars)
def test_variable_base_identity_cases(a: Scalar) -> None:
    p = Point.hash_to_group(b"test", a.to_bytes())
    assert (p * Scalar.from_int(0)).is_identity()
    assert (Point.identity() * a).is_identity()
    assert (p - p).is_identity()
    assert -p + p == Point.identity()
    assert p * Scalar.from_int(ORDER - 1) == -p
    assert Point.from_bytes((p * a).to_bytes()) == p * a


def test_base_mul_of_zero_is_identity() -> None:
    assert Point.base_mul(Scalar.from_int(0)) == Point.identity()
    assert Point.generator() + Point.identity() == Point.generator()


def test_types_stay_apart() -> None:
    with pytest.raises(TypeError):
        Point.generator() + Scalar.from_int(1)  # type: ignore[operator]
    with pytest.raises(TypeError):
        Scalar.from_int(1) * Point.generator()  # type: ignore[operator]
    assert Point.generator() != Point.generator().to_bytes()


def test_values_are_immutable_and_hashable() -> None:
    g = Point.generator()
    with pytest.raises(dataclasses.FrozenInstanceError):
        g.encoded = bytes(32)  # type: ignore[misc]
    assert len({g, Point.base_mul(Scalar.from_int(1)), Point.identity()}) == 2
    assert len({Scalar.from_int(3), Scalar.from_int(ORDER + 3)}) == 1


def test_random_scalars_are_nonzero_and_distinct() -> None:
    values = {Scalar.random() for _ in range(20)}
    assert len(values) == 20
    assert not any(v.is_zero() for v in values)


# hashing -------------------------------------------------------------------------------------


def test_length_prefix_is_injective() -> None:
    assert length_prefixed(b"ab", b"c") != length_prefixed(b"a", b"bc")
    assert length_prefixed(b"") != length_prefixed()
    assert length_prefixed(b"x") == bytes(7) + b"\x01x"


def test_scalar_hash_separates_domains_and_parts() -> None:
    assert Scalar.hash(b"d1", b"x") != Scalar.hash(b"d2", b"x")
    assert Scalar.hash(b"d", b"ab", b"c") != Scalar.hash(b"d", b"a", b"bc")
    assert Scalar.hash(b"d", b"x") == Scalar.hash(b"d", b"x")


def test_hash_to_group_and_independent_generators() -> None:
    h = Point.hash_to_group(b"clearcount/test", b"a")
    assert h == Point.hash_to_group(b"clearcount/test", b"a")
    assert h != Point.hash_to_group(b"clearcount/test2", b"a")
    generators = independent_generators(b"clearcount/test", 8)
    assert len(set(generators)) == 8
    assert Point.generator() not in generators
    assert not any(g.is_identity() for g in generators)
    assert independent_generators(b"clearcount/test", 3) == generators[:3]
    assert independent_generators(b"clearcount/test", 0) == ()
    with pytest.raises(ValueError, match="count"):
        independent_generators(b"clearcount/test", -1)


def test_seeded_scalars_repeat_and_differ_by_seed() -> None:
    first, again, other = seeded_scalars(b"s"), seeded_scalars(b"s"), seeded_scalars(b"t")
    a = [first() for _ in range(3)]
    assert a == [again() for _ in range(3)]
    assert a[0] != other()
    assert len(set(a)) == 3
    assert a[0] == Scalar.hash(b"clearcount/seeded-scalars/v1", b"s", bytes(8))
