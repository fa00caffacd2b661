"""Known answers for the java.util.Random port, generated once with OpenJDK 17 (not committed)."""

from fractions import Fraction

import pytest

from clearcount.core.errors import ConfigError
from clearcount.counting.java_random import JavaRandom, java_shuffle, java_string_key


def test_next_int_matches_java() -> None:
    random = JavaRandom(42)
    assert random.next_int() == -1170105035
    assert random.next_int() == 234785527


def test_next_double_matches_java() -> None:
    random = JavaRandom(0)
    assert random.next_double() == Fraction(6583972509698697, 2**53)
    # Java prints 0.730967787376657 for this double
    assert abs(float(Fraction(6583972509698697, 2**53)) - 0.730967787376657) < 1e-15
    # Double.doubleToLongBits of the second draw
    assert JavaRandom(0).next_double_units() == 6583972509698697


def test_bounded_next_int_matches_java() -> None:
    random = JavaRandom(12345)
    assert [random.next_int(7) for _ in range(10)] == [5, 2, 4, 6, 2, 4, 2, 4, 6, 1]
    assert [random.next_int(16) for _ in range(5)] == [5, 15, 7, 14, 10]
    assert [random.next_int(1000000007) for _ in range(5)] == [
        248230384,
        339874787,
        996618296,
        651174525,
        564035175,
    ]


def test_scaled_index_matches_java_floor() -> None:
    random = JavaRandom(-7)
    assert [random.scaled_index(i + 2) for i in range(10)] == [0, 2, 2, 4, 0, 3, 7, 1, 5, 6]


def test_scaled_index_rounds_the_product_like_a_double() -> None:
    class Fixed(JavaRandom):
        def next_double_units(self) -> int:
            return 6004799503160661  # k*3 = 2**54 - 1: exact floor is 1, Java's double gives 2

    assert Fixed(0).scaled_index(3) == 2


def test_shuffle_matches_collections_shuffle() -> None:
    items = list("ABCDEFGH")
    java_shuffle(items, JavaRandom(1))
    assert items == list("CGHADBEF")
    small = list("abc")
    java_shuffle(small, JavaRandom(0))
    assert small == list("cba")


def test_string_key_uses_utf16_code_units() -> None:
    # U+FF5E (one UTF-16 unit) sorts after U+1F600 (a surrogate pair starting 0xD83D) in Java
    assert sorted(["\uff5e", "\U0001f600"], key=java_string_key) == ["\U0001f600", "\uff5e"]


def test_bad_arguments_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="bound"):
        JavaRandom(1).next_int(0)
    with pytest.raises(ConfigError, match="seed"):
        JavaRandom(2**63)
