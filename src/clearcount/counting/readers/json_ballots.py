"""Ballots as JSON: candidates by name, rankings as lists (docs/counting/formats.md).

    {"title": "Branch secretary", "seats": 1, "candidates": ["Ann Lee", "Bo Chan", "Cy Dunn"],
     "withdrawn": ["Cy Dunn"],
     "ballots": [{"ranking": ["Ann Lee", "Bo Chan"], "weight": 3, "id": "p-0001"},
                 {"ranking": [["Ann Lee", "Bo Chan"], "Cy Dunn"]},
                 {"ranking": [[], "Bo Chan"]}]}

A ranking entry is a name, or a list of names ranked equal (several marks at one rank); an
empty list is a skipped rank. `weight` (default 1) counts identical papers. Unknown keys are
refused, so a typo cannot silently drop data. Errors name the JSON path, e.g.
`ballots[12].ranking[1]`, and what was expected.

A file without ballot ids gives its distinct rankings with their total weights, in order of
first appearance (what `ballots.compress` gives; no rule set tells identical papers apart): each
distinct ranking is checked and read once, the papers repeating it only add their weight. Such
a file is read from its bytes (`json_array`: the papers' texts found and merged with NumPy, each
distinct text parsed once), never one Python object per paper; a file it cannot read so (ids,
a syntax error, ...) is parsed whole, which also words any error. A file with ids gives one
`Ballot` per paper, ids kept.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from clearcount.core.errors import CountingError, InputFormatError
from clearcount.core.json_text import load_json
from clearcount.counting.ballots import Ballot, Contest

if TYPE_CHECKING:
    from clearcount.counting.ranking_matrix import RankingMatrix
    from clearcount.counting.readers.json_array import BallotTexts

__all__ = ["format_json_ballots", "parse_json_ballots", "parse_json_ballots_rows"]

_TOP_KEYS = ("title", "seats", "candidates", "withdrawn", "ballots")
_BALLOT_KEYS = ("ranking", "weight", "id")


def _ranking_key(value: object) -> tuple[object, ...] | None:
    """A paper's ranking as a hashable key, where the paper is {"ranking": [...]} with at most a
    "weight" besides and its entries are strings or flat lists; else None (read in full)."""
    if type(value) is not dict or not 1 <= len(value) <= 2:
        return None
    ranking = value.get("ranking")
    if type(ranking) is not list or (len(value) == 2 and "weight" not in value):
        return None
    try:
        key = tuple(e if type(e) is str else tuple(e) if type(e) is list else {} for e in ranking)
        hash(key)
    except TypeError:  # a dict or nested list in the ranking: the full reader words the error
        return None
    return key


class _Reader:
    def __init__(self, source: str, merge: bool = True) -> None:
        self.source = source
        self.merge = merge
        self.index: dict[str, int] = {}
        self.singles: dict[int, tuple[int]] = {}

    def fail(self, path: str, message: str) -> InputFormatError:
        return InputFormatError(self.source, None, f"{path}: {message}")

    def keys(self, path: str, value: Mapping[str, object], allowed: tuple[str, ...]) -> None:
        unknown = sorted(set(value) - set(allowed))
        if unknown:
            raise self.fail(path, f"unknown key(s) {unknown!r}; expected some of {list(allowed)!r}")

    def name(self, path: str, value: object) -> int:
        if not isinstance(value, str):
            raise self.fail(path, f"expected a candidate name (string), got {value!r}")
        try:
            return self.index[value]
        except KeyError:
            raise self.fail(
                path, f"unknown candidate {value!r}; expected one listed in 'candidates'"
            ) from None

    def rank(self, path: str, value: object) -> tuple[int, ...]:
        if not isinstance(value, list):
            mark = self.name(path, value)
            return self.singles.setdefault(mark, (mark,))  # one tuple per candidate, not mark
        marks = tuple(self.name(f"{path}[{i}]", item) for i, item in enumerate(value))
        if len(set(marks)) != len(marks):
            raise self.fail(path, "a candidate is listed twice at one rank")
        return marks

    def ballot(self, path: str, value: object) -> Ballot:
        if not isinstance(value, dict):
            raise self.fail(path, f"expected an object with a 'ranking', got {value!r}")
        self.keys(path, value, _BALLOT_KEYS)
        ranking = value.get("ranking")
        if not isinstance(ranking, list):
            raise self.fail(f"{path}.ranking", f"expected a list of names, got {ranking!r}")
        ranks = [self.rank(f"{path}.ranking[{i}]", item) for i, item in enumerate(ranking)]
        while ranks and not ranks[-1]:
            ranks.pop()
        weight = value.get("weight", 1)
        if isinstance(weight, bool) or not isinstance(weight, int) or weight < 1:
            raise self.fail(f"{path}.weight", f"expected a whole number >= 1, got {weight!r}")
        ballot_id = value.get("id")
        if ballot_id is not None and not isinstance(ballot_id, (str, int)):
            raise self.fail(f"{path}.id", f"expected a string or a number, got {ballot_id!r}")
        return Ballot(tuple(ranks), weight, None if ballot_id is None else str(ballot_id))

    def merged(self, papers: list[object]) -> tuple[Sequence[Ballot], RankingMatrix | None]:
        """The papers' distinct rankings with their total weights, in order of first appearance
        (with their `RankingMatrix` when all are plain: `ranking_matrix.distinct_papers`); each
        distinct ranking is read (and checked) in full once."""
        from clearcount.counting.ranking_matrix import distinct_papers

        seen: dict[tuple[object, ...], tuple[tuple[int, ...], ...]] = {}
        weights: dict[tuple[tuple[int, ...], ...], int] = {}
        for i, paper in enumerate(papers):
            key = _ranking_key(paper)
            ranks = None if key is None else seen.get(key)
            weight = paper.get("weight", 1) if ranks is not None and type(paper) is dict else None
            if ranks is None or type(weight) is not int or weight < 1:
                ballot = self.ballot(f"ballots[{i}]", paper)
                ranks, weight = ballot.ranks, ballot.weight
                if key is not None:
                    seen[key] = ranks
            weights[ranks] = weights.get(ranks, 0) + weight
        return distinct_papers(weights, len(self.index))

    def merged_texts(self, texts: BallotTexts) -> tuple[Sequence[Ballot], RankingMatrix | None]:
        """`merged` of the papers' distinct texts: each read (and checked) once, in order of
        first appearance, so the first refused is the file's first refused paper."""
        from clearcount.counting.ranking_matrix import distinct_papers

        weights: dict[tuple[tuple[int, ...], ...], int] = {}
        for paper, count, first in texts.papers():
            ballot = self.ballot(f"ballots[{first}]", paper)
            weights[ballot.ranks] = weights.get(ballot.ranks, 0) + ballot.weight * count
        return distinct_papers(weights, len(self.index))

    def contest(self, document: object, texts: BallotTexts | None = None) -> Contest:
        if not isinstance(document, dict):
            raise self.fail("top level", f"expected a JSON object, got {type(document).__name__}")
        self.keys("top level", document, _TOP_KEYS)
        candidates = document.get("candidates")
        if not isinstance(candidates, list) or not candidates:
            raise self.fail("candidates", f"expected a non-empty list of names, got {candidates!r}")
        for i, name in enumerate(candidates):
            if not isinstance(name, str) or not name.strip():
                raise self.fail(f"candidates[{i}]", f"expected a non-empty string, got {name!r}")
            if name in self.index:
                raise self.fail(f"candidates[{i}]", f"candidate {name!r} is listed twice")
            self.index[name] = i
        seats = document.get("seats", 1)
        if isinstance(seats, bool) or not isinstance(seats, int) or seats < 1:
            raise self.fail("seats", f"expected a whole number >= 1, got {seats!r}")
        title = document.get("title", "")
        if not isinstance(title, str):
            raise self.fail("title", f"expected a string, got {title!r}")
        withdrawn = document.get("withdrawn", [])
        if not isinstance(withdrawn, list):
            raise self.fail("withdrawn", f"expected a list of names, got {withdrawn!r}")
        out = frozenset(self.name(f"withdrawn[{i}]", n) for i, n in enumerate(withdrawn))
        ballots = document.get("ballots")
        if not isinstance(ballots, list):
            raise self.fail("ballots", f"expected a list of ballots, got {ballots!r}")
        parsed: Sequence[Ballot]
        matrix: RankingMatrix | None = None
        if texts is not None:
            parsed, matrix = self.merged_texts(texts)
        elif not self.merge or any(type(b) is dict and "id" in b for b in ballots):
            parsed = tuple(self.ballot(f"ballots[{i}]", b) for i, b in enumerate(ballots))
        else:
            parsed, matrix = self.merged(ballots)
        extras: dict[str, object] = {}
        if matrix is not None:
            from clearcount.counting.ranking_matrix import MATRIX_KEY

            extras[MATRIX_KEY] = matrix.bound_to(parsed)
        try:
            return Contest(
                candidates=tuple(candidates),
                ballots=parsed,
                seats=seats,
                withdrawn=out,
                title=title,
                source=self.source,
                extras=extras,
            )
        except CountingError as exc:
            raise InputFormatError(self.source, None, str(exc)) from None


def parse_json_ballots(text: str, source: str = "<json>") -> Contest:
    """Parse JSON ballots into a `Contest`; `source` names the file in error messages. Without
    ids, the papers are the distinct rankings with their total weights."""
    from clearcount.counting.readers.json_array import NotPlainError, ballot_texts

    try:
        data = text.encode()
    except UnicodeEncodeError:  # a lone surrogate: the plain parse words it
        data = b""
    texts = ballot_texts(data) if data else None
    del data
    if texts is not None:
        try:
            return _Reader(source).contest(texts.document, texts)
        except NotPlainError:
            pass  # a paper is not JSON or has an id: the plain parse says what, or reads ids
        except InputFormatError:
            if texts.all_plain():  # else a paper's syntax error, or its id, comes first
                raise
    return _Reader(source).contest(_document(text, source))


def parse_json_ballots_rows(text: str, source: str = "<json>") -> Contest:
    """The paper-by-paper reader: one `Ballot` per paper, in file order (the reference that
    `parse_json_ballots` must agree with, after `ballots.compress`)."""
    return _Reader(source, merge=False).contest(_document(text, source))


def _document(text: str, source: str) -> object:
    try:
        return load_json(text)
    except json.JSONDecodeError as exc:
        raise InputFormatError(
            source, exc.lineno, f"not valid JSON: {exc.msg} (column {exc.colno})"
        ) from None


def format_json_ballots(contest: Contest) -> str:
    """JSON text that `parse_json_ballots` reads back to an equal contest (ids as strings)."""
    names = contest.candidates

    def rank(marks: tuple[int, ...]) -> object:
        if any(not 0 <= m < len(names) for m in marks):
            raise CountingError(f"contest {contest.title!r}: a mark has no candidate name: {marks}")
        return names[marks[0]] if len(marks) == 1 else [names[m] for m in marks]

    ballots: list[dict[str, object]] = []
    for ballot in contest.ballots:
        item: dict[str, object] = {"ranking": [rank(r) for r in ballot.ranks]}
        if ballot.weight != 1:
            item["weight"] = ballot.weight
        if ballot.ballot_id is not None:
            item["id"] = ballot.ballot_id
        ballots.append(item)
    document: dict[str, object] = {"title": contest.title, "seats": contest.seats}
    document["candidates"] = list(names)
    if contest.withdrawn:
        document["withdrawn"] = [names[i] for i in sorted(contest.withdrawn)]
    document["ballots"] = ballots
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"
