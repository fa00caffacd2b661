"""A file's lines read as arrays a chunk at a time: bytes in, distinct rows and their counts out.

The array readers (`blt_section` for BLT ballot lines, `csv_cells` for CSV and CVR CSV records)
turn a few MiB of whole lines into one row of small integers per line; this module cuts the
chunks, merges identical rows chunk by chunk (`ranking_matrix.dedupe_first`) and then across
chunks, so working memory stays bounded whatever the file's size and no line ever becomes a
Python object. Only one chunk is copied out of the file's bytes at a time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from clearcount.counting.ranking_matrix import Cells, Indices, Weights, dedupe_first

__all__ = ["CHUNK_BYTES", "MERGE_ROWS", "Distinct", "distinct_rows"]

CHUNK_BYTES = 1 << 22
"""Bytes read at once (whole lines): bounds a reader's working memory."""

MERGE_ROWS = 1 << 21
"""Chunks' distinct rows are merged once they hold more than this (or twice the rows of the
last merge), so memory follows the distinct rankings, not the number of chunks."""

Distinct = tuple[Cells, Weights, Indices]
"""Distinct rows (sorted, -1 padded), their total weights, and each one's first line."""


def distinct_rows(
    data: bytes,
    start: int,
    end: int,
    read: Callable[[bytes], tuple[Cells, Weights]],
    dtype: type[np.signedinteger[Any]],
    chunk_bytes: int = CHUNK_BYTES,
) -> Distinct:
    """The distinct rows that `read` makes of the lines of `data[start:end]`, taken in chunks
    of whole lines of about `chunk_bytes`: `read` gets a chunk and gives one row (-1 padded,
    of `dtype`) and weight per line it counts; the first line of each row is numbered among
    the lines `read` counted, in file order."""
    parts: list[Distinct] = []
    lines = 0
    merged = 0
    while start < end:
        cut = data.find(b"\n", start + chunk_bytes, end)
        stop = end if cut < 0 else cut + 1
        rows, weights = read(data[start:stop])
        cells, summed, first = dedupe_first(rows, weights)
        parts.append((cells, summed, first + lines))
        lines += len(weights)
        start = stop
        if sum(len(part[0]) for part in parts) > max(MERGE_ROWS, 2 * merged):
            parts = [_merge(parts, dtype)]  # memory: about twice the distinct rows so far
            merged = len(parts[0][0])
    if not parts:
        return np.zeros((0, 0), dtype), np.zeros(0, np.int64), np.zeros(0, np.intp)
    return _merge(parts, dtype)


def _merge(parts: list[Distinct], dtype: type[np.signedinteger[Any]]) -> Distinct:
    """The distinct rows of several chunks' distinct rows (in file order), merged."""
    if len(parts) == 1:
        return parts[0]
    width = max(cells.shape[1] for cells, _, _ in parts)
    cells = np.full((sum(len(p[0]) for p in parts), width), -1, dtype)
    at = 0
    for part, _, _ in parts:
        cells[at : at + len(part), : part.shape[1]] = part
        at += len(part)
    unique, weights, where = dedupe_first(cells, np.concatenate([p[1] for p in parts]))
    first = np.concatenate([p[2] for p in parts])[where]  # chunks are in file order
    return unique, weights, first
