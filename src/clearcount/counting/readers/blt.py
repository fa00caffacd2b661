"""The BLT ballot format (OpenSTV, OpaVote, Droop), with Droop's extensions.

Accepted: comments after `#`; withdrawn candidates as negative numbers on the line after the
header; option lines `[withdrawn ...]`, `[tie ...]`, `[nick ...]`, `[undeclared ...]`,
`[droop ...]` (the options Droop's profile.py accepts, nothing else); an optional `(id)` before
the weight; `a=b` equal rankings; `-` for a skipped rank; quoted or unquoted names and title.
See ../shared/rules/counting.md §9 and docs/counting.md.

A file whose ballot lines are plain numbers (weight, candidate numbers, 0) is read at disk speed:
the header, options and names go through the line parser, the ballot lines through
`blt_section` (NumPy over the bytes), and the contest's papers are its distinct rankings
(`ranking_matrix.MatrixBallots`, weighted, first-appearance order: `ballots.compress` of what
the line parser gives) with the `RankingMatrix` attached. Given the file's bytes (as
`clearcount count` does) only the header, options and names are decoded: the text is held
once. Any other file, and any file the line parser would reject, is read line by line
(`parse_blt_lines`), so results and errors are the same either way
(tests/unit/counting/readers/test_blt_fast.py).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from clearcount.core.errors import ClearcountError, CountingError, InputFormatError
from clearcount.counting.ballots import Ballot, Contest
from clearcount.counting.ranking_matrix import (
    MATRIX_KEY,
    MatrixBallots,
    RankingMatrix,
    matrix_papers,
)
from clearcount.counting.readers.numerals import numeral
from clearcount.counting.readers.text import BOM, decode_text

if TYPE_CHECKING:
    from clearcount.counting.readers.chunks import Distinct

__all__ = ["parse_blt", "parse_blt_lines"]

_OPTION = re.compile(r"^\[\s*(\w+)((?:\s+[^\]\s]+)*)\s*\]$")
_KNOWN_OPTIONS = ("withdrawn", "tie", "nick", "undeclared", "droop")
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')
_WITHDRAWN = re.compile(r"-\d+(\s+-\d+)*")
_TERMINATOR = re.compile(rb"^[ \t]*0[ \t]*\r?$", re.MULTILINE)
_ODD_BREAK = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]|\r(?!\n)")
"""Line breaks of `str.splitlines` other than LF and CR LF: such files are read line by line."""


def _strip_comment(line: str) -> str:
    """Drop a `#` comment that is outside quotes."""
    in_quote = False
    for i, ch in enumerate(line):
        if ch == '"':
            in_quote = not in_quote
        elif ch == "#" and not in_quote:
            return line[:i]
    return line


def _collapse(name: str) -> str:
    return " ".join(name.split())


def _numbered(text: str, first: int = 1) -> list[tuple[int, str]]:
    """The non-blank lines of `text` without comments, with their line numbers from `first`."""
    lines = [(n, _strip_comment(raw).strip()) for n, raw in enumerate(text.splitlines(), first)]
    return [(n, s) for n, s in lines if s]


class _NotSimple(Exception):  # noqa: N818 (a signal to parse_blt, never shown)
    """The file needs the line-by-line reader."""


class _Parser:
    def __init__(
        self,
        lines: list[tuple[int, str]],
        source: str,
        matrix: bool = False,
        section: Callable[[int], Distinct] | None = None,
    ) -> None:
        self.source = source
        self.plain: tuple[list[tuple[int, ...]], list[int]] | None = ([], []) if matrix else None
        """With `matrix`: the plain rankings and weights read so far, None once one is not."""
        self.lines = lines
        self.section = section
        """Reads the ballot lines, cut out of `lines`, given the number of candidates
        (`blt_section.distinct_rankings`; None: they are in `lines`)."""
        self.pos = 0
        self.nicknames: dict[str, int] = {}

    def error(self, line: int | None, message: str) -> InputFormatError:
        return InputFormatError(self.source, line, message)

    def next_line(self, expected: str) -> tuple[int, str]:
        if self.pos >= len(self.lines):
            last = self.lines[-1][0] if self.lines else None
            raise self.error(last, f"file ends early: expected {expected}")
        line = self.lines[self.pos]
        self.pos += 1
        return line

    def parse(self) -> Contest:
        number, header = self.next_line("a header line 'candidates seats'")
        parts = header.split()
        numbers = [numeral(p) for p in parts]
        if len(parts) != 2 or None in numbers:
            raise self.error(
                number, f"expected 'candidates seats' (two whole numbers), got {header!r}"
            )
        ncand, seats = int(parts[0]), int(parts[1])
        if ncand < 1 or seats < 1:
            raise self.error(number, "candidates and seats must both be at least 1")
        withdrawn: set[int] = set()
        undeclared: set[int] = set()
        tie_order: tuple[int, ...] | None = None
        options: dict[str, str] = {}
        while self.pos < len(self.lines):
            number, line = self.lines[self.pos]
            if line.startswith("["):
                self.pos += 1
                name, values = self.option(number, line)
                if name == "nick":
                    if len(values) != ncand:
                        raise self.error(
                            number, f"[nick] needs {ncand} nicknames, got {len(values)}"
                        )
                    self.nicknames = {nick: i + 1 for i, nick in enumerate(values)}
                elif name == "droop":
                    options["droop"] = " ".join(values)
                else:
                    indices = tuple(self.candidate(number, v, ncand) - 1 for v in values)
                    if name == "withdrawn":
                        withdrawn.update(indices)
                    elif name == "undeclared":
                        undeclared.update(indices)
                    else:
                        tie_order = indices
            elif _WITHDRAWN.fullmatch(line):
                self.pos += 1
                withdrawn.update(self.candidate(number, v[1:], ncand) - 1 for v in line.split())
            else:
                break
        papers: Sequence[Ballot]
        matrix: RankingMatrix | None = None
        if self.section is None:
            papers = tuple(self.ballots(ncand))
        else:
            papers, matrix = self.section_ballots(ncand)
        names = self.names(ncand)
        candidates = tuple(_collapse(n) for n in names[:ncand])
        if len(set(candidates)) != ncand:
            raise self.error(None, "candidate names must be distinct")
        title = names[ncand] if len(names) > ncand else ""
        extras: dict[str, object] = {"blt_options": options} if options else {}
        if self.plain is not None:
            # a name twice on a paper, or weights beyond 64 bits: no matrix
            with contextlib.suppress(CountingError):
                matrix = RankingMatrix.from_rows(*self.plain, candidates=ncand)
        if matrix is not None:
            extras[MATRIX_KEY] = matrix.bound_to(papers)
        return Contest(
            candidates=candidates,
            ballots=papers,
            seats=seats,
            withdrawn=frozenset(withdrawn),
            undeclared=frozenset(undeclared),
            tie_order=tie_order,
            title=title,
            source=self.source,
            extras=extras,
        )

    def option(self, number: int, line: str) -> tuple[str, list[str]]:
        match = _OPTION.match(line)
        if not match:
            raise self.error(number, f"malformed option line {line!r}; expected '[name values...]'")
        name = match.group(1)
        if name not in _KNOWN_OPTIONS:
            raise self.error(
                number, f"unknown option [{name}]; expected one of {', '.join(_KNOWN_OPTIONS)}"
            )
        return name, match.group(2).split()

    def candidate(self, number: int, token: str, ncand: int) -> int:
        if token in self.nicknames:
            return self.nicknames[token]
        value = numeral(token)
        if value is None:
            raise self.error(number, f"expected a candidate number 1..{ncand}, got {token!r}")
        if not 1 <= value <= ncand:
            raise self.error(number, f"candidate number {value} is out of range 1..{ncand}")
        return value

    def ballots(self, ncand: int) -> list[Ballot]:
        ballots: list[Ballot] = []
        while True:
            number, line = self.next_line("a ballot line or the terminating 0")
            tokens = line.split()
            ballot_id: str | None = None
            if tokens[0].startswith("("):
                if not tokens[0].endswith(")"):
                    raise self.error(number, f"malformed ballot id {tokens[0]!r}; expected '(id)'")
                ballot_id = tokens[0][1:-1]
                tokens = tokens[1:]
                if not tokens:
                    raise self.error(number, "ballot id without a weight")
            if tokens == ["0"] and ballot_id is None:
                return ballots
            weight = numeral(tokens[0])
            if weight is None:
                raise self.error(
                    number, f"expected a whole-number ballot weight, got {tokens[0]!r}"
                )
            if tokens[-1] != "0":
                raise self.error(number, "ballot line must end with 0")
            ranks: list[tuple[int, ...]] = []
            for token in tokens[1:-1]:
                if token == "-":  # noqa: S105 (a skipped rank)
                    ranks.append(())
                    continue
                ranks.append(tuple(self.candidate(number, t, ncand) - 1 for t in token.split("=")))
            while ranks and not ranks[-1]:
                ranks.pop()
            ballots.append(Ballot(tuple(ranks), weight, ballot_id))
            if self.plain is not None:
                if all(len(rank) == 1 for rank in ranks):
                    self.plain[0].append(tuple(rank[0] for rank in ranks))
                    self.plain[1].append(weight)
                else:
                    self.plain = None

    def section_ballots(self, ncand: int) -> tuple[MatrixBallots, RankingMatrix]:
        """The cut-out ballot lines through `blt_section`, then the terminating 0."""
        from clearcount.counting.readers.blt_section import NotSimple

        if self.nicknames or self.section is None:
            raise _NotSimple  # a nickname may be a number: the line parser resolves it
        try:
            rows, weights, first = self.section(ncand)
        except NotSimple:
            raise _NotSimple from None
        self.next_line("the terminating 0")  # found by _TERMINATOR: it is "0"
        built = matrix_papers(rows, weights, first, ncand)
        if built is None:
            raise _NotSimple  # a candidate twice on a paper
        return built

    def names(self, ncand: int) -> list[str]:
        names: list[str] = []
        while self.pos < len(self.lines) and len(names) <= ncand:
            number, line = self.lines[self.pos]
            self.pos += 1
            if line.startswith('"'):
                found = _QUOTED.findall(line)
                rest = _QUOTED.sub("", line).strip()
                if not found or rest:
                    raise self.error(number, f"expected one or more quoted names, got {line!r}")
                names.extend(n.replace('\\"', '"') for n in found)
            else:
                names.append(line)
        if len(names) < ncand:
            raise self.error(
                None, f"expected {ncand} candidate names after the ballots, got {len(names)}"
            )
        return names


def parse_blt(text: str | bytes, source: str = "<blt>", *, ranking_matrix: bool = False) -> Contest:
    """Parse BLT text (or the file's UTF-8 bytes) into a `Contest`; `source` names the file in
    error messages.

    Plain ballot lines are read as arrays (module doc): the papers are the distinct rankings,
    weighted, with the `RankingMatrix` attached (`Contest.extras["ranking_matrix"]`), so `irv`
    and `stv-scottish` count without a pass over the papers. Given bytes, only the header,
    options and names are decoded, so the file is held once. Other files are read line by line;
    with `ranking_matrix`, a file of plain papers then also gets its matrix built as it is read.
    """
    if isinstance(text, str):
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: only the line parser reads it
            return parse_blt_lines(text, source, ranking_matrix=ranking_matrix)
        begin = 0
    else:
        data = text
        begin = len(BOM) if data.startswith(BOM) else 0
    fast = _parse_section(data, begin, source)
    if fast is not None:
        return fast
    if not isinstance(text, str):
        text = decode_text(data, source)
    return parse_blt_lines(text, source, ranking_matrix=ranking_matrix)


def parse_blt_lines(text: str, source: str = "<blt>", *, ranking_matrix: bool = False) -> Contest:
    """The line-by-line reader: one `Ballot` per ballot line, in file order, ids kept."""
    return _Parser(_numbered(text), source, ranking_matrix).parse()


def _ballots_start(data: bytes, begin: int) -> int | None:
    """Offset of the first ballot line (after the header and option lines), None if none or if
    a line before it is not UTF-8."""
    header = False
    position = begin
    while position < len(data):
        newline = data.find(b"\n", position)
        end = len(data) if newline < 0 else newline + 1
        try:
            line = _strip_comment(data[position:end].decode("utf-8")).strip()
        except UnicodeDecodeError:
            return None
        if line:
            if not header:
                header = True
            elif not (line.startswith("[") or _WITHDRAWN.fullmatch(line)):
                return position
        position = end
    return None


def _terminator(data: bytes, start: int) -> int | None:
    """Offset of the first line from `start` on that is `0` (a `0` after blanks is missed, and
    then fails `blt_section` as a line with a single number: the line reader takes the file)."""
    at = start
    while not _TERMINATOR.match(data, at):
        found = data.find(b"\n0", at)
        if found < 0:
            return None
        at = found + 1
    return at


def _parse_section(data: bytes, begin: int, source: str) -> Contest | None:
    """`parse_blt` with the ballot lines read by `blt_section` straight from `data` (from
    `begin`), or None where the line parser must read the file (anything but plain ballot
    lines, or any error: it words the errors)."""
    from clearcount.counting.readers.blt_section import distinct_rankings

    start = _ballots_start(data, begin)
    end = None if start is None else _terminator(data, start)
    if start is None or end is None:
        return None
    try:
        head, tail = data[begin:start].decode("utf-8"), data[end:].decode("utf-8")
    except UnicodeDecodeError:
        return None
    if _ODD_BREAK.search(head) or _ODD_BREAK.search(tail):
        return None
    first_tail = head.count("\n") + data.count(b"\n", start, end) + 1
    lines = _numbered(head) + _numbered(tail, first_tail)
    parser = _Parser(lines, source, section=lambda n: distinct_rankings(data, start, end, n))
    try:
        return parser.parse()
    except (_NotSimple, ClearcountError):
        return None
