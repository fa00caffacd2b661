"""Plain CSV rankings, in either of the two layouts spreadsheets produce (docs/counting/formats.md).

By candidate (a column per candidate holding the rank number the voter gave it)::

    ballot_id,Ann Lee,Bo Chan,Cy Dunn,weight
    p-0001,1,2,,3
    p-0002,1,1,2,1

A blank cell is unranked; equal numbers make one rank with several candidates; a missing
number (1 then 3) is a skipped rank. By rank (the header is rank1,rank2,...; cells hold names)::

    rank1,rank2,rank3
    Ann Lee,Bo Chan,
    ,Cy Dunn,

In the by-rank layout the candidates are the names in order of first appearance unless the
caller lists them. Optional `weight` and `ballot_id` columns (any position, any case) work in
both. Errors name the source, the CSV line and what was expected.

Identical lines are read once: a file without quotes or a `ballot_id` column is read as arrays
of cell codes (`csv_cells`, NumPy, no Python object per line), one whose quoted records each fit
on one line is counted line by line in C (`collections.Counter`); each distinct line is parsed
once, and the contest's papers are its distinct rankings with their total weights in order of
first appearance (`ballots.compress` of what the row reader gives), with the `RankingMatrix`
attached when all are plain (`ranking_matrix.distinct_papers`). Files with ids, records spanning
lines, and any file with an error go through the row reader (`parse_rank_csv_rows`), which
words every error (tests/unit/counting/readers/test_rank_csv_fast.py).
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

from clearcount.core.errors import CountingError, InputFormatError
from clearcount.counting.ballots import Ballot, Contest
from clearcount.counting.readers.numerals import numeral

if TYPE_CHECKING:
    from clearcount.counting.ranking_matrix import RankingMatrix

__all__ = ["format_rank_csv", "parse_rank_csv", "parse_rank_csv_rows"]

_SPECIAL = ("weight", "ballot_id")
_RANK_HEADER = re.compile(r"rank\s*(\d+)", re.IGNORECASE)
Layout = Literal["by-candidate", "by-rank"]


def _rows(text: str, source: str) -> list[tuple[int, list[str]]]:
    """CSV records (empty lines skipped) with the line each starts on, cells stripped."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")), strict=True)
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for record in reader:
            if record:  # an empty line is no record at all
                rows.append((start, [cell.strip() for cell in record]))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise InputFormatError(source, reader.line_num, f"malformed CSV: {exc}") from None
    return rows


class _Table:
    """The header's special columns and the remaining data columns."""

    def __init__(self, source: str, line: int, header: list[str]) -> None:
        self.source = source
        self.special: dict[str, int] = {}
        self.columns: list[tuple[int, str]] = []
        seen: set[str] = set()
        for position, cell in enumerate(header, start=1):
            if not cell:
                raise InputFormatError(source, line, f"header column {position} is empty")
            if cell.lower() in _SPECIAL:
                key = cell.lower()
                if key in self.special:
                    raise InputFormatError(source, line, f"header has two {key!r} columns")
                self.special[key] = position - 1
                continue
            if cell in seen:
                raise InputFormatError(source, line, f"header names {cell!r} twice")
            seen.add(cell)
            self.columns.append((position - 1, cell))
        if not self.columns:
            raise InputFormatError(source, line, "header has no candidate or rank columns")
        self.width = len(header)

    def layout(self, line: int) -> Layout:
        numbers = [_RANK_HEADER.fullmatch(name) for _, name in self.columns]
        if not all(numbers):
            return "by-candidate"
        found = [numeral(m.group(1)) for m in numbers if m]
        if found != list(range(1, len(found) + 1)):
            raise InputFormatError(
                self.source, line, f"rank columns must be rank1, rank2, ... in order, got {found}"
            )
        return "by-rank"

    def extras(self, line: int, row: list[str]) -> tuple[int, str | None]:
        """The row's weight (default 1) and ballot id (None when absent or blank)."""
        if len(row) != self.width:
            raise InputFormatError(
                self.source, line, f"expected {self.width} cells as in the header, got {len(row)}"
            )
        weight = 1
        if "weight" in self.special:
            cell = row[self.special["weight"]]
            number = numeral(cell)
            if number is None or number < 1:
                raise InputFormatError(
                    self.source, line, f"weight: expected a whole number >= 1, got {cell!r}"
                )
            weight = number
        ballot_id = row[self.special["ballot_id"]] if "ballot_id" in self.special else ""
        return weight, ballot_id or None


def _by_candidate(table: _Table, line: int, row: list[str]) -> tuple[tuple[int, ...], ...]:
    ranked: dict[int, list[int]] = {}
    for candidate, (position, name) in enumerate(table.columns):
        cell = row[position]
        if not cell:
            continue
        rank = numeral(cell)
        if rank is None or rank < 1:
            raise InputFormatError(
                table.source,
                line,
                f"{name}: expected a rank number 1, 2, 3... or blank, got {cell!r}",
            )
        ranked.setdefault(rank, []).append(candidate)
    depth = max(ranked, default=0)
    return tuple(tuple(ranked.get(r, ())) for r in range(1, depth + 1))


def _by_rank(
    table: _Table, line: int, row: list[str], index: dict[str, int], fixed: bool
) -> tuple[tuple[int, ...], ...]:
    ranks: list[tuple[int, ...]] = []
    for position, column in table.columns:
        name = row[position]
        if not name:
            ranks.append(())
            continue
        if name not in index:
            if fixed:
                raise InputFormatError(
                    table.source,
                    line,
                    f"{column}: unknown candidate {name!r}; expected one of the listed candidates",
                )
            index[name] = len(index)
        ranks.append((index[name],))
    while ranks and not ranks[-1]:
        ranks.pop()
    return tuple(ranks)


def parse_rank_csv(
    text: str, source: str = "<csv>", seats: int = 1, *, candidates: Sequence[str] | None = None
) -> Contest:
    """Parse CSV rankings (either layout) into a `Contest` with `seats` seats.

    `candidates` fixes the candidate list for the by-rank layout (where a candidate nobody
    ranked would otherwise be missing); the by-candidate layout takes them from its header.
    Identical lines are read once (module doc).
    """
    for reader in (_parse_arrays, _parse_merged):
        merged = reader(text, source, seats, candidates)
        if merged is not None:
            return merged
    return parse_rank_csv_rows(text, source, seats, candidates=candidates)


def _start(
    source: str, line: int, header: list[str], candidates: Sequence[str] | None
) -> tuple[_Table, Layout, dict[str, int]]:
    """The table, its layout and the candidate index it starts with."""
    table = _Table(source, line, header)
    layout = table.layout(line)
    index: dict[str, int] = {}
    if layout == "by-candidate":
        index = {name: i for i, (_, name) in enumerate(table.columns)}
    elif candidates is not None:
        index = {name: i for i, name in enumerate(candidates)}
    return table, layout, index


def _ranks(
    table: _Table,
    layout: Layout,
    line: int,
    row: list[str],
    index: dict[str, int],
    candidates: Sequence[str] | None,
) -> tuple[tuple[tuple[int, ...], ...], int, str | None] | None:
    """The row's ranks, weight and id; None for a line holding only spaces."""
    if len(row) == 1 and not row[0] and table.width > 1:
        return None
    weight, ballot_id = table.extras(line, row)
    if layout == "by-candidate":
        return _by_candidate(table, line, row), weight, ballot_id
    return _by_rank(table, line, row, index, candidates is not None), weight, ballot_id


def _contest(
    source: str,
    seats: int,
    index: dict[str, int],
    ballots: Sequence[Ballot],
    matrix: RankingMatrix | None = None,
) -> Contest:
    names = tuple(index)
    if not names:
        raise InputFormatError(source, None, "no candidate is named in any ballot")
    extras: dict[str, object] = {}
    if matrix is not None:
        from clearcount.counting.ranking_matrix import MATRIX_KEY

        extras[MATRIX_KEY] = matrix.bound_to(ballots)
    try:
        return Contest(names, ballots, seats=seats, source=source, extras=extras)
    except CountingError as exc:
        raise InputFormatError(source, None, str(exc)) from None


def _parse_arrays(
    text: str, source: str, seats: int, candidates: Sequence[str] | None
) -> Contest | None:
    """`parse_rank_csv` for a file without quotes or ids: its lines as rows of cell codes
    (`csv_cells`, NumPy), each distinct row read once, the papers straight into a
    `RankingMatrix` where all are plain (`ranking_matrix.distinct_papers`); None where another
    reader must read the file (quotes, ids, a lone CR, any error)."""
    from clearcount.counting.ranking_matrix import distinct_papers
    from clearcount.counting.readers.csv_cells import CellTable

    body = text.removeprefix("\ufeff")
    if '"' in body or body.count("\r") != body.count("\r\n"):
        return None
    first_line, _, rest = body.partition("\n")
    if not first_line.removesuffix("\r"):
        return None
    header = [cell.strip() for cell in first_line.split(",")]
    weights: dict[tuple[tuple[int, ...], ...], int] = {}
    try:
        table, layout, index = _start(source, 1, header, candidates)
        if "ballot_id" in table.special:
            return None  # one id per paper: the row reader keeps them
        cells = CellTable()
        rows, times, first = cells.read(rest.replace("\r\n", "\n").encode())
        texts = [t.decode().strip() for t in cells.texts]
        order = first.argsort(kind="stable")  # file order: names are indexed as met
        for codes, repeated in zip(rows[order].tolist(), times[order].tolist(), strict=True):
            row = [texts[code] for code in codes if code >= 0]
            read = _ranks(table, layout, 0, row, index, candidates) if row else None
            if read is not None:
                ranks, weight, _ = read
                weights[ranks] = weights.get(ranks, 0) + weight * repeated
        return _contest(source, seats, index, *distinct_papers(weights, len(index)))
    except InputFormatError:
        return None


def _parse_merged(
    text: str, source: str, seats: int, candidates: Sequence[str] | None
) -> Contest | None:
    """`parse_rank_csv` reading each distinct line once, or None where the row reader must
    read the file (ids, a record over several lines, a lone CR, any error)."""
    body = text.removeprefix("\ufeff")
    if body.count("\r") != body.count("\r\n"):
        return None
    lines = body.split("\n")
    counts = Counter(lines[1:])
    if '"' in body and any(line.count('"') % 2 for line in (lines[0], *counts)):
        return None  # a quoted cell over several lines
    try:
        header = [cell.strip() for cell in next(csv.reader(lines[:1], strict=True), [])]
        if not header:
            return None
        table, layout, index = _start(source, 1, header, candidates)
        if "ballot_id" in table.special:
            return None  # one id per paper: the row reader keeps them
        weights: dict[tuple[tuple[int, ...], ...], int] = {}
        for times, record in zip(counts.values(), csv.reader(counts, strict=True), strict=True):
            row = [cell.strip() for cell in record]
            read = _ranks(table, layout, 0, row, index, candidates) if row else None
            if read is not None:
                ranks, weight, _ = read
                weights[ranks] = weights.get(ranks, 0) + weight * times
        ballots = tuple(Ballot(ranks, weight) for ranks, weight in weights.items())
        return _contest(source, seats, index, ballots)
    except (csv.Error, InputFormatError):
        return None


def parse_rank_csv_rows(
    text: str, source: str = "<csv>", seats: int = 1, *, candidates: Sequence[str] | None = None
) -> Contest:
    """The row reader: one `Ballot` per CSV record, in file order, ids kept."""
    rows = _rows(text, source)
    if not rows:
        raise InputFormatError(source, None, "empty file: expected a header row")
    line, header = rows[0]
    table, layout, index = _start(source, line, header, candidates)
    ballots: list[Ballot] = []
    for line, row in rows[1:]:
        read = _ranks(table, layout, line, row, index, candidates)
        if read is not None:
            ballots.append(Ballot(*read))
    return _contest(source, seats, index, tuple(ballots))


def format_rank_csv(contest: Contest, layout: Layout = "by-candidate") -> str:
    """CSV text that `parse_rank_csv` reads back to an equal contest.

    By candidate cannot hold a candidate ranked twice; by rank cannot hold equal rankings.
    Withdrawn candidates and the title are not part of the format.
    """
    weights = any(b.weight != 1 for b in contest.ballots)
    ids = any(b.ballot_id is not None for b in contest.ballots)
    depth = max((len(b.ranks) for b in contest.ballots), default=0)
    if layout == "by-candidate":
        header = list(contest.candidates)
    else:
        header = [f"rank{r}" for r in range(1, max(depth, 1) + 1)]
    header = (["ballot_id"] if ids else []) + header + (["weight"] if weights else [])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for ballot in contest.ballots:
        if layout == "by-candidate":
            cells = [""] * len(contest.candidates)
            for number, rank in enumerate(ballot.ranks, start=1):
                for candidate in rank:
                    if cells[candidate]:
                        raise CountingError(f"ballot {ballot.ranks!r}: a candidate ranked twice")
                    cells[candidate] = str(number)
        else:
            cells = [""] * max(depth, 1)
            for number, rank in enumerate(ballot.ranks):
                if len(rank) > 1:
                    raise CountingError(
                        f"ballot {ballot.ranks!r}: equal rankings need by-candidate"
                    )
                cells[number] = contest.candidates[rank[0]] if rank else ""
        row = ([ballot.ballot_id or ""] if ids else []) + cells
        writer.writerow(row + ([str(ballot.weight)] if weights else []))
    return out.getvalue()
