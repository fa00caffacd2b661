"""t-of-n trustees: the key ceremony and threshold decryption (docs/spec §5).

Any t of the n trustees decrypt; t - 1 cannot (refused, and their Lagrange combination is a
wrong value); a bad share is detected and the complaint names its sender; a forged coefficient
proof or partial decryption is rejected naming the trustee.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from functools import cache
from itertools import combinations

import pytest
from crypto_helpers import CONTEXT, OTHER_CONTEXT
from hypothesis import given, settings
from hypothesis import strategies as st
from test_shuffle import counting_multiplications

from clearcount.core.errors import CryptoError, DecodingError, ProofError
from clearcount.crypto.dkg import (
    CeremonyParameters,
    Complaint,
    JointKey,
    KeyShare,
    TrusteeAnnouncement,
    TrusteeKey,
    TrusteePolynomial,
    announce,
    check_shares,
    combine_shares,
    generate_polynomial,
    joint_key,
    make_shares,
    resolve_complaint,
    verify_announcement,
    verify_share,
    verify_trustee_key,
)
from clearcount.crypto.elgamal import Ciphertext, encrypt
from clearcount.crypto.group import Point, Scalar, seeded_scalars
from clearcount.crypto.lagrange import (
    evaluate_commitments,
    evaluate_polynomial,
    lagrange_coefficients,
)
from clearcount.crypto.threshold import (
    PartialDecryption,
    combine,
    lagrange_combine,
    partial_decrypt,
    verify_partial_decryption,
)


@dataclasses.dataclass(frozen=True)
class Ceremony:
    parameters: CeremonyParameters
    polynomials: tuple[TrusteePolynomial, ...]
    announcements: tuple[TrusteeAnnouncement, ...]
    shares: tuple[KeyShare, ...]
    keys: tuple[TrusteeKey, ...]
    joint: JointKey


@cache
def ceremony(threshold: int, trustees: int, seed: bytes = b"ceremony") -> Ceremony:
    """An honest ceremony, every check run as each trustee would run it."""
    rng = seeded_scalars(seed + bytes([threshold, trustees]))
    parameters = CeremonyParameters(threshold, trustees)
    polynomials = tuple(generate_polynomial(parameters, i, rng) for i in parameters.indices)
    announcements = tuple(announce(CONTEXT, p, rng) for p in polynomials)
    shares = tuple(s for p in polynomials for s in make_shares(parameters, p))
    by_index = {a.index: a for a in announcements}
    keys = []
    for recipient in parameters.indices:
        assert check_shares(recipient, shares, by_index) == ()
        received = [s for s in shares if s.recipient == recipient]
        keys.append(combine_shares(parameters, recipient, received))
    joint = joint_key(CONTEXT, parameters, announcements)
    for key in keys:
        verify_trustee_key(joint, key)
    return Ceremony(parameters, polynomials, announcements, shares, tuple(keys), joint)


def _message(value: int) -> Point:
    return Point.base_mul(Scalar.from_int(value))


def _partials(c: Ceremony, ciphertext: Ciphertext, who: Sequence[int]) -> list[PartialDecryption]:
    rng = seeded_scalars(b"partials")
    return [partial_decrypt(CONTEXT, c.keys[i - 1], ciphertext, rng) for i in who]


# --- Lagrange and polynomials ------------------------------------------------------------------


def test_polynomial_evaluation_matches_integer_arithmetic() -> None:
    coefficients = [Scalar.from_int(v) for v in (7, 3, 5)]
    assert evaluate_polynomial(coefficients, 4) == Scalar.from_int(7 + 3 * 4 + 5 * 16)
    assert evaluate_commitments([Point.base_mul(a) for a in coefficients], 4) == _message(99)
    with pytest.raises(ValueError, match="at least one commitment"):
        evaluate_commitments([], 1)


@settings(max_examples=30, deadline=None)
@given(
    coefficients=st.lists(st.integers(0, 2**64), min_size=1, max_size=5),
    indices=st.sets(st.integers(1, 40), min_size=5, max_size=8),
)
def test_lagrange_interpolates_at_zero(coefficients: list[int], indices: set[int]) -> None:
    polynomial = [Scalar.from_int(a) for a in coefficients]
    weights = lagrange_coefficients(sorted(indices))
    total = Scalar.from_int(0)
    for index, weight in weights.items():
        total = total + weight * evaluate_polynomial(polynomial, index)
    assert total == polynomial[0]


def test_lagrange_rejects_bad_index_sets() -> None:
    with pytest.raises(CryptoError, match="distinct"):
        lagrange_coefficients([1, 2, 2])
    with pytest.raises(CryptoError, match=">= 1"):
        lagrange_coefficients([0, 1])


# --- the ceremony --------------------------------------------------------------------------------


def test_ceremony_parameters_are_validated() -> None:
    for threshold, trustees in ((0, 3), (4, 3), (True, 3)):
        with pytest.raises(CryptoError):
            CeremonyParameters(threshold, trustees)
    with pytest.raises(CryptoError, match=r"1\.\.3"):
        generate_polynomial(CeremonyParameters(2, 3), 4)


def test_joint_key_is_the_sum_of_the_constant_terms() -> None:
    c = ceremony(3, 5)
    secret = Scalar.from_int(0)
    for polynomial in c.polynomials:
        secret = secret + polynomial.coefficients[0]
    assert c.joint.public_key.point == Point.base_mul(secret)
    for key in c.keys:
        assert c.joint.verification_key(key.index) == Point.base_mul(key.share)
    assert "hidden" in repr(c.keys[0])
    assert "hidden" in repr(c.polynomials[0])
    assert "hidden" in repr(c.shares[0])


def test_announcements_are_checked_and_a_forgery_names_the_trustee() -> None:
    c = ceremony(2, 3)
    forged = dataclasses.replace(
        c.announcements[1],
        commitments=(c.announcements[1].commitments[0] + Point.generator(),
                     c.announcements[1].commitments[1]),
    )  # fmt: skip
    with pytest.raises(ProofError, match="trustee 2 coefficient 0"):
        verify_announcement(CONTEXT, c.parameters, forged)
    with pytest.raises(ProofError, match="trustee 2 coefficient 0"):
        joint_key(CONTEXT, c.parameters, (c.announcements[0], forged, c.announcements[2]))
    with pytest.raises(ProofError, match="trustee 1 coefficient"):
        verify_announcement(OTHER_CONTEXT, c.parameters, c.announcements[0])
    # A proof moved to another coefficient or another trustee does not verify there.
    swapped = dataclasses.replace(
        c.announcements[0],
        commitments=c.announcements[0].commitments[::-1],
        proofs=c.announcements[0].proofs[::-1],
    )
    with pytest.raises(ProofError, match="trustee 1 coefficient 0"):
        verify_announcement(CONTEXT, c.parameters, swapped)
    moved = dataclasses.replace(c.announcements[0], index=3)
    with pytest.raises(ProofError, match="trustee 3"):
        verify_announcement(CONTEXT, c.parameters, moved)
    short = dataclasses.replace(c.announcements[0], proofs=c.announcements[0].proofs[:1])
    with pytest.raises(ProofError, match="expected 2"):
        verify_announcement(CONTEXT, c.parameters, short)


def test_joint_key_needs_every_trustee_once() -> None:
    c = ceremony(2, 3)
    with pytest.raises(CryptoError, match=r"got \[1, 2\]"):
        joint_key(CONTEXT, c.parameters, c.announcements[:2])


def test_a_bad_share_is_detected_and_attributed_to_its_sender() -> None:
    c = ceremony(3, 5)
    by_index = {a.index: a for a in c.announcements}
    honest = next(s for s in c.shares if (s.sender, s.recipient) == (4, 2))
    bad = dataclasses.replace(honest, value=honest.value + Scalar.from_int(1))
    shares = [bad if s == honest else s for s in c.shares]
    assert check_shares(2, shares, by_index) == (
        Complaint(2, 4, "share does not match the sender's commitments"),
    )
    for recipient in (1, 3, 4, 5):
        assert check_shares(recipient, shares, by_index) == ()
    with pytest.raises(ProofError, match="share from trustee 4 to trustee 2"):
        verify_share(bad, by_index[4])
    with pytest.raises(CryptoError, match="announcement of trustee 4"):
        verify_share(bad, by_index[3])
    missing = [s for s in c.shares if (s.sender, s.recipient) != (5, 1)]
    assert check_shares(1, missing, by_index) == (Complaint(1, 5, "no share received"),)


def test_complaints_are_resolved_by_the_revealed_share() -> None:
    c = ceremony(3, 5)
    announcement = c.announcements[3]
    honest = next(s for s in c.shares if (s.sender, s.recipient) == (4, 2))
    complaint = Complaint(2, 4, "share does not match the sender's commitments")
    assert resolve_complaint(complaint, honest, announcement) is False  # false accusation
    bad = dataclasses.replace(honest, value=honest.value + Scalar.from_int(1))
    assert resolve_complaint(complaint, bad, announcement) is True
    other = next(s for s in c.shares if (s.sender, s.recipient) == (4, 3))
    assert resolve_complaint(complaint, other, announcement) is True  # not the share in dispute


def test_combine_shares_needs_one_share_from_each_trustee() -> None:
    c = ceremony(2, 3)
    received = [s for s in c.shares if s.recipient == 1]
    with pytest.raises(CryptoError, match=r"from each of trustees 1\.\.3"):
        combine_shares(c.parameters, 1, received[:2])
    with pytest.raises(CryptoError, match=r"from each of trustees 1\.\.3"):
        combine_shares(c.parameters, 1, [*received[:2], received[0]])
    wrong = dataclasses.replace(c.keys[0], share=c.keys[0].share + Scalar.from_int(1))
    with pytest.raises(CryptoError, match="trustee 1 key share"):
        verify_trustee_key(c.joint, wrong)


# --- threshold decryption -----------------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_any_t_of_n_decrypt_and_t_minus_1_cannot(data: st.DataObject) -> None:
    trustees = data.draw(st.integers(1, 6), label="n")
    threshold = data.draw(st.integers(1, trustees), label="t")
    c = ceremony(threshold, trustees)
    message = data.draw(st.integers(0, 1000), label="m")
    ciphertext = encrypt(c.joint.public_key, message, Scalar.from_int(message + 12345))
    present = sorted(
        data.draw(st.sets(st.integers(1, trustees), min_size=threshold), label="present")
    )
    partials = _partials(c, ciphertext, present)
    assert combine(CONTEXT, c.joint, ciphertext, partials) == _message(message)
    if threshold > 1:
        too_few = partials[: threshold - 1]
        with pytest.raises(CryptoError, match=f"at least {threshold} of {trustees}"):
            combine(CONTEXT, c.joint, ciphertext, too_few)
        guess = ciphertext.data - lagrange_combine({p.trustee: p.share for p in too_few})
        assert guess != _message(message)


def test_every_subset_of_three_of_five_decrypts_the_same() -> None:
    c = ceremony(3, 5)
    ciphertext = encrypt(c.joint.public_key, 17, Scalar.from_int(99))
    partials = _partials(c, ciphertext, range(1, 6))
    for subset in combinations(partials, 3):
        assert combine(CONTEXT, c.joint, ciphertext, list(subset)) == _message(17)
    assert combine(CONTEXT, c.joint, ciphertext, partials[::-1]) == _message(17)


def test_homomorphic_tally_is_decrypted_by_two_of_three() -> None:
    c = ceremony(2, 3)
    rng = seeded_scalars(b"tally")
    votes = [1, 0, 1, 1, 0, 1]
    total = Ciphertext.zero()
    for vote in votes:
        total = total + encrypt(c.joint.public_key, vote, rng())
    assert combine(CONTEXT, c.joint, total, _partials(c, total, [1, 3])) == _message(4)


def test_a_forged_partial_decryption_is_rejected_and_names_the_trustee() -> None:
    c = ceremony(3, 5)
    ciphertext = encrypt(c.joint.public_key, 5, Scalar.from_int(8))
    partials = _partials(c, ciphertext, [1, 2, 4, 5])
    forged = dataclasses.replace(partials[2], share=partials[2].share + Point.generator())
    with pytest.raises(ProofError, match="partial decryption by trustee 4"):
        verify_partial_decryption(CONTEXT, c.joint, ciphertext, forged)
    with pytest.raises(ProofError, match=r"trustees \[4\]"):
        combine(CONTEXT, c.joint, ciphertext, [*partials[:2], forged, partials[3]])
    # Another trustee's index on an honest share: the proof is against the wrong key.
    impostor = dataclasses.replace(partials[0], trustee=3)
    with pytest.raises(ProofError, match=r"trustees \[3, 4\]"):
        combine(CONTEXT, c.joint, ciphertext, [impostor, forged, partials[1]])
    bumped = dataclasses.replace(
        partials[1],
        proof=dataclasses.replace(
            partials[1].proof, response=partials[1].proof.response + Scalar.from_int(1)
        ),
    )
    with pytest.raises(ProofError, match="partial decryption by trustee 2"):
        verify_partial_decryption(CONTEXT, c.joint, ciphertext, bumped)
    other = encrypt(c.joint.public_key, 5, Scalar.from_int(9))
    with pytest.raises(ProofError, match="trustee 1"):
        verify_partial_decryption(CONTEXT, c.joint, other, partials[0])
    with pytest.raises(ProofError, match="trustee 1"):
        verify_partial_decryption(OTHER_CONTEXT, c.joint, ciphertext, partials[0])


def test_combine_rejects_duplicates_and_unknown_trustees() -> None:
    c = ceremony(2, 3)
    ciphertext = encrypt(c.joint.public_key, 1, Scalar.from_int(2))
    partials = _partials(c, ciphertext, [1, 2])
    with pytest.raises(CryptoError, match="one partial decryption per trustee"):
        combine(CONTEXT, c.joint, ciphertext, [partials[0], partials[0]])
    stranger = dataclasses.replace(partials[0], trustee=9)
    with pytest.raises(CryptoError, match=r"1\.\.3, got 9"):
        combine(CONTEXT, c.joint, ciphertext, [stranger, partials[1]])


def test_partial_decryption_encoding_round_trips() -> None:
    c = ceremony(2, 3)
    ciphertext = encrypt(c.joint.public_key, 1, Scalar.from_int(2))
    partial = _partials(c, ciphertext, [2])[0]
    encoded = partial.to_bytes()
    assert len(encoded) == 98
    assert PartialDecryption.from_bytes(encoded) == partial
    for bad in (encoded[:-1], encoded[:2] + bytes(32) + encoded[34:], "text"):
        with pytest.raises(DecodingError):
            PartialDecryption.from_bytes(bad)  # type: ignore[arg-type]


def test_documented_multiplication_counts_are_exact() -> None:
    """spec §5.5: the table of fixed-base and variable-base multiplications per operation."""
    t, n = 3, 5
    c = ceremony(t, n)
    rng = seeded_scalars(b"counts")
    ciphertext = encrypt(c.joint.public_key, 3, rng())
    cases: list[tuple[Callable[[], object], tuple[int, int]]] = [
        (lambda: announce(CONTEXT, c.polynomials[0], rng), (3 * t, 0)),
        (lambda: verify_announcement(CONTEXT, c.parameters, c.announcements[0]), (t, t)),
        (lambda: verify_share(c.shares[0], c.announcements[0]), (1, t - 1)),
        (lambda: joint_key(CONTEXT, c.parameters, c.announcements), (n * t, n * t + n * (t - 1))),
        (lambda: partial_decrypt(CONTEXT, c.keys[0], ciphertext, rng), (2, 2)),
    ]
    for action, expected in cases:
        with counting_multiplications() as tally:
            action()
        assert (tally["fixed"], tally["variable"]) == expected
    partials = _partials(c, ciphertext, [2, 3, 5])
    with counting_multiplications() as tally:
        verify_partial_decryption(CONTEXT, c.joint, ciphertext, partials[0])
    assert (tally["fixed"], tally["variable"]) == (1, 3)
    with counting_multiplications() as tally:
        combine(CONTEXT, c.joint, ciphertext, partials)
    assert (tally["fixed"], tally["variable"]) == (t, 3 * t + t)
