"""The distributed key ceremony (spec §11.2.3) as a forger would attack it: every forged,
swapped, re-signed or misdirected message is refused naming the check and the trustee, and a
complaint is attributable both ways."""

from __future__ import annotations

import dataclasses

import pytest

from clearcount.crypto.dkg import KeyShare
from clearcount.crypto.group import Point, Scalar, seeded_scalars
from clearcount.crypto.share_encryption import encrypt_share, open_share
from clearcount.protocol.ceremony_rounds import CeremonyError, assemble, round1, round2
from clearcount.protocol.roles import RoleSecret, simulated_roles
from clearcount.protocol.setup import Manifest, contest_spec, draft_setup, roll_commitment
from clearcount.record.ceremony_body import CeremonyComplaint, Round1, Round2, complaint_stands
from clearcount.record.events import Setup
from clearcount.record.roll import RollEntry, member_commitment

RNG = seeded_scalars(b"ceremony rounds")
NAMES = ("T1", "T2", "T3")


@pytest.fixture(scope="module")
def world() -> tuple[Setup, dict[str, RoleSecret], list[Round1]]:
    manifest = Manifest(
        "t-1", "Test", "Test Union", "2031-05-01T09:00:00Z", "2031-05-02T09:00:00Z",
        (contest_spec("chair", "Chair", "fptp", ("Ann", "Bob")),),
    )  # fmt: skip
    roll = [RollEntry(member_commitment(bytes([i]) * 32, f"M{i}"), "eligible") for i in range(3)]
    roles, keys = simulated_roles("Officer", "Scrutineer", ("Pat", "Sam"), NAMES, RNG)
    draft = draft_setup(manifest, roll_commitment(roll), roles, 2)
    first = [round1(draft, keys[n], RNG) for n in NAMES]
    return draft, keys, first


def _acks(draft: Setup, keys: dict[str, RoleSecret], first: list[Round1]) -> list[Round2]:
    return [round2(draft, keys[n], first, RNG).message for n in NAMES]


def test_an_honest_ceremony_gives_each_trustee_a_share_of_the_joint_key(world) -> None:  # type: ignore[no-untyped-def]
    draft, keys, first = world
    outcomes = [round2(draft, keys[n], first, RNG) for n in NAMES]
    setup, joint = assemble(draft, first, [o.message for o in outcomes])
    assert setup.joint_key == joint == outcomes[0].joint_key
    assert [o.key.index for o in outcomes if o.key] == [1, 2, 3]
    assert Setup.from_body(setup.to_body(), "event 0") == setup


def test_a_message_re_signed_by_someone_else_is_refused_naming_the_trustee(world) -> None:  # type: ignore[no-untyped-def]
    draft, keys, first = world
    officer = RoleSecret.generate("officer", "Mallory", RNG)
    forged = dataclasses.replace(first[1], commitments=first[0].commitments).signed(officer.signing)
    with pytest.raises(CeremonyError, match="round-1 message of trustee 'T2': the signature"):
        round2(draft, keys["T1"], [first[0], forged, first[2]], RNG)
    altered = dataclasses.replace(first[2], shares=first[2].shares[::-1])  # not re-signed
    second = _acks(draft, keys, first)
    with pytest.raises(CeremonyError, match="V-CEREMONY-2: round1 of trustee 'T3'"):
        assemble(draft, [first[0], first[1], altered], second)
    resigned_ack = dataclasses.replace(second[0], acknowledged=second[1].acknowledged).signed(
        keys["T2"].signing
    )
    with pytest.raises(CeremonyError, match="V-CEREMONY-2: round2 of trustee 'T1'"):
        assemble(draft, first, [resigned_ack, second[1], second[2]])


def test_swapped_missing_or_foreign_messages_are_refused(world) -> None:  # type: ignore[no-untyped-def]
    draft, keys, first = world
    second = _acks(draft, keys, first)
    with pytest.raises(CeremonyError, match="V-CEREMONY-1: round1: expected one message"):
        assemble(draft, [first[1], first[0], first[2]], second)
    with pytest.raises(CeremonyError, match="V-CEREMONY-1: round2: expected one message"):
        assemble(draft, first, second[:2])
    with pytest.raises(CeremonyError, match=r"expected round-1 messages of trustees 1\.\.3"):
        round2(draft, keys["T1"], first[:2], RNG)
    other = dataclasses.replace(draft, title="Another ballot")
    with pytest.raises(CeremonyError, match="made for another ceremony"):
        round2(other, keys["T1"], first, RNG)
    stranger = RoleSecret.generate("trustee", "T1", RNG)
    with pytest.raises(CeremonyError, match="lists other keys than those of this key file"):
        round1(draft, stranger, RNG)


def test_an_acknowledgement_of_other_messages_fails_v_ceremony_3(world) -> None:  # type: ignore[no-untyped-def]
    draft, keys, first = world
    second = _acks(draft, keys, first)
    stale = dataclasses.replace(second[2], acknowledged=(second[2].acknowledged[0],) * 3)
    stale = stale.signed(keys["T3"].signing)
    with pytest.raises(CeremonyError, match="V-CEREMONY-3: trustee 'T3' did not acknowledge"):
        assemble(draft, first, [second[0], second[1], stale])


def test_a_share_sealed_to_the_wrong_trustee_draws_a_complaint_naming_its_sender(world) -> None:  # type: ignore[no-untyped-def]
    draft, keys, first = world
    context = draft.ceremony_context()
    sender = first[1]
    wrong = [
        encrypt_share(context, KeyShare(2, 3, Scalar.from_int(7)), keys["T1"].encryption_key, RNG)
        if s.recipient == 3
        else s
        for s in sender.shares
    ]
    misdirected = dataclasses.replace(sender, shares=tuple(wrong)).signed(keys["T2"].signing)
    messages = [first[0], misdirected, first[2]]
    outcome = round2(draft, keys["T3"], messages, RNG)
    assert outcome.key is None
    assert [c.accused for c in outcome.message.complaints] == [2]
    second = [round2(draft, keys[n], messages, RNG).message for n in NAMES]
    with pytest.raises(CeremonyError, match="trustee 'T2''s share to trustee 'T3' is bad"):
        assemble(draft, messages, second)


def test_a_complaint_is_attributable_and_a_false_one_names_the_accuser(world) -> None:  # type: ignore[no-untyped-def]
    draft, keys, first = world
    context = draft.ceremony_context()
    t3 = keys["T3"]
    assert t3.encryption is not None
    assert t3.encryption_key is not None
    share = next(s for s in first[0].shares if s.recipient == 3)
    false = CeremonyComplaint(1, open_share(context, share, t3.encryption, RNG))
    assert complaint_stands(false, 3, t3.encryption_key, first[0]) is False
    second = _acks(draft, keys, first)
    lying = Round2(context, 3, "T3", (), (false,)).signed(t3.signing)
    with pytest.raises(CeremonyError, match="trustee 'T3' complained falsely against 'T1'"):
        assemble(draft, first, [second[0], second[1], lying])
    t2 = keys["T2"]
    assert t2.encryption is not None
    framed = CeremonyComplaint(1, open_share(context, share, t2.encryption, RNG))
    with pytest.raises(Exception, match="not made with the accuser's encryption key"):
        complaint_stands(framed, 3, t3.encryption_key, first[0])
    assert Point.base_mul(t3.encryption) == t3.encryption_key
