"""Caps against hostile records (spec §10.3, §12.5): a forger chooses every byte, and the
verifier must answer NOT VERIFIED naming a check, never crash, hang or exhaust memory."""

from __future__ import annotations

import copy
import json
import tracemalloc
import zipfile
from pathlib import Path
from typing import Any

import pytest
from tests.tamper.mutations import build

from clearcount.core.errors import RecordError
from clearcount.record.archive import decode_events, encode_record, read_record_bytes
from clearcount.record.chain import Event
from clearcount.record.limits import (
    BASE_EVENTS,
    EVENTS_PER_MEMBER,
    MAX_SETUP_LINE_BYTES,
    MIN_ZIP_ALLOWANCE,
    limits_from_setup,
)
from clearcount.verifier import verify_events, verify_record
from clearcount.verifier.decryption import MAX_TALLY_BOUND
from clearcount.verifier.report import Status
from clearcount.verifier.view import RecordView


def documents(events: list[Event]) -> list[dict[str, Any]]:
    return [json.loads(e.encode()) for e in events]


def lines(events: list[Event]) -> list[bytes]:
    return encode_record(events).splitlines(keepends=True)


@pytest.mark.parametrize("digits", [17, 4000, 5000, 100_000])
def test_a_long_integer_anywhere_is_a_clean_not_verified(
    election: tuple[list[Event], object], tmp_path: Path, digits: int
) -> None:
    """Past Python's int_max_str_digits (4300) json.loads raises ValueError; below it the
    conversion is quadratic. Both are refused before converting, as V-READ-1."""
    record = encode_record(election[0])
    hostile = record.replace(b'"size":13', b'"size":' + b"7" * digits, 1)
    assert hostile != record
    path = tmp_path / "record.jsonl"
    path.write_bytes(hostile)
    report = verify_record(path, workers=1)
    assert not report.ok
    (failed,) = report.failed()
    assert failed.spec.id == "V-READ-1"
    assert f"integer of {digits} digits" in failed.findings[0].message


def bomb(path: Path, size: int) -> None:
    with (
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("record.jsonl", "w", force_zip64=True) as member,
    ):
        chunk = b"\n" * 2**20
        for _ in range(size // len(chunk)):
            member.write(chunk)


def test_a_zip_bomb_is_refused_from_its_declared_size_without_inflating_it(
    tmp_path: Path,
) -> None:
    path = tmp_path / "record.zip"
    bomb(path, MIN_ZIP_ALLOWANCE + 2**20)
    assert path.stat().st_size < 2**20
    tracemalloc.start()
    with pytest.raises(RecordError, match=r"declares .* bytes uncompressed.*zip bomb"):
        read_record_bytes(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 8 * 2**20
    report = verify_record(path, workers=1)
    assert [o.spec.id for o in report.failed()] == ["V-READ-1"]


def test_a_zip_member_longer_than_it_declares_is_refused(
    tmp_path: Path, election: tuple[list[Event], object]
) -> None:
    """The declared size is the central directory's: a forger can understate it. Reading stops
    at the declared size and the damage is reported."""
    path = tmp_path / "record.zip"
    data = encode_record(election[0])
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("record.jsonl", data)
    raw = bytearray(path.read_bytes())
    size = len(data).to_bytes(4, "little")
    smaller = (len(data) // 2).to_bytes(4, "little")
    assert raw.count(size) >= 2
    path.write_bytes(bytes(raw).replace(size, smaller))
    with pytest.raises(RecordError, match="zip archive"):
        read_record_bytes(path)


def test_a_line_longer_than_the_roll_explains_is_refused_before_parsing(
    election: tuple[list[Event], object],
) -> None:
    events = election[0]
    limits = limits_from_setup(json.loads(events[0].encode()))
    assert limits.roll_size == 13
    parts = lines(events)
    parts[1] = b"[" + b"0," * (limits.line_bytes // 2) + b"0]\n"
    with pytest.raises(RecordError, match=r"line 2: \d+ bytes, over the cap .* roll of 13"):
        decode_events(b"".join(parts))
    with pytest.raises(RecordError, match=r"line 1: .* for the Setup event"):
        decode_events(b" " * (MAX_SETUP_LINE_BYTES + 1) + b"\n")


def test_more_events_than_the_roll_explains_are_refused(
    election: tuple[list[Event], object],
) -> None:
    parts = lines(election[0])
    cap = BASE_EVENTS + EVENTS_PER_MEMBER * 13
    data = parts[0] + parts[2] * cap
    with pytest.raises(RecordError, match=f"line {cap + 1}: more than {cap} events"):
        decode_events(data)
    assert len(decode_events(parts[0] + parts[2] * (cap - 1))) == cap


def test_a_huge_paper_weight_does_not_raise_the_discrete_log_bound(
    election: tuple[list[Event], object],
) -> None:
    """Before the cap, a PaperBatch weight of 2**50 made the verifier build a 2**25-entry
    baby-step table per chunk (gigabytes, minutes). The bound now comes from the roll."""
    docs = documents(election[0])
    for doc in docs:
        if doc["type"] == "PaperBatch":
            for ballot in doc["body"]["ballots"]:
                ballot["weight"] = 2**50
    forged = build(docs, rechain=True)
    view = RecordView(forged, workers=1)
    from clearcount.verifier import facts
    from clearcount.verifier.decryption import contest_bound

    spec = facts.setup(view).contests[0]
    assert contest_bound(view, spec) == 12  # the roll's eligible members
    report = verify_events(forged, workers=1)
    assert not report.ok


def test_a_roll_over_the_ceiling_is_not_verified_by_the_decryption_check(
    election: tuple[list[Event], object],
) -> None:
    docs = copy.deepcopy(documents(election[0]))
    docs[0]["body"]["roll"]["size"] = docs[0]["body"]["roll"]["eligible"] = MAX_TALLY_BOUND + 1
    docs[0]["body"]["roll"]["weights"] = [{"weight": 1, "members": MAX_TALLY_BOUND + 1}]
    report = verify_events(build(docs, rechain=True), workers=1)
    assert not report.ok
    outcome = report.outcome("V-DECRYPT-3")
    assert outcome.status is Status.FAILED
    assert "discrete-log ceiling 2**32" in outcome.findings[0].message
