import contextlib
import itertools
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clearcount.core.errors import ClearcountError, RecordError
from clearcount.record.archive import decode_record, encode_record, read_record, write_record
from clearcount.record.chain import GENESIS, ChainError, Event, check_chain, next_event


def small_chain() -> list[Event]:
    chain: list[Event] = []
    for kind, body in [
        ("Setup", {"title": "Ashby Vale CLP trigger ballot", "seats": 1}),
        ("Credentials", {"public": ["aa", "bb"]}),
        ("Ballot", {"credential": "aa", "choice": "00ff"}),
        ("EndBallots", {}),
    ]:
        chain.append(next_event(chain, kind, body))
    return chain


def test_chain_links_each_event_to_the_last() -> None:
    chain = small_chain()
    assert chain[0].prev == GENESIS
    assert all(b.prev == a.hash for a, b in itertools.pairwise(chain))
    check_chain(chain)


@pytest.mark.parametrize(
    ("mutate", "seq"),
    [
        (lambda c: c[:1] + c[2:], 1),  # an event removed
        (lambda c: [c[0], c[2], c[1], c[3]], 1),  # reordered
        (lambda c: [*c[:2], Event(2, "Ballot", {"credential": "bb"}, c[2].prev), c[3]], 3),
        (lambda c: [*c, c[-1]], 4),  # duplicated
    ],
)
def test_tampering_breaks_the_chain_at_the_right_event(mutate, seq: int) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ChainError) as info:
        check_chain(mutate(small_chain()))
    assert info.value.seq == seq


def test_unknown_kind_and_non_canonical_body_are_refused_at_append() -> None:
    with pytest.raises(RecordError, match="unknown event type"):
        next_event([], "Vote", {})
    with pytest.raises(RecordError):
        next_event([], "Setup", {"x": 0.5})


@pytest.mark.parametrize("name", ["rec", "rec.zip"])
def test_write_then_read_folder_and_zip(tmp_path: Path, name: str) -> None:
    chain = small_chain()
    write_record(chain, tmp_path / name)
    assert read_record(tmp_path / name) == tuple(chain)


def test_zip_with_other_members_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "r.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("record.jsonl", encode_record(small_chain()))
        archive.writestr("extra.txt", "x")
    with pytest.raises(RecordError, match="exactly one member"):
        read_record(path)


def test_decode_names_the_bad_line() -> None:
    data = encode_record(small_chain()).split(b"\n")
    data[2] = data[2].replace(b'"seq":2', b'"seq": 2')
    with pytest.raises(RecordError, match="line 3"):
        decode_record(b"\n".join(data), "r.jsonl")


def test_truncated_record_is_refused() -> None:
    with pytest.raises(RecordError, match="not terminated"):
        decode_record(encode_record(small_chain())[:-5])


@settings(max_examples=300)
@given(st.binary(max_size=400))
def test_fuzz_arbitrary_bytes_give_a_clean_error(data: bytes) -> None:
    with contextlib.suppress(ClearcountError):  # anything else fails the test
        decode_record(data)


@settings(max_examples=200)
@given(st.data())
def test_fuzz_single_byte_mutations_are_always_caught(data: st.DataObject) -> None:
    original = encode_record(small_chain())
    position = data.draw(st.integers(0, len(original) - 1))
    byte = data.draw(st.integers(0, 255).filter(lambda b: b != original[position]))
    mutated = original[:position] + bytes([byte]) + original[position + 1 :]
    try:
        events = decode_record(mutated)
    except ClearcountError:
        return
    # A mutation that still decodes must not reproduce the original record's last hash.
    assert events[-1].hash != small_chain()[-1].hash


def test_a_record_of_another_spec_version_is_refused_by_name() -> None:
    """clearcount/2 (batched decryption proofs) reads no clearcount/1 record (spec §10.2.1)."""
    data = encode_record(small_chain())
    older = data.replace(b'"spec_version":"clearcount/2"', b'"spec_version":"clearcount/1"')
    assert older != data
    with pytest.raises(RecordError, match=r"'clearcount/1' is not 'clearcount/2'.*release"):
        decode_record(older)
