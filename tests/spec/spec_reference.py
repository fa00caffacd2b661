"""The transcript of docs/spec §1.5 and §2, written from the spec's text with hashlib only.

It shares no code with `clearcount.crypto`: the type tags, the integer encoding and the header
records come from the spec's own tables (`spec_markdown`), so if the docs and the code disagree a
test fails (issue 13: §2.3 once said `str` where the code hashed bytes).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from spec_markdown import SPEC, code, section, tables

ORDER = 2**252 + 27742317777372353535851937790883648493
"""L, copied from §1.1 by `order_from_spec` below and checked there."""


def order_from_spec() -> int:
    text = section("01-group.md", "§1.1")
    line = next(line for line in text.splitlines() if line.strip().startswith("L = 2^252 + "))
    return 2**252 + int(line.split("+")[1])


def generator_from_spec() -> bytes:
    return bytes.fromhex(code(section("01-group.md", "§1.1").split("encoded", 1)[1]))


def lp(*parts: bytes) -> bytes:
    """§1.5: each part preceded by its length as 8 bytes big-endian."""
    return b"".join(len(part).to_bytes(8, "big") + part for part in parts)


def scalar_hash(domain: bytes, *parts: bytes) -> bytes:
    """§1.5: SHA-512 of lp(domain, parts), read little-endian, reduced mod L, 32 bytes LE."""
    digest = hashlib.sha512(lp(domain, *parts)).digest()
    return (int.from_bytes(digest, "little") % ORDER).to_bytes(32, "little")


def type_tags() -> dict[str, bytes]:
    """§2.2's table: value type (`Point`, `int`, ...) -> its one-letter tag."""
    rows = tables(section("02-transcript.md", "§2.2"))[0]
    return {code(row["value"]): code(row["enc"]).split('"')[1].encode() for row in rows}


def encode_int(n: int) -> bytes:
    """§2.2: w = floor(bits(|n|) / 8) + 1 bytes of two's complement, big-endian."""
    return n.to_bytes(len(bin(abs(n))[2:].lstrip("0")) // 8 + 1, "big", signed=True)


@dataclass(frozen=True)
class Typed:
    """One transcript value as the spec names it: a §2.2 type and its payload bytes."""

    type: str
    payload: bytes

    def encode(self) -> bytes:
        return lp(type_tags()[self.type], self.payload)


def record(label: str, value: Typed) -> bytes:
    return lp(label.encode(), b"1", value.encode())


def record_all(label: str, values: list[Typed]) -> bytes:
    count = len(values).to_bytes(8, "big")
    return lp(label.encode(), b"n", count, *(value.encode() for value in values))


def header(context: bytes) -> list[bytes]:
    """§2.3's table of header records, built from the table's label, type and value cells."""
    rows = tables(section("02-transcript.md", "§2.3"))[0]
    values = {
        "context": context,
        "group": code(rows[1]["value"]).encode("ascii"),
        "generator": generator_from_spec(),
    }
    built = []
    for row in rows:
        label = code(row["label"])
        built.append(record(label, Typed(code(row["type"]), values[label])))
    return built


def challenge(tag: str, records: list[bytes]) -> bytes:
    """§2.3: c = Scalar.hash("clearcount/transcript/v1", tag, r_0, ..., r_k)."""
    domain = code(section("02-transcript.md", "§2.3").split("Scalar.hash(", 1)[1].replace('"', "`"))
    return scalar_hash(domain.encode(), tag.encode(), *records)


__all__ = ["SPEC"]
