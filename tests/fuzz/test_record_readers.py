"""Fuzzing the record reader (a bare record.jsonl, a folder, a zip) and the roll file and
inclusion proofs a member checks: bytes in, events or a ClearcountError out; a zip bomb is
refused from its declared size before anything is inflated."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from tests.fuzz.harness import fuzz_reader

from clearcount.cli.common import read_json
from clearcount.core.errors import RecordError
from clearcount.protocol.simulate import simulate_election
from clearcount.record.archive import MEMBER, encode_record, read_record
from clearcount.record.roll_file import proof_from_document

EVENTS = simulate_election("industrial-action", b"fuzz record readers")[0]
RECORD = encode_record(EVENTS)


def _zipped(data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MEMBER, data)
    return out.getvalue()


def _read(path: Path):  # type: ignore[no-untyped-def]
    def read(data: bytes) -> object:
        path.write_bytes(data)
        return read_record(path)

    return read


def test_a_record_file_is_read_or_refused(tmp_path: Path) -> None:
    fuzz_reader(_read(tmp_path / "record.jsonl"), RECORD)


def test_a_record_zip_is_read_or_refused(tmp_path: Path) -> None:
    fuzz_reader(_read(tmp_path / "record.zip"), _zipped(RECORD))  # the archive damaged
    fuzz_reader(lambda d: _read(tmp_path / "record.zip")(_zipped(d)), RECORD)  # its member


def test_a_zip_bomb_is_refused_by_its_declared_size(tmp_path: Path) -> None:
    bomb = _zipped(b"\n" * (200 * 2**20))  # 200 MiB of newlines in about 200 KiB
    with pytest.raises(RecordError, match="a zip bomb"):
        _read(tmp_path / "bomb.zip")(bomb)


def test_a_damaged_deflate_stream_is_a_record_error(tmp_path: Path) -> None:
    honest = _zipped(RECORD)
    start = honest.index(MEMBER.encode()) + len(MEMBER) + 40  # inside the deflated data
    damaged = honest[:start] + bytes([honest[start] ^ 0xFF]) + honest[start + 1 :]
    with pytest.raises(RecordError, match="damaged zip archive"):
        _read(tmp_path / "damaged.zip")(damaged)


def test_a_zip_that_lies_about_its_size_is_refused(tmp_path: Path) -> None:
    honest = _zipped(RECORD)
    size = len(RECORD).to_bytes(4, "little")
    lying = honest.replace(size, (100).to_bytes(4, "little"))  # local and central headers
    assert lying != honest
    with pytest.raises(RecordError):
        _read(tmp_path / "lying.zip")(lying)


def test_an_inclusion_proof_is_read_or_refused(tmp_path: Path) -> None:
    seed = json.dumps({
        "index": 3, "size": 8, "status": "eligible", "weight": 2,
        "path": ["ab" * 32, "cd" * 32, "ef" * 32], "contests": ["chair"],
    }).encode()  # fmt: skip
    path = tmp_path / "proof.json"

    def read(data: bytes) -> object:
        path.write_bytes(data)
        return proof_from_document(read_json(path))

    fuzz_reader(read, seed)
