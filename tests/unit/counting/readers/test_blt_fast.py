"""The BLT reader at disk speed (arrays) against the line-by-line reader, on generated files.

Whatever the file, `parse_blt` must give what `parse_blt_lines` gives: the same error (type and
words), or the same contest with the papers merged by `ballots.compress` when it read the ballot
lines as arrays, the same ranking matrix, and the same counts.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.unit.counting.readers.reading import read_or_error

from clearcount.core.errors import ClearcountError, InputFormatError
from clearcount.counting.ballots import Ballot, Contest, compress
from clearcount.counting.ranking_matrix import MATRIX_KEY, MatrixBallots, RankingMatrix
from clearcount.counting.readers import blt_section, chunks
from clearcount.counting.readers.blt import parse_blt, parse_blt_lines
from clearcount.counting.readers.text import decode_text
from clearcount.counting.registry import count

SPACE = st.sampled_from([" ", "  ", "\t", " \t "])
EOL = st.sampled_from(["\n", "\n", "\n", "\r\n", "  # a comment\n", "\n\n"])


@st.composite
def rank_token(draw: st.DrawFn, candidates: int) -> str:
    kind = draw(st.integers(0, 19))
    number = draw(st.integers(1, candidates))
    if kind == 0:
        return "-"  # a skipped rank
    if kind == 1:
        return f"{number}={draw(st.integers(1, candidates))}"  # equal ranking
    if kind == 2:
        return str(draw(st.integers(0, candidates + 2)))  # maybe out of range, maybe 0
    if kind == 3:
        return f"0{number}"  # a leading zero
    return str(number)


@st.composite
def plain_line(draw: st.DrawFn, candidates: int) -> str:
    weight = draw(st.one_of(st.integers(0, 3), st.integers(0, 2**40)))
    ranks = draw(st.permutations(range(1, candidates + 1)))[: draw(st.integers(0, candidates))]
    ending = draw(st.sampled_from(["\n", "\r\n", "\n\n", " \t\n"]))
    return draw(SPACE).join(map(str, [weight, *ranks, 0])) + ending


@st.composite
def ballot_line(draw: st.DrawFn, candidates: int) -> str:
    if draw(st.booleans()):
        return draw(plain_line(candidates))
    weight = draw(st.one_of(st.integers(0, 3), st.integers(0, 2**40), st.just(1)))
    ranks = draw(st.lists(rank_token(candidates), max_size=candidates + 1))
    if draw(st.integers(0, 9)) == 0:
        ranks = [draw(st.sampled_from(list(map(str, range(1, candidates + 1)))))] * 2  # twice
    tokens = [str(weight), *ranks]
    if draw(st.integers(0, 14)) != 0:
        tokens.append("0")  # the terminating 0 (sometimes missing: an error)
    if draw(st.integers(0, 14)) == 0:
        tokens.insert(0, f"(p{draw(st.integers(0, 9))})")  # a ballot id
    gap = draw(SPACE)
    return draw(st.sampled_from(["", " "])) + gap.join(tokens) + draw(EOL)


@st.composite
def blt_files(draw: st.DrawFn) -> str:
    candidates = draw(st.integers(1, 5))
    seats = draw(st.integers(1, candidates))
    parts = [f"{candidates} {seats}" + draw(EOL)]
    if draw(st.booleans()):
        parts.append("# a comment line\n")
    if candidates > 1 and draw(st.integers(0, 3)) == 0:
        parts.append(f"-{draw(st.integers(1, candidates))}\n")  # withdrawn
    if draw(st.integers(0, 4)) == 0:
        parts.append(f"[tie {' '.join(map(str, range(candidates, 0, -1)))}]\n")
    line = plain_line if draw(st.booleans()) else ballot_line
    parts += draw(st.lists(line(candidates), max_size=12))
    parts.append(draw(st.sampled_from(["0\n", " 0 \n", "0\r\n", "0 # end\n"])))
    for index in range(candidates):
        name = f"Cand {chr(65 + index)}#{index}"
        parts.append(f'"{name}"\n' if draw(st.booleans()) else f"Name{index}\n")
    if draw(st.booleans()):
        parts.append('"Ashby Vale ballot"\n')
    text = "".join(parts)
    if draw(st.integers(0, 9)) == 0:  # drop a random character: broken files too
        at = draw(st.integers(0, len(text) - 1))
        text = text[:at] + text[at + 1 :]
    return text


def _assert_same(text: str) -> Contest | None:
    new, old = read_or_error(parse_blt, text), read_or_error(parse_blt_lines, text)
    as_bytes = read_or_error(lambda t, s: parse_blt(t.encode(), s), text)
    assert as_bytes == new  # the file's bytes, as `clearcount count` hands them over
    if not isinstance(old, Contest):
        assert new == old
        return None
    assert isinstance(new, Contest)
    if not isinstance(new.ballots, MatrixBallots):
        assert new == old
        assert [b.ballot_id for b in new.ballots] == [b.ballot_id for b in old.ballots]
        return None
    assert all(b.ballot_id is None for b in old.ballots)  # files with ids go line by line
    assert new == replace(old, ballots=compress(old.ballots))
    assert tuple(new.ballots) == compress(old.ballots)
    assert new.extras.get("blt_options") == old.extras.get("blt_options")
    matrix = new.extras[MATRIX_KEY]
    assert isinstance(matrix, RankingMatrix)
    assert matrix.ballots is new.ballots
    assert matrix == RankingMatrix.from_ballots(old.ballots, len(old.candidates))
    return new


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(blt_files())
def test_the_array_reader_matches_the_line_reader(text: str) -> None:
    _assert_same(text)


@settings(max_examples=60, deadline=None)
@given(blt_files())
def test_counts_agree(text: str) -> None:
    new = _assert_same(text)
    if new is None:
        return
    old = parse_blt_lines(text, "gen.file")
    for method in ("irv", "stv-scottish", "stv-meek"):
        try:
            expected = count(method, old)
        except ClearcountError as error:
            with pytest.raises(type(error)):
                count(method, new)
            continue
        assert count(method, new) == expected


def test_plain_files_are_read_as_arrays_and_merged_in_first_appearance_order() -> None:
    text = '3 1\n2 2 1 0\n1 3 0\n1 2 1 0\n\n0 0\n0\n"A"\n"B"\n"C"\n"T"\n'
    contest = parse_blt(text)
    assert isinstance(contest.ballots, MatrixBallots)
    assert tuple(contest.ballots) == (
        Ballot(((1,), (0,)), 3),
        Ballot(((2,),), 1),
        Ballot((), 0),
    )
    assert len(contest.ballots) == 3
    assert contest.total_weight == 4


@pytest.mark.parametrize(
    "line",
    ["(x) 1 1 0", "1 1=2 0", "1 1 - 2 0", "1 1 1 0", "1 1 # c\n0", "1 9 0", "1 1", "x 1 0"],
)
def test_anything_else_goes_line_by_line(line: str) -> None:
    text = f'2 1\n{line}\n0\n"A"\n"B"\n'
    assert _assert_same(text) is None


@pytest.mark.parametrize("eol", ["\n", "\r\n"])
def test_chunks_of_whole_lines_give_the_same_rankings(
    monkeypatch: pytest.MonkeyPatch, eol: str
) -> None:
    rankings = [[1 + (i + k) % 6 for k in range(i % 4)] for i in range(40)]
    lines = "".join(
        f"{1 + i % 3} {' '.join(map(str, [*r, 0]))}{eol}" for i, r in enumerate(rankings)
    )
    data = f"6 2{eol}{lines}0{eol}".encode()
    start, end = 4 + len(eol) - 1, len(data) - 1 - len(eol)
    whole = blt_section.distinct_rankings(data, start, end, 6)
    monkeypatch.setattr(blt_section, "CHUNK_BYTES", 7)
    monkeypatch.setattr(chunks, "MERGE_ROWS", 3)  # merged as they come, not only at the end
    chunked = blt_section.distinct_rankings(data, start, end, 6)
    for left, right in zip(whole, chunked, strict=True):
        assert left.tolist() == right.tolist()


def test_bytes_are_decoded_only_where_text_is_needed() -> None:
    text = '\ufeff2 1\n# Zoë\n1 1 2 0\n2 2 0\n0\n"Zoë Ames"\n"Bo"\n"Élan"\n'
    contest = parse_blt(text.encode())
    assert isinstance(contest.ballots, MatrixBallots)
    assert contest.candidates == ("Zoë Ames", "Bo")
    assert contest.title == "Élan"
    assert contest == parse_blt_lines(text.removeprefix("\ufeff"))


@pytest.mark.parametrize("bad", [b"\xff", b"\xc3"])
def test_bytes_that_are_not_utf8_get_the_file_readers_error(bad: bytes) -> None:
    for data in (b"2 1\n1 1 0\n0\n" + bad + b"A\nB\n", b"2 1\n1 1 0\n0\nA\nB\n" + bad):
        with pytest.raises(InputFormatError) as raised:
            parse_blt(data, "bad.blt")
        with pytest.raises(InputFormatError) as expected:
            decode_text(data, "bad.blt")
        assert str(raised.value) == str(expected.value)
