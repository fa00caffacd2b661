"""verify-trigger (issues 5, 8, 11): a tampered trigger declaration fails the right check.

The attacks of issue 8 are made as a corrupt returning officer would: with the officer's own
signing key, the service's data and every published file, but no affiliate's key. Each forged
declaration is re-counted (count, triggered, verdict made consistent) so that only the check
that catches the forgery fails.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from tests.principals import officer
from tests.unit.service.trigger_world import (
    AFFILIATE_SECRETS,
    AFFILIATES,
    TRIGGER,
    BranchLifecycle,
    officer_abstains,
    officer_secret,
    open_trigger,
    record_vote,
    vote_count_publish,
)
from tests.unit.service.world import OFFICER, CountingSalts, FixedClock, World

from clearcount.core.canonical import canonical_json
from clearcount.crypto.group import Point, Scalar
from clearcount.crypto.proofs.schnorr import prove_schnorr
from clearcount.record import codec
from clearcount.record.archive import read_record_bytes
from clearcount.record.trigger_signed import (
    ABSTENTION_PURPOSE,
    CASTING_PURPOSE,
    CONTEXT,
    VOTE_PURPOSE,
    AbstentionAct,
    AffiliateVoteAct,
    BodiesList,
    CastingVoteAct,
    ListedAffiliate,
    sign_abstention,
    sign_affiliate_vote,
    sign_bodies,
)
from clearcount.storage.store import SqlStore
from clearcount.verifier import Report, Status, verify_record
from clearcount.verifier.trigger import (
    MAX_DECLARATION_BYTES,
    TRIGGER_CATALOGUE,
    verify_trigger,
    verify_trigger_document,
)
from clearcount.verifier.trigger_document import (
    AffiliateEntry,
    BranchEntry,
    trigger_count,
    with_casting,
)

Records = dict[str, tuple[Report, bytes]]
FORGER: dict[str, Scalar] = {}
"""What the corrupt returning officer holds: its own signing key (set by `declared`)."""


@pytest.fixture(scope="module")
def declared(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, Path, Records]:
    tmp = tmp_path_factory.mktemp("trigger")
    store = SqlStore.open(f"sqlite:///{tmp / 'clearcount.db'}")
    try:
        life = BranchLifecycle(World(store, FixedClock(), CountingSalts()), tmp / "keys")
        trigger = open_trigger(life)
        record_vote(trigger, AFFILIATES[0], "yes", "Jo Secretary")
        record_vote(trigger, AFFILIATES[1], "yes", "Kim Chair")
        record = tmp / "election.zip"
        FORGER["officer"] = officer_secret(life)
        vote_count_publish(life, record)
        officer_abstains(trigger, life, "Tram Yard Branch")
        entry = trigger.declare(officer(OFFICER), TRIGGER)
    finally:
        store.close()
    data = entry.document.encode("utf-8")
    (tmp / "declaration.json").write_bytes(data)
    records = {str(record): (verify_record(record, workers=1), read_record_bytes(record))}
    return data, tmp, records


def _tamper(data: bytes, change: Callable[[dict[str, object]], None]) -> bytes:
    document = json.loads(data)
    change(document)
    return canonical_json(document)


def test_the_untouched_declaration_verifies(declared: tuple[bytes, Path, Records]) -> None:
    data, tmp, _ = declared
    report = verify_trigger(tmp / "declaration.json", [tmp / "election.zip"], workers=1)
    assert report.ok
    assert [o.spec.id for o in report.outcomes] == [c.id for c in TRIGGER_CATALOGUE]
    assert all(o.status is Status.PASSED for o in report.outcomes)
    # branches 50 x 2/3... the one branch asked (1 yes, 2 no): 50; both affiliates back the MP
    document = json.loads(data)
    assert document["triggered"] is False
    summary = document["count"]["outcome"]["college"]["summary"]
    assert (
        summary == "branches 50.0 + affiliates 0.0 = 50.0%, not more than 50%: the MP is reselected"
    )


def _branch(key: str, value: object) -> Callable[[dict[str, object]], None]:
    def change(document: dict[str, object]) -> None:
        branches = document["branches"]
        assert isinstance(branches, list)
        branches[0][key] = value

    return change


def _top(key: str, value: object) -> Callable[[dict[str, object]], None]:
    def change(document: dict[str, object]) -> None:
        document[key] = value

    return change


def _affiliate_no(document: dict[str, object]) -> None:
    affiliates = document["affiliates"]
    assert isinstance(affiliates, list)
    affiliates[0]["vote"] = "no"  # not re-signed: the signature no longer covers the vote


def _flip_verdict(document: dict[str, object]) -> None:
    document["triggered"] = not document["triggered"]


@pytest.mark.parametrize(
    ("change", "check"),
    [
        (_branch("yes", 2), "V-TRIG-TALLY-1"),
        (_top("record_head", "0" * 64), "V-TRIG-HEAD-1"),
        (_branch("contest", "some-other-contest"), "V-TRIG-LISTED-1"),
        (_top("election_id", "some-other-election"), "V-TRIG-BODIES-1"),
        (_affiliate_no, "V-TRIG-AFFSIG-1"),
        (_flip_verdict, "V-TRIG-VERDICT-1"),
    ],
    ids=["tally", "hash", "contest", "election", "affiliate-vote", "verdict"],
)
def test_a_tampered_declaration_fails_the_right_check(
    declared: tuple[bytes, Path, Records],
    change: Callable[[dict[str, object]], None],
    check: str,
) -> None:
    data, _, records = declared
    report = verify_trigger_document(_tamper(data, change), records)
    assert not report.ok
    assert report.outcome(check).status is Status.FAILED
    assert check in {o.spec.id for o in report.failed()}


def test_a_changed_tally_is_also_a_changed_count(declared: tuple[bytes, Path, Records]) -> None:
    data, _, records = declared

    def change(document: dict[str, object]) -> None:
        _branch("yes", 5)(document)
        count = document["count"]
        assert isinstance(count, dict)
        count["valid_votes"] = "99"

    report = verify_trigger_document(_tamper(data, change), records)
    assert {o.spec.id for o in report.failed()} == {"V-TRIG-TALLY-1", "V-TRIG-COUNT-1"}


def test_unreadable_or_non_canonical_declarations_fail_read(
    declared: tuple[bytes, Path, Records],
) -> None:
    data, _, records = declared
    for bad in (b"not json", data + b"\n", json.dumps(json.loads(data), indent=1).encode()):
        report = verify_trigger_document(bad, records)
        assert report.outcome("V-TRIG-READ-1").status is Status.FAILED
        assert not report.ok


def test_a_huge_or_long_integer_declaration_fails_read_cleanly(
    declared: tuple[bytes, Path, Records], tmp_path: Path
) -> None:
    """Caps against hostile input (spec §10.3): a 5,000-digit integer, or a file over the
    declaration cap, is V-TRIG-READ-1, not a crash or a read of the whole file."""
    _, _, records = declared
    for bad in (b'{"format":' + b"9" * 5000 + b"}", b" " * (MAX_DECLARATION_BYTES + 1)):
        report = verify_trigger_document(bad, records)
        assert report.outcome("V-TRIG-READ-1").status is Status.FAILED
    huge = tmp_path / "declaration.json"
    with huge.open("wb") as file:
        file.truncate(4 * MAX_DECLARATION_BYTES)
    report = verify_trigger(huge, [])
    assert "at most" in report.outcome("V-TRIG-READ-1").findings[0].message


def test_the_record_given_twice_is_reported(declared: tuple[bytes, Path, Records]) -> None:
    _, tmp, _ = declared
    record = tmp / "election.zip"
    report = verify_trigger(tmp / "declaration.json", [record, record], workers=1)
    branch_check = report.outcome("V-TRIG-BRANCH-1")
    assert branch_check.status is Status.FAILED
    assert any("2 records given" in f.message for f in branch_check.findings)


def test_a_missing_record_is_reported(declared: tuple[bytes, Path, Records]) -> None:
    data, _, _ = declared
    report = verify_trigger_document(data, {})
    assert report.outcome("V-TRIG-BRANCH-1").status is Status.FAILED
    assert report.outcome("V-TRIG-COUNT-1").status is Status.SKIPPED


def test_both_documents_list_every_trigger_check() -> None:
    docs = Path(__file__).parents[3] / "docs"
    for name in ("verifier.md", "spec/12-verifier.md"):
        text = (docs / name).read_text(encoding="utf-8")
        for check in TRIGGER_CATALOGUE:
            assert f"`{check.id}`" in text, (name, check.id)


# -- issue 8: forgeries by a corrupt returning officer, each re-counted --------------------


def _recount(document: dict[str, object]) -> None:
    """Make count, triggered and verdict follow the forged bodies, as a forger would."""
    bodies = BodiesList.from_json(document["bodies"])
    casting = [CastingVoteAct.from_json(c) for c in document["casting_votes"]]  # type: ignore[attr-defined]
    branches = with_casting([BranchEntry(**b) for b in document["branches"]], casting)  # type: ignore[arg-type, attr-defined]
    votes = {v.affiliate: v for v in map(AffiliateVoteAct.from_json, document["affiliates"])}  # type: ignore[arg-type]
    affiliates = [
        AffiliateEntry.signed(votes[a.name])
        if a.name in votes
        else AffiliateEntry(a.name, None, None)
        for a in bodies.affiliates
    ]
    count = trigger_count(bodies.profile, branches, affiliates, bodies.options)
    outcome = count["outcome"]
    assert isinstance(outcome, dict)
    document.update(count=count, triggered=outcome["triggered"], verdict=outcome["verdict"])


def _resign_vote(act: AffiliateVoteAct, secret: Scalar, **changes: str) -> dict[str, object]:
    draft = replace(act, **changes)  # type: ignore[arg-type]
    signature = prove_schnorr(CONTEXT, secret, message=draft.statement(), purpose=VOTE_PURPOSE)
    return {**draft.to_json(), "signature": codec.hexify(signature)}


def _forged(data: bytes, records: Records, change: Callable[[dict[str, object]], None]) -> set[str]:
    document = json.loads(data)
    change(document)
    _recount(document)
    report = verify_trigger_document(canonical_json(document), records)
    assert not report.ok
    return {o.spec.id for o in report.failed()}


def _votes(document: dict[str, object]) -> list[AffiliateVoteAct]:
    return [AffiliateVoteAct.from_json(a) for a in document["affiliates"]]  # type: ignore[attr-defined]


def test_a_flipped_affiliate_vote_re_signed_by_the_officer_is_not_verified(
    declared: tuple[bytes, Path, Records],
) -> None:
    data, _, records = declared

    def flip(document: dict[str, object]) -> None:
        vote = _votes(document)[0]
        document["affiliates"][0] = _resign_vote(vote, FORGER["officer"], vote="no")  # type: ignore[index]

    assert _forged(data, records, flip) == {"V-TRIG-AFFSIG-1"}


def test_a_flipped_vote_under_a_list_re_signed_with_the_officers_key_is_not_verified(
    declared: tuple[bytes, Path, Records],
) -> None:
    """The officer swaps the affiliate's key for its own in the list and re-signs both: the
    other affiliate's honest vote names the original list."""
    data, _, records = declared

    def swap(document: dict[str, object]) -> None:
        bodies = BodiesList.from_json(document["bodies"])
        mine = ListedAffiliate(AFFILIATES[0], Point.base_mul(FORGER["officer"]))
        forged = sign_bodies(
            replace(bodies, affiliates=(mine, *bodies.affiliates[1:])), FORGER["officer"]
        )
        document["bodies"] = forged.to_json()
        vote = _votes(document)[0]
        document["affiliates"][0] = _resign_vote(  # type: ignore[index]
            vote, FORGER["officer"], vote="no", bodies=forged.hash
        )

    assert _forged(data, records, swap) == {"V-TRIG-AFFBIND-1"}


def test_a_dropped_branch_is_not_verified(declared: tuple[bytes, Path, Records]) -> None:
    data, _, records = declared

    def drop(document: dict[str, object]) -> None:
        document["branches"] = document["branches"][1:]  # type: ignore[index]

    assert "V-TRIG-LISTED-1" in _forged(data, records, drop)

    def drop_and_re_sign(document: dict[str, object]) -> None:
        bodies = BodiesList.from_json(document["bodies"])
        kept = bodies.branches[1:]
        document["bodies"] = sign_bodies(
            replace(bodies, branches=kept), FORGER["officer"]
        ).to_json()
        document["branches"] = document["branches"][1:]  # type: ignore[index]

    failed = _forged(data, records, drop_and_re_sign)
    assert {"V-TRIG-AFFBIND-1", "V-TRIG-BRANCH-1"} <= failed


def test_a_body_added_after_opening_is_not_verified(declared: tuple[bytes, Path, Records]) -> None:
    data, _, records = declared
    friendly = Scalar.random()

    def add(document: dict[str, object]) -> None:
        bodies = BodiesList.from_json(document["bodies"])
        extra = ListedAffiliate("Friendly Society", Point.base_mul(friendly))
        forged = sign_bodies(
            replace(bodies, affiliates=(*bodies.affiliates, extra)), FORGER["officer"]
        )
        document["bodies"] = forged.to_json()
        added = sign_affiliate_vote(forged, "Friendly Society", "A. Friend", "no", friendly)
        document["affiliates"].append(added.to_json())  # type: ignore[attr-defined]

    assert _forged(data, records, add) == {"V-TRIG-AFFBIND-1"}

    def add_unlisted(document: dict[str, object]) -> None:
        vote = _votes(document)[0]
        document["affiliates"].append(  # type: ignore[attr-defined]
            _resign_vote(vote, friendly, affiliate="Friendly Society", vote="no")
        )

    assert _forged(data, records, add_unlisted) == {"V-TRIG-LISTED-1"}


def test_a_vote_replayed_from_another_trigger_ballot_is_not_verified(
    declared: tuple[bytes, Path, Records],
) -> None:
    data, _, records = declared
    here = BodiesList.from_json(json.loads(data)["bodies"])
    other = sign_bodies(replace(here, trigger_id="nf-trigger-2026"), FORGER["officer"])
    replayed = sign_affiliate_vote(
        other, AFFILIATES[0], "Jo Secretary", "no", AFFILIATE_SECRETS[AFFILIATES[0]]
    )

    def replay(document: dict[str, object]) -> None:
        document["affiliates"][0] = replayed.to_json()  # type: ignore[index]

    failed = _forged(data, records, replay)
    assert failed == {"V-TRIG-AFFBIND-1"}
    report = verify_trigger_document(_tamper(data, lambda d: (replay(d), _recount(d))), records)
    (finding,) = report.outcome("V-TRIG-AFFBIND-1").findings
    assert "signed for trigger ballot 'nf-trigger-2026'" in finding.message


def test_an_altered_or_late_list_is_not_verified(declared: tuple[bytes, Path, Records]) -> None:
    data, _, records = declared

    def retitle(document: dict[str, object]) -> None:
        document["bodies"]["title"] = "Another ballot"  # type: ignore[index]

    assert "V-TRIG-BODIES-1" in _forged(data, records, retitle)

    def late(document: dict[str, object]) -> None:
        bodies = BodiesList.from_json(document["bodies"])
        forged = sign_bodies(replace(bodies, fixed_at="2022-09-30T10:00:00Z"), FORGER["officer"])
        document["bodies"] = forged.to_json()

    assert "V-TRIG-FIXED-1" in _forged(data, records, late)

    def other_setup(document: dict[str, object]) -> None:
        bodies = BodiesList.from_json(document["bodies"])
        document["bodies"] = sign_bodies(
            replace(bodies, setup_hash="ab" * 32), FORGER["officer"]
        ).to_json()

    assert "V-TRIG-FIXED-1" in _forged(data, records, other_setup)


# -- issue 11: the returning officer's abstentions and casting votes ----------------------


def test_a_body_that_did_not_vote_needs_a_signed_abstention(
    declared: tuple[bytes, Path, Records],
) -> None:
    data, _, records = declared

    def drop(document: dict[str, object]) -> None:
        document["abstentions"] = []

    assert _forged(data, records, drop) == {"V-TRIG-ABSTAIN-1"}

    def for_a_voter(document: dict[str, object]) -> None:
        bodies = BodiesList.from_json(document["bodies"])
        extra = sign_abstention(bodies, bodies.branches[0].name, "absent", FORGER["officer"])
        document["abstentions"].append(extra.to_json())  # type: ignore[attr-defined]

    assert _forged(data, records, for_a_voter) == {"V-TRIG-ABSTAIN-1"}


def test_a_forged_abstention_or_casting_vote_is_not_verified(
    declared: tuple[bytes, Path, Records],
) -> None:
    data, _, records = declared
    stranger = Scalar.random()

    def renamed(document: dict[str, object]) -> None:
        document["abstentions"][0]["reason"] = "no quorum"  # type: ignore[index]

    assert _forged(data, records, renamed) == {"V-TRIG-OFFICER-1"}

    def by_a_stranger(document: dict[str, object]) -> None:
        act = AbstentionAct.from_json(document["abstentions"][0])  # type: ignore[index]
        signature = prove_schnorr(
            CONTEXT, stranger, message=act.statement(), purpose=ABSTENTION_PURPOSE
        )
        document["abstentions"][0] = {**act.to_json(), "signature": codec.hexify(signature)}  # type: ignore[index]

    assert _forged(data, records, by_a_stranger) == {"V-TRIG-OFFICER-1"}

    def casting_without_a_tie(document: dict[str, object]) -> None:
        bodies = BodiesList.from_json(document["bodies"])
        branch = bodies.branches[1].name  # none of its members voted: no tie to break
        draft = CastingVoteAct(bodies.trigger_id, bodies.hash, branch, 0, 0, "Ann Chair", "yes")
        signature = prove_schnorr(
            CONTEXT, FORGER["officer"], message=draft.statement(), purpose=CASTING_PURPOSE
        )
        document["casting_votes"] = [replace(draft, signature=signature).to_json()]

    assert "V-TRIG-CASTING-1" in _forged(data, records, casting_without_a_tie)
