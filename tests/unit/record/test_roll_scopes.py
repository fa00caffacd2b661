"""Contests scoped to part of the roll (spec §10.4.1, issue 11): a trigger ballot's branches.

The roll leaf names an eligible member's contests, Setup.roll.scopes counts each scope's members
and weights, and the authority's signed Credentials name each credential's scope; a credential
moved to another scope, or a leaf whose contests are changed, does not verify.
"""

from __future__ import annotations

import json

import pytest

from clearcount.core.errors import RecordError
from clearcount.crypto.group import Point, Scalar
from clearcount.crypto.proofs.schnorr import SchnorrProof
from clearcount.protocol.setup import roll_commitment
from clearcount.record.events import Credentials, RollCommitment
from clearcount.record.roll import RollEntry, leaf_hash, member_commitment
from clearcount.record.roll_file import member_proof
from clearcount.record.scopes import check_credential_scopes, credential_scopes
from clearcount.verifier.roll_proof import check_membership

NORTH, SOUTH = ("av-north",), ("av-south",)
SALTS = [bytes([i]) * 32 for i in range(5)]
ROLL = [
    RollEntry(member_commitment(SALTS[0], "M0"), "eligible", contests=NORTH),
    RollEntry(member_commitment(SALTS[1], "M1"), "eligible", contests=NORTH),
    RollEntry(member_commitment(SALTS[2], "M2"), "eligible", contests=SOUTH),
    RollEntry(member_commitment(SALTS[3], "M3"), "ineligible"),
]
ZERO = SchnorrProof(Scalar.from_int(0), Scalar.from_int(0))


def test_the_leaf_names_the_contests_and_the_setup_counts_each_scope() -> None:
    plain = RollEntry(ROLL[0].commitment, "eligible")
    assert leaf_hash(ROLL[0]) != leaf_hash(plain)
    roll = roll_commitment(ROLL)
    assert [(s.contests, s.eligible, s.weights) for s in roll.scopes] == [
        (NORTH, 2, ((1, 2),)),
        (SOUTH, 1, ((1, 1),)),
    ]
    again = RollCommitment.from_body(json.loads(json.dumps(roll.to_body())), "roll")
    assert again == roll
    assert "scopes" not in roll_commitment([plain]).to_body()


def test_scopes_that_do_not_add_up_or_a_mixed_roll_are_refused() -> None:
    body = roll_commitment(ROLL).to_body()
    body["scopes"][0]["eligible"] = 1  # type: ignore[index]
    body["scopes"][0]["weights"] = [{"weight": 1, "members": 1}]  # type: ignore[index]
    with pytest.raises(RecordError, match="add up"):
        RollCommitment.from_body(body, "roll")
    with pytest.raises(RecordError, match="every eligible member scoped"):
        roll_commitment([*ROLL, RollEntry(member_commitment(SALTS[4], "M4"), "eligible")])
    with pytest.raises(RecordError, match="only for an eligible member"):
        RollEntry(ROLL[3].commitment, "ineligible", contests=NORTH)


def _credentials(scopes: tuple[int, ...] | None) -> Credentials:
    points = sorted((Point.base_mul(Scalar.random()) for _ in range(3)), key=lambda p: p.to_bytes())
    return Credentials(tuple(points), (1, 1, 1), ZERO, scopes)


def test_each_scope_has_as_many_credentials_as_members_and_a_moved_one_is_caught() -> None:
    roll = roll_commitment(ROLL)
    good = _credentials((0, 1, 0))
    check_credential_scopes(roll, good)
    assert sorted(credential_scopes(roll, good).values()) == [NORTH, NORTH, SOUTH]
    again = Credentials.from_body(good.to_body(), "event 1")
    assert again.scopes == (0, 1, 0)
    for bad, match in (
        ((1, 1, 0), "a credential moved to another scope"),
        ((0, 0, 5), "indices"),
        (None, "expected each credential's scope"),
    ):
        with pytest.raises(RecordError, match=match):
            check_credential_scopes(roll, _credentials(bad))
    with pytest.raises(RecordError, match="not scoped"):
        check_credential_scopes(roll_commitment([RollEntry(ROLL[0].commitment, "eligible")]), good)


def test_a_member_checks_their_contest_with_their_inclusion_proof() -> None:
    root = roll_commitment(ROLL).root
    proof = member_proof(ROLL, SALTS[2], "M2")
    assert proof["contests"] == ["av-south"]
    assert check_membership(root, SALTS[2].hex(), "M2", proof) == "eligible"
    with pytest.raises(RecordError, match="not in the committed roll"):
        check_membership(root, SALTS[2].hex(), "M2", {**proof, "contests": ["av-north"]})
