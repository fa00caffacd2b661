"""The normalised cast-vote-record CSV (one row per ballot, one cell per rank).

Header `ballot_id,precinct,rank1,rank2,...`. A cell is a candidate name; empty for a skipped rank;
`A|B` for several candidates at one rank (an overvote); `#OVERVOTE` for an explicit overvote mark
(`ballots.OVERVOTE`); `#UWI` for an undeclared write-in, read as the pseudo-candidate
"Undeclared Write-ins" listed in `Contest.undeclared` (counting.md §7). Trailing empty ranks are
dropped; inner ones are kept as empty ranks so rank numbers stay those the voter marked.
This is the form the peer cases use (shared/peer-cases/README.md); the caller decompresses `.gz`.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence

from clearcount.core.errors import InputFormatError
from clearcount.counting.ballots import OVERVOTE, Ballot, Contest

__all__ = ["OVERVOTE_CELL", "UNDECLARED_NAME", "UWI_CELL", "parse_cvr_csv"]

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


def parse_cvr_csv(text: str, source: str, candidates: Sequence[str] | None = None) -> Contest:
    """Read a normalised CVR CSV into a one-seat `Contest` (the rule set's options set seats).

    With `candidates`, a cell naming anyone else is an error; without, candidates are listed in
    order of first appearance. Precincts, where given, are kept in `extras["precincts"]`.
    """
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
    undeclared = frozenset(i for i, name in enumerate(names.names) if name == UNDECLARED_NAME)
    extras: dict[str, object] = {"rank_columns": width}
    if any(precincts):
        extras["precincts"] = tuple(precincts)
    return Contest(
        candidates=tuple(names.names),
        ballots=tuple(ballots),
        undeclared=undeclared,
        source=source,
        extras=extras,
    )
