"""The `ballots` array of a JSON ballot file as distinct paper texts, with NumPy (issue 12).

A JSON document's structure is found from its bytes a chunk at a time: the quotes that are not
escaped (an odd run of backslashes before them) mark the strings, the brackets and commas
outside them are the structure, their running sum the depth. The top-level `"ballots": [...]`
array's elements are then the spans between its commas; identical spans (byte for byte) are
merged (`csv_cells.CellTable.text_codes`), so each distinct paper text is parsed once and no
paper ever becomes a Python object.

Only for what it can prove it read as `json.loads` would: `ballot_texts` gives None (read the
file the plain way) for anything else, such as a syntax error anywhere, a document nested more
than `MAX_DEPTH` deep, or a top-level object whose `ballots` key it cannot find exactly once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from clearcount.core.json_text import load_json
from clearcount.counting.readers.csv_cells import CellTable

__all__ = ["CHUNK_BYTES", "MAX_DEPTH", "BallotTexts", "ballot_texts"]

CHUNK_BYTES = 1 << 20
"""Bytes tokenized at once (bounds the working memory: a few bytes of arrays per byte)."""

MAX_DEPTH = 64
"""Deeper documents are read the plain way (a paper parsed alone must parse as in the file)."""

_QUOTE, _BACKSLASH, _OPEN_ARRAY, _CLOSE_ARRAY, _COMMA = map(ord, '"\\[],')
_STEP = np.zeros(256, np.int8)
_STEP[[ord("["), ord("{")]] = 1
_STEP[[ord("]"), ord("}")]] = -1
_STRUCTURE = _STEP.astype(bool)
_STRUCTURE[_COMMA] = True
_WHITESPACE = np.zeros(256, bool)
_WHITESPACE[list(b" \t\n\r")] = True
_KEY = re.compile(rb'[{,][ \t\n\r]*"ballots"[ \t\n\r]*:[ \t\n\r]*\Z')
_KEY_WINDOW = 256


@dataclass(frozen=True, slots=True)
class BallotTexts:
    """The document without its papers, and each distinct paper, parsed once."""

    document: dict[str, object]
    """The top-level object, its `ballots` an empty list."""
    papers: list[object]
    """Each distinct paper text parsed, in order of first appearance."""
    counts: list[int]
    """How many papers have that text."""
    first: list[int]
    """The index in `ballots` of its first paper."""


def ballot_texts(data: bytes) -> BallotTexts | None:
    """The document `data` (UTF-8) with its `ballots` array read as distinct paper texts, or
    None where the plain parse must read it (whatever is wrong with it is then said there)."""
    outline = _outline(data)
    if outline is None:
        return None
    positions, kinds, depths = outline
    opens = np.flatnonzero((kinds == _OPEN_ARRAY) & (depths == 1)).tolist()
    keyed = [i for i in opens if _is_ballots(data, int(positions[i]))]
    if len(keyed) != 1:
        return None
    at = keyed[0]
    inside = np.flatnonzero(depths[at + 1 :] == 2) + at + 1
    closes = inside[kinds[inside] == _CLOSE_ARRAY]
    if not closes.size:
        return None
    close = int(closes[0])
    commas = positions[inside[(inside < close) & (kinds[inside] == _COMMA)]]
    start, end = int(positions[at]), int(positions[close])
    document = _document(data, start, end)
    if document is None:
        return None
    starts = np.concatenate(([start + 1], commas + 1))
    ends = np.append(commas, end)
    return _papers(data, document, starts, ends)


def _outline(
    data: bytes,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.uint8], npt.NDArray[np.int64]] | None:
    """Every bracket opening or closing depth 1 or 2, and every comma at depth 1 or 2, outside
    strings: position, byte and depth before it; None if the brackets do not balance, a string
    is not closed or the document is deeper than MAX_DEPTH."""
    positions, kinds, depths = [], [], []
    in_string, depth, start = 0, 0, 0
    while start < len(data):
        stop = min(start + CHUNK_BYTES, len(data))
        while stop < len(data) and data[stop - 1] == _BACKSLASH:
            stop += 1  # a run of backslashes is never cut
        chunk = np.frombuffer(data, np.uint8, stop - start, start)
        quotes = np.flatnonzero(chunk == _QUOTE)
        backslash = chunk == _BACKSLASH
        if quotes.size and backslash.any():
            quotes = quotes[~_escaped(backslash, quotes)]
        marks = np.flatnonzero(_STRUCTURE[chunk])
        outside = (np.searchsorted(quotes, marks) + in_string) % 2 == 0
        marks = marks[outside]
        in_string = (in_string + len(quotes)) % 2
        step = _STEP[chunk[marks]].astype(np.int64)
        after = depth + np.cumsum(step)
        before = after - step
        if marks.size:
            if int(after.min()) < 0 or int(after.max()) > MAX_DEPTH:
                return None
            depth = int(after[-1])
        keep = np.minimum(before, after) <= 1
        keep |= (step == 0) & (before <= 2)
        positions.append(marks[keep] + start)
        kinds.append(chunk[marks[keep]])
        depths.append(before[keep])
        start = stop
    if in_string or depth or not positions:
        return None
    return np.concatenate(positions), np.concatenate(kinds), np.concatenate(depths)


def _escaped(
    backslash: npt.NDArray[np.bool_], quotes: npt.NDArray[np.intp]
) -> npt.NDArray[np.bool_]:
    """Whether each quote follows an odd run of backslashes (the chunk starts after none)."""
    index = np.arange(len(backslash))
    last_other = np.maximum.accumulate(np.where(backslash, -1, index))
    before = quotes - 1
    run = np.where(before >= 0, before - last_other[np.maximum(before, 0)], 0)
    odd: npt.NDArray[np.bool_] = run % 2 == 1
    return odd


def _is_ballots(data: bytes, at: int) -> bool:
    """Whether the `[` at `at` is the value of a top-level key written `"ballots"`."""
    return _KEY.search(data, max(0, at - _KEY_WINDOW), at) is not None


def _document(data: bytes, start: int, end: int) -> dict[str, object] | None:
    """The document with the array at data[start:end + 1] empty; None unless that array is
    the top-level object's (last) `ballots` value: with `[1]` there instead, that value is
    [1] (so the cut is not inside a string, nor a `ballots` written twice)."""
    head, tail = data[:start], data[end + 1 :]
    try:
        document = load_json((head + b"[]" + tail).decode())
        check = load_json((head + b"[1]" + tail).decode())
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(document, dict) or not isinstance(check, dict):
        return None
    if document.get("ballots") != [] or check.get("ballots") != [1]:
        return None
    return document


def _papers(
    data: bytes,
    document: dict[str, object],
    starts: npt.NDArray[np.int64],
    ends: npt.NDArray[np.int64],
) -> BallotTexts | None:
    """The distinct texts of the spans data[start:end] (JSON whitespace around them dropped),
    each parsed once; None if one is empty or not a JSON value."""
    table = CellTable()
    counts = np.zeros(0, np.int64)
    first: list[int] = []
    at = 0
    while at < len(starts):
        stop = max(int(np.searchsorted(starts, starts[at] + CHUNK_BYTES, "right")), at + 1)
        begin = int(starts[at])
        chunk = data[begin : int(ends[stop - 1])]
        text = np.frombuffer(chunk, np.uint8)
        solid = np.flatnonzero(~_WHITESPACE[text])  # the bytes that are not JSON whitespace
        left = np.searchsorted(solid, starts[at:stop] - begin)
        right = np.searchsorted(solid, ends[at:stop] - begin) - 1
        if not solid.size or bool(np.any(right < left)):
            return None  # an empty element: `[,` or `,]`
        lo, hi = solid[left], solid[right] + 1
        codes = table.text_codes(chunk, lo, hi - lo)
        known = len(first)
        counts = np.append(counts, np.zeros(len(table.texts) - known, np.int64))
        counts += np.bincount(codes, minlength=len(table.texts))
        new, where = np.unique(codes, return_index=True)
        first += (where[new >= known] + at).tolist()
        at = stop
    papers: list[object] = []
    for paper in table.texts:
        try:
            papers.append(load_json(paper.decode()))
        except (ValueError, UnicodeDecodeError):
            return None
    return BallotTexts(document, papers, counts.tolist(), first)
