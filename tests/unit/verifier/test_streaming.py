"""The streaming verifier: the same report from a file as from the events in memory, in bounded
memory (the ballots re-read in chunks, compact columns; docs/verifier.md)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from clearcount.core.errors import RecordError
from clearcount.record.archive import (
    decode_events,
    encode_record,
    stream_events,
    write_record,
)
from clearcount.record.chain import Event
from clearcount.record.events import Ballot
from clearcount.verifier import ballot_checks, verify_events, verify_record
from clearcount.verifier.ballot_scan import signed_digest
from clearcount.verifier.view import FileSource, RecordView


def test_a_file_gives_the_report_of_the_events_in_memory(
    election: tuple[list[Event], object], record_zip: Path, tmp_path: Path
) -> None:
    events = election[0]
    write_record(events, tmp_path / "folder")
    expected = verify_events(events, workers=1).to_json()
    assert verify_record(record_zip, workers=1).to_json() == expected
    assert verify_record(tmp_path / "folder", workers=1).to_json() == expected


def test_several_chunks_give_the_report_of_one(
    record_zip: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    one = verify_record(record_zip, workers=1).to_json()
    monkeypatch.setattr(ballot_checks, "CHUNK", 2)
    assert verify_record(record_zip, workers=1).to_json() == one


def test_the_stream_reads_what_the_whole_file_holds(record_zip: Path) -> None:
    with zipfile.ZipFile(record_zip) as archive:
        data = archive.read("record.jsonl")
    streamed = list(stream_events(record_zip))
    assert [event for event, _ in streamed] == list(decode_events(data))
    assert b"".join(line + b"\n" for _, line in streamed) == data


def test_a_truncated_file_is_refused_as_a_stream(
    election: tuple[list[Event], object], tmp_path: Path
) -> None:
    path = tmp_path / "record.jsonl"
    path.write_bytes(encode_record(election[0])[:-5])
    report = verify_record(path)
    assert (
        report.outcome("V-READ-1")
        .findings[0]
        .message.endswith("the last line is not terminated (truncated record?)")
    )


def test_an_endless_line_is_refused_without_being_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "record.jsonl"
    path.write_bytes(b'{"a":"' + b"x" * (5 * 2**20) + b'"}\n')
    with pytest.raises(RecordError, match="over the cap"):
        list(stream_events(path))


def test_the_view_keeps_no_ballot_body(
    election: tuple[list[Event], object], record_zip: Path
) -> None:
    view = RecordView(FileSource(record_zip), workers=1)
    ballots = [e for e in election[0] if e.kind == "Ballot"]
    assert list(view.ballot_seqs) == [e.seq for e in ballots]
    assert all(e.kind != "Ballot" for _, e in view.kept_positions())
    assert list(view.ballot_credentials()) == [
        (e.seq, bytes.fromhex(str(e.body["credential"]))) for e in ballots
    ]
    assert list(view.ballot_events()) == ballots
    assert list(view.hashes) == [e.hash for e in election[0]]


def test_a_record_changed_between_readings_is_noticed(
    election: tuple[list[Event], object], record_zip: Path
) -> None:
    class Changing(FileSource):
        def lines(self, longest: int):  # type: ignore[no-untyped-def]
            for line in super().lines(longest):
                yield line.replace(b'"id":"strike"', b'"id":"strikE"')

    report = verify_events(Changing(record_zip), workers=1)
    assert not report.ok
    assert "changed while it was verified" in report.outcome("V-BALLOT-PROOF").detail + "".join(
        f.message for f in report.outcome("V-BALLOT-PROOF").findings
    )


def test_the_signed_digest_cut_from_the_line_is_the_encoded_one(
    election: tuple[list[Event], object],
) -> None:
    for event in election[0]:
        if event.kind == "Ballot":
            ballot = Ballot.from_body(event.body, "test")
            assert signed_digest(event.encode(), ballot) == ballot.signed_digest()
            odd = event.encode().replace(b'{"body":{"contests"', b'{"body":{"contests" ')
            assert signed_digest(odd, ballot) == ballot.signed_digest()


def test_a_report_in_json_is_deterministic(record_zip: Path) -> None:
    first = json.loads(verify_record(record_zip, workers=2).to_json())
    assert first == json.loads(verify_record(record_zip, workers=1).to_json())
