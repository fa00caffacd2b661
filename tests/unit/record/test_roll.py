import pytest
from hypothesis import given
from hypothesis import strategies as st

from clearcount.core.errors import RecordError
from clearcount.record.roll import (
    InclusionProof,
    RollEntry,
    inclusion_proof,
    member_commitment,
    merkle_root,
    verify_inclusion,
)


def roll(n: int) -> list[RollEntry]:
    return [
        RollEntry(
            member_commitment(bytes([i % 251]) * 32, f"NTW-{i:05d}"),
            "ineligible" if i % 4 == 3 else "eligible",
        )
        for i in range(n)
    ]


def test_known_answer_for_rfc9162_shape() -> None:
    # Two leaves: root = SHA-256(0x01 || leaf0 || leaf1); recomputed by hand with hashlib.
    import hashlib

    from clearcount.record.roll import leaf_hash

    entries = roll(2)
    expected = hashlib.sha256(b"\x01" + leaf_hash(entries[0]) + leaf_hash(entries[1])).hexdigest()
    assert merkle_root(entries) == expected
    assert merkle_root([]) == hashlib.sha256(b"").hexdigest()


@given(st.integers(1, 70), st.data())
def test_every_member_has_a_valid_proof(n: int, data: st.DataObject) -> None:
    entries = roll(n)
    root = merkle_root(entries)
    i = data.draw(st.integers(0, n - 1))
    verify_inclusion(entries[i], inclusion_proof(entries, i), root)


@given(st.integers(2, 40), st.data())
def test_wrong_status_member_index_or_path_is_rejected(n: int, data: st.DataObject) -> None:
    entries = roll(n)
    root = merkle_root(entries)
    i = data.draw(st.integers(0, n - 1))
    proof = inclusion_proof(entries, i)
    flipped = RollEntry(
        entries[i].commitment, "ineligible" if entries[i].status == "eligible" else "eligible"
    )
    with pytest.raises(RecordError):
        verify_inclusion(flipped, proof, root)
    j = (i + 1) % n
    with pytest.raises(RecordError):
        verify_inclusion(entries[j], proof, root)
    k = data.draw(st.integers(0, len(proof.path) - 1))
    bad_path = list(proof.path)
    bad_path[k] = "00" * 32
    with pytest.raises(RecordError):
        verify_inclusion(entries[i], InclusionProof(i, n, tuple(bad_path)), root)
    with pytest.raises(RecordError):
        verify_inclusion(entries[i], InclusionProof(i, n, proof.path[:-1]), root)


def test_commitment_hides_nothing_without_the_salt_but_binds_with_it() -> None:
    a = member_commitment(b"\x01" * 32, "NTW-00001")
    assert a == member_commitment(b"\x01" * 32, "NTW-00001")
    assert a != member_commitment(b"\x02" * 32, "NTW-00001")
    assert a != member_commitment(b"\x01" * 32, "NTW-00002")
    with pytest.raises(RecordError, match="32 bytes"):
        member_commitment(b"short", "NTW-00001")
