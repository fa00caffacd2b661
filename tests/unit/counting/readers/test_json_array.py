"""The JSON ballot reader that goes from bytes to distinct paper texts (readers/json_array.py).

Whatever the file, and however it is cut into chunks, `parse_json_ballots` must give what the
paper-by-paper reader gives (the same error, or the same contest merged by `ballots.compress`);
and a plain file must be read by the array path, not by parsing it whole.
"""

from __future__ import annotations

import json
from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.unit.counting.readers.reading import assert_reads_as

from clearcount.counting.readers import json_array
from clearcount.counting.readers.json_array import ballot_texts
from clearcount.counting.readers.json_ballots import (
    format_json_ballots,
    parse_json_ballots,
    parse_json_ballots_rows,
)

NAMES = ["Ann Lee", 'Bo "Bee" Chan', "Cy, [Dunn]", "Di \\ {Evans}", "Él Fry"]
"""Names with the bytes the tokenizer must read as text: quotes, backslashes, brackets, commas."""
ENTRIES = [*NAMES, [], [NAMES[0], NAMES[1]], [NAMES[2], NAMES[3]], "Zed", [NAMES[1], NAMES[1]]]


@st.composite
def documents(draw: st.DrawFn) -> str:
    papers = []
    for _ in range(draw(st.integers(0, 14))):
        paper: dict[str, object] = {"ranking": draw(st.lists(st.sampled_from(ENTRIES), max_size=4))}
        if draw(st.integers(0, 3)) == 0:
            paper["weight"] = draw(st.sampled_from([1, 2, 10**30, 0, True, "2"]))
        if draw(st.integers(0, 15)) == 0:
            paper[draw(st.sampled_from(["id", "wieght"]))] = "p1"
        papers.append(paper)
    papers += [papers[i] for i in draw(st.lists(st.integers(0, 13), max_size=8)) if i < len(papers)]
    document: dict[str, object] = {"title": "Chair", "candidates": NAMES, "ballots": papers}
    if draw(st.booleans()):
        document = {"ballots": papers, "seats": 1, "candidates": NAMES}  # the papers first
    text = json.dumps(
        document, ensure_ascii=draw(st.booleans()), indent=draw(st.sampled_from([None, 1]))
    )
    if draw(st.integers(0, 4)) == 0:  # damaged: a byte cut out, or one put in
        at = draw(st.integers(0, len(text)))
        cut = draw(st.booleans())
        text = (
            text[:at]
            + ("" if cut else draw(st.sampled_from('"\\[]{},: \t\ufeff')))
            + text[at + cut :]
        )
    return text


@settings(max_examples=300, deadline=None)
@given(documents(), st.sampled_from([3, 7, 64, 1 << 20]))
def test_any_file_in_any_chunks_reads_as_the_paper_reader(text: str, chunk: int) -> None:
    with patch.object(json_array, "CHUNK_BYTES", chunk):
        assert_reads_as(parse_json_ballots, parse_json_ballots_rows, text)


def _plain(papers: list[object], **top: object) -> str:
    return json.dumps({"candidates": NAMES, **top, "ballots": papers})


@pytest.mark.parametrize("chunk", [5, 1 << 20])
def test_a_plain_file_is_read_as_distinct_texts_with_their_counts(chunk: int) -> None:
    a, b = {"ranking": [NAMES[1], NAMES[0]]}, {"ranking": [NAMES[2]], "weight": 2}
    with patch.object(json_array, "CHUNK_BYTES", chunk):
        texts = ballot_texts(_plain([a, b, a, a, b]).encode())
    assert texts is not None
    assert texts.document == {"candidates": NAMES, "ballots": []}
    assert list(texts.papers()) == [(a, 3, 0), (b, 2, 1)]
    assert texts.texts == [None, None]  # each dropped once parsed


def test_a_file_written_by_the_formatter_is_read_as_arrays() -> None:
    contest = parse_json_ballots(_plain([{"ranking": [NAMES[0]]}, {"ranking": [[], NAMES[4]]}]))
    assert ballot_texts(format_json_ballots(contest).encode()) is not None


@pytest.mark.parametrize(
    "text",
    [
        '{"candidates": ["A"], "ballots": [{"ranking": ["A"]}], "ballots": []}',  # ballots twice
        '{"candidates": ["A"], "ballots": [], "ballots": [{"ranking": ["A"]}]}',
        '{"candidates": ["A"], "ballot\\u0073": [{"ranking": ["A"]}]}',  # the key escaped
        '{"candidates": ["A"], "title": "\\"ballots\\": [", "ballots": [{"ranking": ["A"]}]}',
        '{"candidates": ["A"], "ballots": [{"ranking": ["A"]},]}',  # a trailing comma
        '{"candidates": ["A"], "ballots": [{"ranking": ["A"]} {"ranking": ["A"]}]}',
        '{"candidates": ["A"], "ballots": [\ufeff{"ranking": ["A"]}]}',  # a BOM inside
        '{"candidates": ["A"], "ballots": [{"ranking": ["A"]}]} []',  # data after the end
        '{"candidates": ["A"], "ballots": [{"ranking": ["A"], "id": 1}]}',  # ids
        '{"candidates": ["A"], "ballots": [' + "[" * 200 + "]" * 200 + "]}",
        '{"candidates": ["A"], "ballots": [{"ranking": ["A\\"]}]}',  # a string not closed
        '[{"candidates": ["A"], "ballots": [{"ranking": ["A"]}]}]',  # not an object
        '{"candidates": ["A"], "ballots": {"ranking": ["A"]}}',
    ],
)
def test_what_the_array_path_cannot_prove_is_read_the_plain_way(text: str) -> None:
    for chunk in (3, 1 << 20):
        with patch.object(json_array, "CHUNK_BYTES", chunk):
            assert_reads_as(parse_json_ballots, parse_json_ballots_rows, text)


def test_the_first_refused_paper_is_named_as_the_paper_reader_names_it() -> None:
    good = {"ranking": ["Ann Lee"]}
    text = _plain([good, good, {"ranking": ["Zed"]}, good, {"ranking": ["Zed"]}])
    assert ballot_texts(text.encode()) is not None
    with pytest.raises(Exception, match=r"ballots\[2\]\.ranking\[0\]: unknown candidate 'Zed'"):
        parse_json_ballots(text)
    assert_reads_as(parse_json_ballots, parse_json_ballots_rows, text)


def _thue_morse(doublings: int) -> str:
    text = "a"
    for _ in range(doublings):
        text += text.translate(str.maketrans("ab", "ba"))
    return text


@pytest.mark.parametrize("base", [json_array._BASE, 0])
def test_papers_whose_texts_hash_alike_are_never_merged(base: int) -> None:
    """Names that may hash alike (Thue-Morse and its complement, the classic collision modulo
    2**64), and a base 0 under which every paper hashes as its first 8 bytes: the word by word
    comparison catches a collision and the file is read the plain way, its counts right."""
    a = _thue_morse(12)
    b = a.translate(str.maketrans("ab", "ba"))
    text = json.dumps({"candidates": [a, b], "ballots": [{"ranking": [n]} for n in (a, b, b)]})
    with patch.object(json_array, "_BASE", base), patch.dict(json_array._POWERS, clear=True):
        if base == 0:
            assert ballot_texts(text.encode()) is None
        contest = parse_json_ballots(text)
    assert [(p.ranks, p.weight) for p in contest.ballots] == [(((0,),), 1), (((1,),), 2)]
