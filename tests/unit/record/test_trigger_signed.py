"""A trigger ballot's signed messages (issues 8, 11): forged, altered or misused signatures
fail; the returning officer's abstentions and casting votes included."""

from __future__ import annotations

from dataclasses import replace

import pytest

from clearcount.core.errors import ProofError, RecordError
from clearcount.crypto.group import Point, Scalar
from clearcount.crypto.proofs.schnorr import prove_schnorr
from clearcount.record.trigger_signed import (
    ABSTENTION_PURPOSE,
    BODIES_PURPOSE,
    CASTING_PURPOSE,
    CONTEXT,
    AbstentionAct,
    AffiliateVoteAct,
    BodiesList,
    CastingVoteAct,
    ListedAffiliate,
    ListedBranch,
    sign_abstention,
    sign_affiliate_vote,
    sign_bodies,
    sign_casting_vote,
)

OFFICER = Scalar.random()
UNION = Scalar.random()


def _draft() -> BodiesList:
    return BodiesList(
        "av-trigger-2031",
        "Ashby Vale CLP trigger ballot 2031",
        "ashby-vale-clp",
        "labour-2021",
        "Jo Hale",
        Point.base_mul(OFFICER),
        "av-trigger-2031",
        "ab" * 32,
        (ListedBranch("Northfold branch", "av-north"), ListedBranch("Southgate", "av-south")),
        (ListedAffiliate("Northfold TWU", Point.base_mul(UNION)),),
        "2031-02-01T10:00:00Z",
        {"body_tie": "casting-vote"},
    )


def test_signed_messages_round_trip_and_verify() -> None:
    bodies = sign_bodies(_draft(), OFFICER)
    bodies.verify()
    again = BodiesList.from_json(bodies.to_json())
    assert again == bodies
    assert again.hash == bodies.hash
    vote = sign_affiliate_vote(bodies, "Northfold TWU", "Rita Okafor", "abstain", UNION)
    vote.verify(Point.base_mul(UNION))
    assert AffiliateVoteAct.from_json(vote.to_json()) == vote
    assert (vote.bodies, vote.trigger_id, vote.counted_vote) == (
        bodies.hash,
        bodies.trigger_id,
        None,
    )


def test_a_forged_or_altered_list_is_rejected() -> None:
    bodies = sign_bodies(_draft(), OFFICER)
    with pytest.raises(ProofError, match="not officer 'Jo Hale'"):
        replace(bodies, title="Another ballot").verify()
    with pytest.raises(ProofError):
        replace(
            bodies,
            signature=sign_bodies(_draft(), OFFICER).signature,
            fixed_at="2031-03-01T10:00:00Z",
        ).verify()
    with pytest.raises(ProofError):
        replace(_draft()).verify()  # never signed
    with pytest.raises(RecordError, match="not officer 'Jo Hale'"):
        sign_bodies(_draft(), Scalar.random())


def test_a_vote_signature_is_bound_to_its_key_purpose_and_content() -> None:
    bodies = sign_bodies(_draft(), OFFICER)
    vote = sign_affiliate_vote(bodies, "Northfold TWU", "Rita Okafor", "yes", UNION)
    with pytest.raises(ProofError, match="listed key"):
        replace(vote, vote="no").verify(Point.base_mul(UNION))
    with pytest.raises(ProofError):
        vote.verify(Point.base_mul(OFFICER))
    # the same key signing the same bytes for the list's purpose is not a vote signature
    other = prove_schnorr(CONTEXT, UNION, message=vote.statement(), purpose=BODIES_PURPOSE)
    with pytest.raises(ProofError):
        replace(vote, signature=other).verify(Point.base_mul(UNION))


def test_an_officer_never_signs_into_a_list_that_misplaces_its_affiliate() -> None:
    bodies = sign_bodies(_draft(), OFFICER)
    with pytest.raises(RecordError, match="another key"):
        sign_affiliate_vote(bodies, "Northfold TWU", "Rita Okafor", "yes", Scalar.random())
    with pytest.raises(RecordError, match="not in the bodies list"):
        sign_affiliate_vote(bodies, "Vale Socialist Society", "Al", "yes", UNION)
    with pytest.raises(ProofError):
        sign_affiliate_vote(replace(bodies, title="X"), "Northfold TWU", "Rita", "yes", UNION)
    with pytest.raises(RecordError, match="expected one of"):
        sign_affiliate_vote(bodies, "Northfold TWU", "Rita Okafor", "maybe", UNION)


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda d: d.update(format="x"), "format"),
        (lambda d: d.update(officer_key="00" * 31), "officer_key"),
        (lambda d: d.update(setup_hash="zz"), r"setup_hash"),
        (lambda d: d["branches"][1].update(contest="av-north"), "a contest of its own"),
        (
            lambda d: d["affiliates"].append({"name": "Northfold branch", "key": d["officer_key"]}),
            "distinct",
        ),
        (lambda d: d.pop("fixed_at"), "missing"),
        (lambda d: d.update(options=[]), "options"),
    ],
)
def test_a_malformed_list_is_a_one_line_error_naming_the_field(change, match) -> None:  # type: ignore[no-untyped-def]
    document = sign_bodies(_draft(), OFFICER).to_json()
    change(document)
    with pytest.raises(RecordError, match=match):
        BodiesList.from_json(document)
    vote = sign_affiliate_vote(sign_bodies(_draft(), OFFICER), "Northfold TWU", "R", "no", UNION)
    with pytest.raises(RecordError, match="vote"):
        AffiliateVoteAct.from_json({**vote.to_json(), "vote": "maybe"})


def test_officer_entries_round_trip_and_a_forged_one_is_rejected() -> None:
    bodies = sign_bodies(_draft(), OFFICER)
    officer = Point.base_mul(OFFICER)
    absent = sign_abstention(bodies, "Southgate", "did not meet", OFFICER)
    absent.verify(officer)
    assert AbstentionAct.from_json(absent.to_json()) == absent
    casting = sign_casting_vote(bodies, "Northfold branch", (3, 3), "Ann Chair", "no", OFFICER)
    casting.verify(officer)
    assert CastingVoteAct.from_json(casting.to_json()) == casting
    assert (casting.bodies, casting.yes, casting.no) == (bodies.hash, 3, 3)
    with pytest.raises(ProofError, match="abstention of 'Northfold branch'"):
        replace(absent, body="Northfold branch").verify(officer)
    with pytest.raises(ProofError, match="casting vote"):
        replace(casting, vote="yes").verify(officer)
    # the officer's key signing the entry's bytes for another purpose is not that entry
    other = prove_schnorr(CONTEXT, OFFICER, message=absent.statement(), purpose=CASTING_PURPOSE)
    with pytest.raises(ProofError):
        replace(absent, signature=other).verify(officer)
    stranger = Scalar.random()
    forged = prove_schnorr(
        CONTEXT, stranger, message=absent.statement(), purpose=ABSTENTION_PURPOSE
    )
    with pytest.raises(ProofError):
        replace(absent, signature=forged).verify(officer)
    with pytest.raises(RecordError, match="not returning officer"):
        sign_abstention(bodies, "Southgate", "did not meet", stranger)


def test_officer_entries_are_refused_where_they_make_no_sense() -> None:
    bodies = sign_bodies(_draft(), OFFICER)
    with pytest.raises(RecordError, match="not a body"):
        sign_abstention(bodies, "Nowhere", "did not meet", OFFICER)
    with pytest.raises(RecordError, match="reason"):
        sign_abstention(bodies, "Southgate", " ", OFFICER)
    with pytest.raises(RecordError, match="expected a tie"):
        sign_casting_vote(bodies, "Southgate", (0, 0), "Ann", "no", OFFICER)
    with pytest.raises(RecordError, match="not a branch"):
        sign_casting_vote(bodies, "Northfold TWU", (1, 1), "Ann", "no", OFFICER)
    abstaining = sign_bodies(replace(_draft(), options={"body_tie": "abstain"}), OFFICER)
    with pytest.raises(RecordError, match="not the chair's casting vote"):
        sign_casting_vote(abstaining, "Southgate", (1, 1), "Ann", "no", OFFICER)
    with pytest.raises(RecordError, match="'yes' or 'no'"):
        sign_casting_vote(bodies, "Southgate", (1, 1), "Ann", "abstain", OFFICER)
