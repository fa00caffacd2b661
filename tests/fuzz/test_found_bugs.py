"""One test per crash the fuzzing found (issue 12), each failing before its fix: the input is
refused with the project's error, naming what is wrong."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from clearcount.cli.common import read_json
from clearcount.cli.loading import load_contest, load_rules
from clearcount.core.errors import ClearcountError, InputFormatError
from clearcount.counting.readers.blt import parse_blt
from clearcount.counting.readers.json_ballots import parse_json_ballots
from clearcount.counting.readers.rank_csv import parse_rank_csv
from clearcount.service.elections.contests_file import ContestsFileError, contests_from_document
from clearcount.service.roles.sealed_file import open_sealed
from clearcount.service.roles.sent_log import read_sent

DEEP = "[" * 100_000


def test_a_damaged_gzip_stream_is_an_input_format_error(tmp_path: Path) -> None:
    path = tmp_path / "ballots.blt.gz"
    path.write_bytes(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00")
    with pytest.raises(InputFormatError, match="not a valid gzip file"):
        load_contest(path)
    path.write_bytes(gzip.compress(b"2 1\n1 1 0\n0\n")[:-9])
    with pytest.raises(InputFormatError, match="not a valid gzip file"):
        load_contest(path)


NUMBER_CASES = [
    (parse_blt, '2 1\n{n} 1 2 0\n0\n"A"\n"B"\n"T"\n', "expected a whole-number ballot weight"),
    (parse_blt, '2 1\n1 {n} 0\n0\n"A"\n"B"\n"T"\n', "expected a candidate number"),
    (parse_blt, '{n} 1\n0\n"A"\n', "two whole numbers"),
    (parse_rank_csv, "Ann,Ben\n{n},1\n", "expected a rank number"),
    (parse_rank_csv, "Ann,Ben,weight\n1,2,{n}\n", "weight: expected a whole number"),
]


@pytest.mark.parametrize("number", ["9" * 5000, "²", "1" * 4001])
@pytest.mark.parametrize(("parse", "template", "message"), NUMBER_CASES)
def test_a_number_int_cannot_read_is_named(parse, template: str, message: str, number: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputFormatError, match=message):
        parse(template.format(n=number), "ballots")


def test_a_rank_column_number_int_cannot_read_is_named() -> None:
    with pytest.raises(InputFormatError, match="rank columns"):
        parse_rank_csv(f"rank1,rank{'9' * 5000}\nAnn,Ben\n", "x.csv")


def test_json_nested_too_deeply_is_bad_json_everywhere(tmp_path: Path) -> None:
    with pytest.raises(InputFormatError, match="nested too deeply"):
        parse_json_ballots(DEEP, "x.json")
    path = tmp_path / "x.json"
    path.write_text(DEEP)
    with pytest.raises(InputFormatError, match="nested too deeply"):
        read_json(path)
    with pytest.raises(InputFormatError, match="nested too deeply"):
        load_rules(path)
    with pytest.raises(ClearcountError, match="not a clearcount key file"):
        open_sealed(DEEP.encode(), "x" * 12, source="k", fields=(), error=ClearcountError)


def test_a_json_number_of_5000_digits_is_bad_json(tmp_path: Path) -> None:
    path = tmp_path / "rules.json"
    path.write_text('{"seats": ' + "9" * 5000 + "}")
    with pytest.raises(InputFormatError, match="a number too long"):
        load_rules(path)


@pytest.mark.parametrize(
    ("field", "value"),
    [("options", [1, 2]), ("options", "ab"), ("seats", "2"), ("seats", [1]), ("seats", 1e300),
     ("id", 10**20)],
)  # fmt: skip
def test_a_contests_file_with_a_wrong_type_names_the_field(field: str, value: object) -> None:
    item = {"id": "a", "title": "A", "method": "fptp", "candidates": ["Ann", "Ben"]}
    document = {"format": "clearcount-contests/1", "contests": [{**item, field: value}]}
    with pytest.raises(ContestsFileError, match=rf"contests\[0\]\.{field}: expected"):
        contests_from_document(json.loads(json.dumps(document)), "c.json", 3)


def test_a_sent_log_that_is_not_utf8_is_named(tmp_path: Path) -> None:
    path = tmp_path / "sent.jsonl"
    path.write_bytes(b'{"member_id": "\xff"}\n')
    with pytest.raises(InputFormatError, match="not UTF-8 text"):
        read_sent(path, "exec-2025")
