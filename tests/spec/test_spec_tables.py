"""docs/spec §1-§2 against the code: tables and examples are read from the Markdown (issue 13)."""

from __future__ import annotations

import pytest
import spec_reference as spec
from spec_markdown import code, section, tables

from clearcount.crypto.group import ORDER, Point, Scalar
from clearcount.crypto.transcript import Transcript

CONTEXT = bytes(range(32))


def test_order_and_generator_are_the_ones_in_section_1_1() -> None:
    assert spec.order_from_spec() == ORDER == spec.ORDER
    assert spec.generator_from_spec() == Point.generator().to_bytes()


def test_type_tags_of_section_2_2_are_the_codes() -> None:
    assert spec.type_tags() == {
        "Point": b"P",
        "Scalar": b"S",
        "int": b"I",
        "str": b"T",
        "bytes": b"B",
    }
    transcript = Transcript("t", CONTEXT)
    transcript.append("p", Point.generator()).append("s", Scalar.from_int(7))
    transcript.append("i", 5).append("t", "five").append("b", b"five")
    assert transcript.records[3:] == (
        spec.record("p", spec.Typed("Point", Point.generator().to_bytes())),
        spec.record("s", spec.Typed("Scalar", Scalar.from_int(7).to_bytes())),
        spec.record("i", spec.Typed("int", b"\x05")),
        spec.record("t", spec.Typed("str", b"five")),
        spec.record("b", spec.Typed("bytes", b"five")),
    )


def _integer_examples() -> list[tuple[int, str]]:
    rows = tables(section("02-transcript.md", "§2.2"))[1]
    return [(int(row["n"]), code(row["encoding"])) for row in rows]


def test_the_integer_examples_are_read_from_the_spec() -> None:
    examples = dict(_integer_examples())
    assert examples[0] == "00"
    assert examples[128] == "0080"


@pytest.mark.parametrize(("n", "encoding"), _integer_examples())
def test_integer_encoding_examples_of_section_2_2(n: int, encoding: str) -> None:
    assert spec.encode_int(n).hex() == encoding
    record = Transcript("t", CONTEXT).append("n", n).records[-1]
    assert record == spec.record("n", spec.Typed("int", bytes.fromhex(encoding)))


def test_list_records_count_elements() -> None:
    transcript = Transcript("t", CONTEXT).append_all("xs", [1, b"ab", "c"])
    expected = spec.record_all(
        "xs", [spec.Typed("int", b"\x01"), spec.Typed("bytes", b"ab"), spec.Typed("str", b"c")]
    )
    assert transcript.records[-1] == expected


def test_header_records_of_section_2_3_are_the_codes() -> None:
    """The §2.3 error of issue 13 (the group name as str, not bytes) fails here."""
    assert list(Transcript("any-tag", CONTEXT).records) == spec.header(CONTEXT)


def test_challenge_of_section_2_3_is_the_codes() -> None:
    transcript = Transcript("clearcount/v1/example", CONTEXT).append("x", 128)
    records = [*spec.header(CONTEXT), spec.record("x", spec.Typed("int", b"\x00\x80"))]
    assert list(transcript.records) == records
    assert transcript.challenge().to_bytes() == spec.challenge("clearcount/v1/example", records)
