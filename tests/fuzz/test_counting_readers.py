"""Fuzzing the ballot file readers (BLT, rank CSV, RCTab CVR CSV, JSON ballots, trigger bodies,
rules files) through the CLI's own loading: bytes in, a Contest or a ClearcountError out."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from tests.fuzz.harness import fuzz_reader

from clearcount.cli import loading
from clearcount.cli.loading import load_contest, load_rules
from clearcount.core.errors import InputFormatError
from clearcount.counting.readers.blt import parse_blt
from clearcount.counting.readers.bodies_json import parse_bodies_json
from clearcount.counting.readers.json_ballots import format_json_ballots
from clearcount.counting.readers.rank_csv import format_rank_csv

GOLDEN = Path(__file__).parents[1] / "golden"
SAMPLE = Path(__file__).parents[2] / "src/clearcount/samples/northfold_union_executive.blt"
BLT = SAMPLE.read_bytes()
CONTEST = parse_blt(BLT.decode(), "sample")
SEEDS = {
    "ballots.blt": BLT,
    "ballots.csv": format_rank_csv(CONTEST).encode(),
    "ranks.csv": format_rank_csv(CONTEST, "by-rank").encode(),
    "cvr.csv": (GOLDEN / "irv/majority_after_transfer/ballots.csv").read_bytes(),
    "ballots.json": format_json_ballots(CONTEST).encode(),
}
BODIES = (GOLDEN / "trigger-ballot/2021-exactly-half/bodies.json").read_bytes()


def _file(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("name", SEEDS)
def test_a_ballot_file_is_read_or_refused(tmp_path: Path, name: str) -> None:
    fuzz_reader(lambda data: load_contest(_file(tmp_path / name, data)), SEEDS[name])


def test_a_gzipped_ballot_file_is_read_or_refused(tmp_path: Path) -> None:
    path = tmp_path / "ballots.blt.gz"
    fuzz_reader(lambda data: load_contest(_file(path, gzip.compress(data, mtime=0))), BLT)
    fuzz_reader(lambda data: load_contest(_file(path, data)), gzip.compress(BLT, mtime=0))


def test_a_gzip_bomb_is_refused_without_unzipping_it_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loading, "MAX_TEXT_BYTES", 2**22)
    bomb = gzip.compress(b"0 " * 2**22, mtime=0)  # 8 MiB from 8 KiB
    with pytest.raises(InputFormatError, match="unzips to more than 4194304 bytes"):
        load_contest(_file(tmp_path / "bomb.blt.gz", bomb))


def test_a_trigger_bodies_file_is_read_or_refused() -> None:
    fuzz_reader(lambda data: parse_bodies_json(data.decode("utf-8", "replace"), "b.json"), BODIES)


@pytest.mark.parametrize(
    "seed", [b'{"seats": 2, "ties": "history"}', b'{"candidates": [{"name": "Ann Arbel"}]}']
)
def test_a_rules_file_is_read_or_refused(tmp_path: Path, seed: bytes) -> None:
    fuzz_reader(lambda data: load_rules(_file(tmp_path / "rules.json", data)), seed)
