"""The record reader and the verifier never crash or hang on hostile input (spec §10.3, §12.1).

Arbitrary bytes and valid records with random byte-level damage give a clean RecordError
(ClearcountError) from the reader; damaged records that still read give a report, not an
exception.
"""

from __future__ import annotations

import io
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clearcount.core.errors import ClearcountError
from clearcount.protocol.simulate import simulate_election
from clearcount.record.archive import decode_events, encode_record
from clearcount.verifier import verify_events

VALID = encode_record(simulate_election("trigger", b"fuzz")[0])


def read(data: bytes) -> None:
    try:
        events = decode_events(data, "<fuzz>")
    except ClearcountError:
        return
    verify_events(events, workers=1)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=4096))
def test_arbitrary_bytes_are_refused_cleanly(data: bytes) -> None:
    read(data)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(st.integers(0, len(VALID) - 1), st.integers(0, 255)), max_size=4),
    st.integers(0, len(VALID)),
)
def test_damaged_records_are_refused_or_reported(edits: list[tuple[int, int]], cut: int) -> None:
    data = bytearray(VALID)
    for offset, value in edits:
        data[offset] = value
    read(bytes(data[: cut or None]))


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=2048))
def test_zip_archives_with_garbage_are_refused_cleanly(data: bytes) -> None:
    import tempfile
    from pathlib import Path

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("record.jsonl", data)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "r.zip"
        path.write_bytes(buffer.getvalue()[: max(22, len(buffer.getvalue()) - len(data) % 7)])
        from clearcount.verifier import verify_record

        report = verify_record(path, workers=1)
        assert report.outcomes
