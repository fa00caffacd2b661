"""The ballot lines of a BLT file read as arrays: bytes in, distinct rankings and weights out.

`blt.parse_blt` hands this module the bytes between the header (with its option lines) and the
terminating `0` when they hold nothing but digits, spaces, tabs and newlines: weight, candidate
numbers, `0` on every line. It tokenizes them with NumPy in chunks of whole lines (a few MiB, so
memory stays bounded whatever the file's size), checks every line, and merges identical rankings
chunk by chunk, so a million papers never become a million Python objects. Anything else (a
ballot id, `-`, `=`, a comment, an out-of-range number, a line without its final 0, a weight
past 2**31) raises `NotSimple` and the line-by-line reader takes the whole file, giving exactly
its results and its error messages (a candidate twice on a paper: `blt` finds it when
`ranking_matrix.matrix_papers` refuses the rankings).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from clearcount.counting.ranking_matrix import Cells, Weights
from clearcount.counting.readers import chunks
from clearcount.counting.readers.chunks import Distinct, distinct_rows

__all__ = ["ALLOWED", "Distinct", "NotSimple", "distinct_rankings"]

ALLOWED = b"0123456789 \t\n"
"""The only bytes of a section this reader takes (CR LF is made LF before)."""

CHUNK_BYTES = chunks.CHUNK_BYTES
"""Bytes tokenized at once (whole lines): bounds the reader's working memory."""

_MAX_DIGITS = 18  # below 2**63: every token fits int64
_MAX_WEIGHT = 2**31  # with under 2**31 lines, any sum stays far below 2**63


class NotSimple(Exception):  # noqa: N818 (a signal to the caller, not an error shown to anyone)
    """The section needs the line-by-line reader."""


def distinct_rankings(data: bytes, start: int, end: int, candidates: int) -> Distinct:
    """The distinct plain rankings of the BLT ballot lines in `data[start:end]` (0-based, -1
    padded, sorted as `RankingMatrix` keeps them), their total weights, and the index of each
    one's first line (blank lines not counted). Raises `NotSimple` for anything the arrays do
    not cover. Reads a chunk of lines at a time (`chunks.distinct_rows`)."""
    dtype = np.int16 if candidates <= np.iinfo(np.int16).max else np.int32

    def read(chunk: bytes) -> tuple[Cells, Weights]:
        return _chunk(np.frombuffer(_plain(chunk), np.uint8), candidates, dtype)

    return distinct_rows(data, start, end, read, dtype, CHUNK_BYTES)


def _plain(chunk: bytes) -> bytes:
    """The chunk with CR LF made LF, checked to hold only `ALLOWED` bytes."""
    if chunk.translate(None, ALLOWED):
        if chunk.translate(None, b"\r" + ALLOWED):
            raise NotSimple("a byte other than digits, blanks and line ends")
        chunk = chunk.replace(b"\r\n", b"\n")
        if b"\r" in chunk:
            raise NotSimple("a CR without its LF")
    return chunk


def _chunk(
    text: npt.NDArray[np.uint8], candidates: int, dtype: type[np.signedinteger[Any]]
) -> tuple[Cells, Weights]:
    """Rankings (-1 padded, one row per non-blank line) and weights of whole lines `text`."""
    digit = text >= ord("0")  # the caller let through digits and whitespace only
    edges = np.flatnonzero(digit[1:] != digit[:-1]) + 1  # where a token starts or ends
    if digit[0]:
        edges = np.concatenate(([0], edges))
    if digit[-1]:
        edges = np.concatenate((edges, [len(text)]))
    if not edges.size:
        return np.zeros((0, 0), dtype), np.zeros(0, np.int64)
    starts, ends = edges[0::2], edges[1::2]
    lengths = ends - starts
    longest = int(lengths.max())
    if longest > _MAX_DIGITS:
        raise NotSimple("a number too long for 64 bits")
    values = text[starts].astype(np.int64) - ord("0")
    for place in range(1, longest):
        more = np.flatnonzero(lengths > place)
        values[more] = values[more] * 10 + (text[starts[more] + place] - ord("0"))
    opens = np.zeros(len(starts), bool)  # the first token of each non-blank line
    opens[0] = True
    after_newline = np.searchsorted(starts, np.flatnonzero(text == ord("\n")))
    opens[after_newline[after_newline < len(starts)]] = True
    firsts = np.flatnonzero(opens)
    lasts = np.concatenate((firsts[1:], [len(starts)])) - 1
    marks = lasts - firsts - 1
    if int(marks.min()) < 0:
        raise NotSimple("a line with a single number")
    if bool(np.any(values[lasts] != 0)):
        raise NotSimple("a line not ending with 0")
    weights = values[firsts]
    if int(weights.max()) >= _MAX_WEIGHT:
        raise NotSimple("a weight past 2**31")
    inside = np.ones(len(starts), bool)
    inside[firsts] = False
    inside[lasts] = False
    chosen = values[inside]
    if chosen.size and (int(chosen.min()) < 1 or int(chosen.max()) > candidates):
        raise NotSimple("a candidate number out of range")
    row = np.cumsum(opens, dtype=np.intp)[inside] - 1
    column = np.flatnonzero(inside) - firsts[row] - 1
    rows = np.full((len(firsts), int(marks.max())), -1, dtype)
    rows[row, column] = chosen - 1
    return rows, weights
