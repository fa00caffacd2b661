"""The normalised cast-vote-record CSV (one row per ballot, one cell per rank).

Header `ballot_id,precinct,rank1,rank2,...`. A cell is a candidate name; empty for a skipped rank;
`A|B` for several candidates at one rank (an overvote); `#OVERVOTE` for an explicit overvote mark
(`ballots.OVERVOTE`); `#UWI` for an undeclared write-in, read as the pseudo-candidate
"Undeclared Write-ins" listed in `Contest.undeclared` (counting.md §7). Trailing empty ranks are
dropped; inner ones are kept as empty ranks so rank numbers stay those the voter marked.
This is the form the peer cases use (shared/peer-cases/README.md); the caller decompresses `.gz`.

`parse_cvr_csv` reads each distinct ranking once and no line as a Python object: the rank cells
(all after the ballot id and precinct) become arrays of cell codes (`csv_cells`, NumPy), each
distinct cell is looked up once, and the contest's papers are the distinct rankings with their
numbers of papers, in order of first appearance (no rule set uses CVR ids or precincts), with
the `RankingMatrix` attached when every paper is plain (`ranking_matrix.matrix_papers`). A file
with quotes, odd line ends, a blank line, or an id that is empty or starts with white space, and
any file with an error, goes through the row reader `parse_cvr_csv_rows` (one `Ballot` per row,
ids and precincts kept), which words every error with its line.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from clearcount.core.errors import InputFormatError
from clearcount.counting.ballots import OVERVOTE, Ballot, Contest

if TYPE_CHECKING:
    from clearcount.counting.ranking_matrix import (
        Cells,
        Indices,
        MatrixBallots,
        RankingMatrix,
        Weights,
    )

__all__ = ["OVERVOTE_CELL", "UNDECLARED_NAME", "UWI_CELL", "parse_cvr_csv", "parse_cvr_csv_rows"]

OVERVOTE_CELL = "#OVERVOTE"
UWI_CELL = "#UWI"
UNDECLARED_NAME = "Undeclared Write-ins"
"""RCTab's output label for undeclared write-ins (`Tabulator.UNDECLARED_WRITE_IN_OUTPUT_LABEL`)."""

_SEPARATOR = "|"


class _Names:
    """Candidate name -> index, fixed by `candidates` or growing in order of appearance."""

    def __init__(self, source: str, candidates: Sequence[str] | None) -> None:
        self.source = source
        self.fixed = candidates is not None
        self.names: list[str] = list(candidates or ())
        self.index = {name: i for i, name in enumerate(self.names)}
        if len(self.index) != len(self.names):
            raise InputFormatError(source, None, "the candidate list names someone twice")
        self.cells: dict[str, tuple[int, ...]] = {}

    def lookup(self, name: str, line: int) -> int:
        found = self.index.get(name)
        if found is not None:
            return found
        if self.fixed and name != UNDECLARED_NAME:
            raise InputFormatError(
                self.source,
                line,
                f"unknown candidate {name!r}; expected one of {', '.join(self.names)}",
            )
        self.index[name] = len(self.names)
        self.names.append(name)
        return self.index[name]

    def rank(self, cell: str, line: int) -> tuple[int, ...]:
        cached = self.cells.get(cell)
        if cached is not None:
            return cached
        marks: list[int] = []
        for part in cell.split(_SEPARATOR):
            name = part.strip()
            if not name:
                raise InputFormatError(
                    self.source, line, f"cell {cell!r} has an empty name between '|' separators"
                )
            if name == OVERVOTE_CELL:
                marks.append(OVERVOTE)
            elif name == UWI_CELL:
                marks.append(self.lookup(UNDECLARED_NAME, line))
            else:
                marks.append(self.lookup(name, line))
        result = tuple(marks)
        self.cells[cell] = result
        return result


def _check_header(header: list[str], source: str) -> int:
    """Number of rank columns; the header must be ballot_id, precinct, rank1..rankN."""
    expected = ["ballot_id", "precinct"] + [f"rank{i}" for i in range(1, len(header) - 1)]
    cleaned = [cell.strip().lstrip("\ufeff") for cell in header]
    if len(header) < 3 or cleaned != expected:
        raise InputFormatError(
            source,
            1,
            f"header must be ballot_id,precinct,rank1,rank2,...; got {','.join(header)!r}",
        )
    return len(header) - 2


_BLANK_OR_EMPTY_ID = re.compile(r"\n(?:[^\S\n]|,|\n|$)")
"""A blank line, or one whose ballot id is empty or starts with white space."""
_ODD_LINE_ENDS = ("\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")
"""What `str.splitlines` (the row reader's line splitting) breaks at besides "\n"."""


def _body(text: str) -> tuple[str, bytes] | None:
    """The header line and the bytes of the lines after it (LF line ends), or None where only
    the row reader reads `text` the same (quotes, odd line ends, blank lines, an empty ballot
    id, no line after the header)."""
    body = text.replace("\r\n", "\n") if "\r" in text else text
    if '"' in body or any(mark in body for mark in _ODD_LINE_ENDS):
        return None
    header, _, rest = body.partition("\n")
    rest = rest.removesuffix("\n")
    if not rest or _BLANK_OR_EMPTY_ID.search("\n" + rest):
        return None
    return header, rest.encode()


def _parse_merged(text: str, source: str, candidates: Sequence[str] | None) -> Contest | None:
    """`parse_cvr_csv_rows` with each distinct ranking read once and no ids or precincts, or
    None where the row reader must read the file (`_body`, or any error): the rank cells as
    arrays (`csv_cells`), each distinct cell looked up once, the rankings straight into a
    `RankingMatrix` when all are plain."""
    from clearcount.counting.ranking_matrix import distinct_papers
    from clearcount.counting.readers.csv_cells import CellTable

    read = _body(text)
    if read is None:
        return None
    header, data = read
    table = CellTable(skip=2)
    try:
        width = _check_header(header.split(","), source)
        rows, weights, first = table.read(data)
        names = _Names(source, candidates)
        texts = [t.decode().strip() for t in table.texts]
        marks = [names.rank(t, 0) if t else () for t in texts]
    except InputFormatError:
        return None
    if rows.shape[1] > width and bool((rows[:, width] >= 0).any()):
        return None  # more cells than rank columns: the row reader words it
    built: tuple[Sequence[Ballot], RankingMatrix | None] | None
    built = _plain(rows, weights, first, marks, len(names.names))
    if built is None:
        merged: dict[tuple[tuple[int, ...], ...], int] = {}
        order = first.argsort(kind="stable")
        for row, times in zip(rows[order].tolist(), weights[order].tolist(), strict=True):
            ranks = [marks[code] for code in row if code >= 0]
            while ranks and not ranks[-1]:
                ranks.pop()
            merged[tuple(ranks)] = merged.get(tuple(ranks), 0) + times
        built = distinct_papers(merged, len(names.names))
    return _contest(names, *built, source, width, ())


def _plain(
    rows: Cells, weights: Weights, first: Indices, marks: list[tuple[int, ...]], candidates: int
) -> tuple[MatrixBallots, RankingMatrix] | None:
    """The papers and matrix of rows of cell codes whose cells each name one candidate, a blank
    never before a name (trailing blanks are dropped); None if any row is not so plain."""
    import numpy as np

    from clearcount.counting.ranking_matrix import dedupe_first, matrix_papers

    value = [m[0] if len(m) == 1 and m[0] >= 0 else -2 if m else -1 for m in marks]
    ranked = np.array([*value, -1], np.int32)[rows]  # code -1 (no cell) is blank too
    gap = np.logical_or.accumulate(ranked < 0, axis=1)
    if bool(np.any(ranked == -2)) or bool(np.any((ranked[:, 1:] >= 0) & gap[:, :-1])):
        return None
    dtype = np.int16 if candidates <= np.iinfo(np.int16).max else np.int32
    order = first.argsort(kind="stable")  # in file order, so each ranking's first row is first
    rankings, merged, where = dedupe_first(ranked[order].astype(dtype), weights[order])
    return matrix_papers(rankings, merged, first[order][where], candidates)


def _contest(
    names: _Names,
    ballots: Sequence[Ballot],
    matrix: RankingMatrix | None,
    source: str,
    width: int,
    precincts: Sequence[str],
) -> Contest:
    undeclared = frozenset(i for i, name in enumerate(names.names) if name == UNDECLARED_NAME)
    extras: dict[str, object] = {"rank_columns": width}
    if any(precincts):
        extras["precincts"] = tuple(precincts)
    if matrix is not None:
        from clearcount.counting.ranking_matrix import MATRIX_KEY

        extras[MATRIX_KEY] = matrix.bound_to(ballots)
    return Contest(
        candidates=tuple(names.names),
        ballots=ballots,
        undeclared=undeclared,
        source=source,
        extras=extras,
    )


def parse_cvr_csv(text: str, source: str, candidates: Sequence[str] | None = None) -> Contest:
    """Read a normalised CVR CSV into a one-seat `Contest` (the rule set's options set seats):
    its distinct rankings, each with its number of papers, in order of first appearance.

    With `candidates`, a cell naming anyone else is an error; without, candidates are listed in
    order of first appearance. Counts the same as `parse_cvr_csv_rows`, which keeps ids and
    precincts.
    """
    merged = _parse_merged(text, source, candidates)
    return merged if merged is not None else parse_cvr_csv_rows(text, source, candidates)


def parse_cvr_csv_rows(text: str, source: str, candidates: Sequence[str] | None = None) -> Contest:
    """The row reader: one `Ballot` per row, in file order, ids kept, precincts (where any is
    given) in `extras["precincts"]`."""
    rows = csv.reader(text.splitlines())
    header = next(rows, None)
    if header is None:
        raise InputFormatError(
            source, None, "empty file: expected a ballot_id,precinct,rank1 header"
        )
    width = _check_header(header, source)
    names = _Names(source, candidates)
    ballots: list[Ballot] = []
    precincts: list[str] = []
    empty: tuple[int, ...] = ()
    for row in rows:
        line = rows.line_num
        if not row:
            continue
        if len(row) > width + 2:
            raise InputFormatError(
                source, line, f"expected at most {width + 2} cells, got {len(row)}"
            )
        ballot_id = row[0].strip()
        if not ballot_id:
            raise InputFormatError(source, line, "ballot_id is empty: expected an identifier")
        cells = row[2:]
        while cells and not cells[-1].strip():
            cells.pop()
        ranks = tuple(names.rank(c.strip(), line) if c.strip() else empty for c in cells)
        ballots.append(Ballot(ranks, 1, ballot_id))
        precincts.append(row[1].strip() if len(row) > 1 else "")
    return _contest(names, tuple(ballots), None, source, width, precincts)
