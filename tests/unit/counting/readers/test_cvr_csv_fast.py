"""The CVR CSV reader that reads each distinct ranking once, against the row reader.

Whatever the file, `parse_cvr_csv` must give what `parse_cvr_csv_rows` gives: the same error, or
the same contest with its papers merged by `ballots.compress` (or outright the same, where it
hands the file to the row reader).
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.unit.counting.readers.reading import assert_reads_as

from clearcount.counting.readers.cvr_csv import parse_cvr_csv, parse_cvr_csv_rows

CELLS = ("Ann Lee", " Bo Chan ", "Cy Dunn", "Ann Lee|Bo Chan", "#OVERVOTE", "#UWI", "", " ")


@st.composite
def cvr_files(draw: st.DrawFn) -> str:
    width = draw(st.integers(1, 4))
    header = ",".join(["ballot_id", "precinct"] + [f"rank{i}" for i in range(1, width + 1)])
    rows = draw(st.lists(st.lists(st.sampled_from(CELLS), max_size=width), max_size=12))
    precinct = st.sampled_from(["", "P1", "P2"])
    lines = [header] + [",".join([f"b{i}", draw(precinct), *cells]) for i, cells in enumerate(rows)]
    if draw(st.booleans()):
        lines += lines[1:4]  # the same rankings again
    text = draw(st.sampled_from(["\n", "\r\n"])).join(lines) + draw(st.sampled_from(["", "\n"]))
    if draw(st.integers(0, 4)) == 0:  # break something
        at = draw(st.integers(0, len(text) - 1))
        bad = draw(st.sampled_from(["", ",", '"', "|", "\r", "\n", "x", "\n\n"]))
        text = text[:at] + bad + text[at + 1 :]
    return text


@settings(max_examples=300)
@given(cvr_files(), st.booleans())
def test_reading_distinct_rankings_once_matches_the_row_reader(text: str, fixed: bool) -> None:
    names = ["Ann Lee", "Bo Chan", "Cy Dunn"] if fixed else None
    assert_reads_as(
        lambda t, s: parse_cvr_csv(t, s, names),
        lambda t, s: parse_cvr_csv_rows(t, s, names),
        text,
        keeps_ids=False,  # ids and precincts: only the row reader keeps them
    )
