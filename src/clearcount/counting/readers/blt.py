"""The BLT ballot format (OpenSTV, OpaVote, Droop), with Droop's extensions.

Accepted: comments after `#`; withdrawn candidates as negative numbers on the line after the
header; option lines `[withdrawn ...]`, `[tie ...]`, `[nick ...]`, `[undeclared ...]`,
`[droop ...]` (the options Droop's profile.py accepts, nothing else); an optional `(id)` before
the weight; `a=b` equal rankings; `-` for a skipped rank; quoted or unquoted names and title.
See ../shared/rules/counting.md §9 and docs/counting.md.
"""

from __future__ import annotations

import re

from clearcount.core.errors import CountingError, InputFormatError
from clearcount.counting.ballots import Ballot, Contest
from clearcount.counting.ranking_matrix import MATRIX_KEY, RankingMatrix

__all__ = ["parse_blt"]

_OPTION = re.compile(r"^\[\s*(\w+)((?:\s+[^\]\s]+)*)\s*\]$")
_KNOWN_OPTIONS = ("withdrawn", "tie", "nick", "undeclared", "droop")
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')


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


class _Parser:
    def __init__(self, text: str, source: str, matrix: bool = False) -> None:
        self.source = source
        self.plain: tuple[list[tuple[int, ...]], list[int]] | None = ([], []) if matrix else None
        """With `matrix`: the plain rankings and weights read so far, None once one is not."""
        self.lines = [
            (number, _strip_comment(raw).strip())
            for number, raw in enumerate(text.splitlines(), start=1)
        ]
        self.lines = [(n, s) for n, s in self.lines if s]
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
        if len(parts) != 2 or not all(p.isdigit() for p in parts):
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
            elif re.fullmatch(r"-\d+(\s+-\d+)*", line):
                self.pos += 1
                withdrawn.update(self.candidate(number, v[1:], ncand) - 1 for v in line.split())
            else:
                break
        ballots = self.ballots(ncand)
        names = self.names(ncand)
        candidates = tuple(_collapse(n) for n in names[:ncand])
        if len(set(candidates)) != ncand:
            raise self.error(None, "candidate names must be distinct")
        title = names[ncand] if len(names) > ncand else ""
        papers = tuple(ballots)
        extras: dict[str, object] = {"blt_options": options} if options else {}
        if self.plain is not None:
            try:
                matrix = RankingMatrix.from_rows(*self.plain, candidates=ncand)
            except CountingError:
                pass  # a name twice on a paper, or weights beyond 64 bits: no matrix
            else:
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
        if not token.isdigit():
            raise self.error(number, f"expected a candidate number 1..{ncand}, got {token!r}")
        value = int(token)
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
            if not tokens[0].isdigit():
                raise self.error(
                    number, f"expected a whole-number ballot weight, got {tokens[0]!r}"
                )
            weight = int(tokens[0])
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


def parse_blt(text: str, source: str = "<blt>", *, ranking_matrix: bool = False) -> Contest:
    """Parse BLT text into a `Contest`; `source` names the file in error messages.

    With `ranking_matrix`, a file of plain papers also gets its `RankingMatrix` built as it is
    read and attached (`Contest.extras["ranking_matrix"]`), so `irv` and `stv-scottish` count
    it without another pass over the papers.
    """
    return _Parser(text, source, ranking_matrix).parse()
