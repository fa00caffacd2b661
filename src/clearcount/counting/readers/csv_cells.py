"""CSV lines read as arrays: every cell becomes the code of its distinct text, every line a row
of codes, and identical rows are merged (`chunks.distinct_rows`), all with NumPy.

For files without quotes, where a comma always ends a cell and a newline a record. The caller
(`rank_csv`, `cvr_csv`) then reads each distinct cell text once and each distinct row of codes
once, never a line per paper. A cell's code is its rank among the distinct texts in order of
first appearance (row by row, left to right), so a reader that registers names as it meets them
meets them in the order the row readers do.
"""

from __future__ import annotations

import numpy as np

from clearcount.counting.ranking_matrix import Cells, Weights, sorted_groups
from clearcount.counting.readers import chunks
from clearcount.counting.readers.chunks import Distinct, distinct_rows

__all__ = ["CellTable"]

_COMMA, _NEWLINE = ord(","), ord("\n")
_SPREAD = 8
"""A chunk's padded cell matrix holds at most this many bytes per byte of the chunk; longer
cells are looked up one by one (there are few: each is longer than the chunk's mean)."""


class CellTable:
    """The distinct cells met so far, and the rows of codes of the lines read."""

    def __init__(self, skip: int = 0) -> None:
        self.skip = skip
        """Cells dropped at the start of every line (a CVR's ballot id and precinct)."""
        self.codes: dict[bytes, int] = {}
        self.texts: list[bytes] = []
        """Distinct cell texts (UTF-8, not stripped) by code."""

    def read(self, data: bytes) -> Distinct:
        """Every line of `data` (LF line ends, no quotes) as a row of cell codes, -1 padded (a
        blank line: a row of -1), merged into distinct rows with their numbers of lines."""
        return distinct_rows(data, 0, len(data), self._chunk, np.int32, chunks.CHUNK_BYTES)

    def _chunk(self, chunk: bytes) -> tuple[Cells, Weights]:
        text = np.frombuffer(chunk, np.uint8)
        seps = np.flatnonzero((text == _COMMA) | (text == _NEWLINE))
        if not seps.size or text[-1] != _NEWLINE:
            seps = np.append(seps, len(text))  # the last line has no newline
        ends_line = np.append(text[seps[:-1]] == _NEWLINE, True)
        starts = np.concatenate(([0], seps[:-1] + 1))
        lengths = seps - starts
        line = np.concatenate(([0], np.cumsum(ends_line[:-1])))
        line_start = np.flatnonzero(np.concatenate(([True], ends_line[:-1])))
        position = np.arange(len(seps)) - line_start[line]
        blank = (lengths == 0) & (position == 0) & ends_line  # a line with nothing on it
        keep = np.flatnonzero((position >= self.skip) & ~blank)
        rows = np.full((len(line_start), 0), -1, np.int32)
        if keep.size:
            codes = self.text_codes(chunk, starts[keep], lengths[keep])
            rows = np.full(
                (len(line_start), int(position[keep].max()) - self.skip + 1), -1, np.int32
            )
            rows[line[keep], position[keep] - self.skip] = codes
        return rows, np.ones(len(line_start), np.int64)

    def text_codes(self, chunk: bytes, starts: Cells, lengths: Cells) -> Cells:
        """The code of each cell `chunk[start:start + length]`, new texts coded in order."""
        text = np.frombuffer(chunk, np.uint8)
        width = max(1, int(lengths.max()))
        width = min(width, max(1, _SPREAD * len(chunk) // len(starts)))
        short = np.flatnonzero(lengths <= width)
        padded = np.full((len(short), width), -1, np.int16)
        inside = np.arange(width) < lengths[short, None]
        padded[inside] = text[(starts[short, None] + np.arange(width))[inside]]
        found: list[tuple[int, bytes]] = []  # (first cell, text) of each distinct text
        run = np.zeros(0, np.intp)
        if short.size:
            order, begins, run = sorted_groups(padded)
            for cell in short[order[begins]].tolist():
                found.append((cell, chunk[int(starts[cell]) : int(starts[cell] + lengths[cell])]))
        long = np.flatnonzero(lengths > width).tolist()
        long_texts = [chunk[int(starts[i]) : int(starts[i] + lengths[i])] for i in long]
        found += zip(long, long_texts, strict=True)
        for _, cell_text in sorted(found):
            if cell_text not in self.codes:
                self.codes[cell_text] = len(self.texts)
                self.texts.append(cell_text)
        codes = np.empty(len(starts), np.int32)
        if short.size:
            group_code = np.array([self.codes[t] for _, t in found[: int(run.max()) + 1]], np.int32)
            codes[short] = group_code[run]
        codes[long] = [self.codes[t] for t in long_texts]
        return codes
