"""Fiat-Shamir transcripts: every input changes the challenge; encodings are injective (§2)."""

from __future__ import annotations

import pytest

from clearcount.crypto.group import Point, Scalar
from clearcount.crypto.transcript import Transcript


def challenge(*records: tuple[str, object], tag: str = "t", context: bytes = b"c") -> Scalar:
    transcript = Transcript(tag, context)
    for label, value in records:
        if isinstance(value, list):
            transcript.append_all(label, value)
        else:
            transcript.append(label, value)  # type: ignore[arg-type]
    return transcript.challenge()


def test_challenge_is_deterministic_and_repeatable() -> None:
    transcript = Transcript("t", b"c").append("x", 1)
    assert transcript.challenge() == transcript.challenge()
    assert transcript.challenge() == challenge(("x", 1))


def test_tag_and_context_are_bound() -> None:
    base = challenge(("x", 1))
    assert base != challenge(("x", 1), tag="u")
    assert base != challenge(("x", 1), context=b"d")


def test_labels_and_values_are_bound() -> None:
    assert challenge(("x", 1)) != challenge(("y", 1))
    assert challenge(("x", 1)) != challenge(("x", 2))
    assert challenge(("x", 1), ("y", 2)) != challenge(("y", 2), ("x", 1))


def test_types_are_part_of_the_encoding() -> None:
    g = Point.generator()
    assert challenge(("x", g)) != challenge(("x", g.to_bytes()))
    assert challenge(("x", Scalar.from_int(1))) != challenge(("x", Scalar.from_int(1).to_bytes()))
    assert challenge(("x", "1")) != challenge(("x", b"1"))
    assert challenge(("x", 1)) != challenge(("x", b"\x01"))
    assert challenge(("x", -1)) != challenge(("x", 255))


def test_lists_carry_their_boundaries() -> None:
    assert challenge(("x", [b"a", b"b"]), ("y", [b"c"])) != challenge(
        ("x", [b"a"]), ("y", [b"b", b"c"])
    )
    assert challenge(("x", [b"ab"])) != challenge(("x", [b"a", b"b"]))
    assert challenge(("x", [])) != challenge(("x", b""))


def test_label_value_boundary_is_injective() -> None:
    assert challenge(("ab", b"c")) != challenge(("a", b"bc"))


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(ValueError, match="tag"):
        Transcript("", b"c")
    with pytest.raises(TypeError, match="context"):
        Transcript("t", "c")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="bool"):
        Transcript("t", b"c").append("x", True)
    with pytest.raises(TypeError, match="float"):
        Transcript("t", b"c").append("x", 1.0)  # type: ignore[arg-type]
