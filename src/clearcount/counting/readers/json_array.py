"""The `ballots` array of a JSON ballot file as distinct paper texts, with NumPy (issue 12).

A JSON document's structure is found from its bytes a chunk at a time: the quotes that are not
escaped (an odd run of backslashes before them) mark the strings, the brackets and commas
outside them are the structure, their running sum the depth. The top-level `"ballots": [...]`
array's elements are then the spans between its commas; identical spans (byte for byte) are
merged (grouped by a polynomial hash of their 8-byte words, then every span compared word by
word with its group's first: a collision is never trusted), so each distinct paper text is
parsed once and no paper ever becomes a Python object.

Only for what it can prove it read as `json.loads` would: `ballot_texts` gives None (read the
file the plain way) for anything else, such as a syntax error outside the papers, a document
nested more than `MAX_DEPTH` deep, or a top-level object whose `ballots` key it cannot find
exactly once; a paper text that is not JSON, or has an id, raises `NotPlainError` as it is parsed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from clearcount.core.json_text import load_json

__all__ = ["CHUNK_BYTES", "MAX_DEPTH", "BallotTexts", "NotPlainError", "ballot_texts"]

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


class NotPlainError(Exception):
    """A paper text is not JSON, or has an id: the file must be parsed whole."""


@dataclass(frozen=True, slots=True)
class BallotTexts:
    """The document without its papers, and each distinct paper's text."""

    document: dict[str, object]
    """The top-level object, its `ballots` an empty list."""
    texts: list[bytes | None]
    """Each distinct paper text (UTF-8, no whitespace around), in order of first appearance;
    `papers` drops each as it parses it."""
    counts: list[int]
    """How many papers have that text."""
    first: list[int]
    """The index in `ballots` of its first paper."""

    def papers(self) -> Iterator[tuple[object, int, int]]:
        """Each distinct paper parsed (then its text dropped), its count and first index;
        NotPlainError at one that is not JSON or has an id."""
        for i, (count, first) in enumerate(zip(self.counts, self.first, strict=True)):
            yield self._parse(i), count, first

    def all_plain(self) -> bool:
        """Whether every paper text not yet dropped is JSON without an id."""
        try:
            for i in range(len(self.texts)):
                if self.texts[i] is not None:
                    self._parse(i)
        except NotPlainError:
            return False
        return True

    def _parse(self, i: int) -> object:
        text = self.texts[i]
        self.texts[i] = None
        try:
            paper = load_json(b"" if text is None else text.decode())
        except (ValueError, UnicodeDecodeError):
            raise NotPlainError from None
        if type(paper) is dict and "id" in paper:
            raise NotPlainError
        return paper


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
    for `BallotTexts` to parse each once; None if one is empty."""
    index: dict[bytes, int] = {}
    texts: list[bytes | None] = []
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
        found = _codes(chunk, lo, hi, index, texts)
        if found is None:
            return None
        codes = found
        known = len(first)
        counts = np.append(counts, np.zeros(len(texts) - known, np.int64))
        counts += np.bincount(codes, minlength=len(texts))
        new, where = np.unique(codes, return_index=True)
        first += (where[new >= known] + at).tolist()
        at = stop
    del index
    return BallotTexts(document, texts, counts.tolist(), first)


_BASE = 0x9E3779B97F4A7C15  # odd
_MIX = np.uint64(0xD6E8FEB86659FD93)
_POWERS: dict[int, npt.NDArray[np.uint64]] = {}
_WORD = 8


def _powers(base: int, count: int) -> npt.NDArray[np.uint64]:
    """base**0 .. base**(count - 1) modulo 2**64 (kept: every chunk needs about as many)."""
    kept = _POWERS.get(base)
    if kept is None or len(kept) < count:
        powers = np.full(max(count, CHUNK_BYTES // _WORD + 1), base, np.uint64)
        powers[0] = 1
        with np.errstate(over="ignore"):
            kept = _POWERS[base] = np.cumprod(powers, dtype=np.uint64)
    return kept[:count]


def _codes(
    chunk: bytes,
    lo: npt.NDArray[np.int64],
    hi: npt.NDArray[np.int64],
    index: dict[bytes, int],
    texts: list[bytes | None],
) -> npt.NDArray[np.int64] | None:
    """The code of each span chunk[lo:hi] among the distinct texts (`index`, `texts`: new ones
    added in order of first appearance); None where two different spans hash alike, or a span
    is shorter than 8 bytes (the caller then reads the file the plain way: never a wrong merge).

    A span is read as 8-byte words: at lo, lo + 8, ..., and the last one ending at hi (it may
    overlap the one before), so equal words are equal bytes; the spans are grouped by a
    polynomial hash of their words and length, then compared word for word with their group's
    first."""
    sizes = hi - lo
    if len(chunk) < _WORD or int(sizes.min()) < _WORD:
        return None
    words = np.ndarray((len(chunk) - _WORD + 1,), "<u8", chunk, 0, (1,))  # unaligned view
    full = sizes // _WORD
    per = full + 1
    owner = np.repeat(np.arange(len(lo)), per)
    begins = np.cumsum(per) - per
    k = np.arange(len(owner)) - begins[owner]
    last = k == full[owner]

    def at(spans: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        where: npt.NDArray[np.int64] = lo[spans] + _WORD * k
        where[last] = hi[spans[last]] - _WORD
        return where

    mine = words[at(owner)]
    with np.errstate(over="ignore"):
        hashed = np.add.reduceat(mine * _powers(_BASE, int(per.max()))[k], begins)
        hashed ^= sizes.astype(np.uint64) * _MIX
    _, first, group = np.unique(hashed, return_index=True, return_inverse=True)
    group = group.ravel()
    rep = first[group]
    if not np.array_equal(sizes, sizes[rep]) or not np.array_equal(mine, words[at(rep[owner])]):
        return None
    order = np.argsort(first, kind="stable")  # the groups in order of first appearance
    code_of = np.empty(len(first), np.int64)
    for rank in order.tolist():
        span = chunk[int(lo[first[rank]]) : int(hi[first[rank]])]
        code = index.get(span)
        if code is None:
            code = index[span] = len(texts)
            texts.append(span)
        code_of[rank] = code
    return code_of[group]
