"""Reads the normative tables and vector blocks out of docs/spec, so tests check the docs.

A test that copied the spec's values into Python would let the two drift apart; these helpers take
them from the Markdown every time (issue 13).
"""

from __future__ import annotations

import re
from pathlib import Path

SPEC = Path(__file__).parents[2] / "docs" / "spec"


def section(file: str, heading: str) -> str:
    """The text of the section whose heading starts with `heading`, up to the next heading."""
    text = (SPEC / file).read_text(encoding="utf-8")
    match = re.search(rf"^#+ {re.escape(heading)}.*?$(.*?)(?=^#+ |\Z)", text, re.M | re.S)
    if match is None:
        raise LookupError(f"{file}: no section headed {heading!r}")
    return match.group(1)


def tables(text: str) -> list[list[dict[str, str]]]:
    """Every Markdown table in `text`, each a list of rows keyed by the header cells."""
    found: list[list[dict[str, str]]] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        if lines[i].startswith("|") and i + 1 < len(lines) and set(lines[i + 1]) <= set("|-: "):
            header = _cells(lines[i])
            rows = []
            i += 2
            while i < len(lines) and lines[i].startswith("|"):
                rows.append(dict(zip(header, _cells(lines[i]), strict=True)))
                i += 1
            found.append(rows)
        else:
            i += 1
    return found


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def code(cell: str) -> str:
    """The first `code span` of a table cell."""
    match = re.search(r"`([^`]*)`", cell)
    if match is None:
        raise LookupError(f"expected a `code` span in table cell {cell!r}")
    return match.group(1)


def vector_blocks(file: str = "90-vectors.md") -> dict[str, dict[str, str]]:
    """Each ```vector block of the appendix, keyed by its heading's number ("90.4.1")."""
    text = (SPEC / file).read_text(encoding="utf-8")
    blocks: dict[str, dict[str, str]] = {}
    pattern = r"^### §([0-9.]+) .*?^```vector\n(.*?)^```"
    for match in re.finditer(pattern, text, re.M | re.S):
        values: dict[str, str] = {}
        for line in match.group(2).splitlines():
            name, _, value = line.partition(" =")
            values[name] = value.strip()
        blocks[match.group(1)] = values
    return blocks
