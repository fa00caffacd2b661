"""Attacks on paper ballots and cancellations (issue 8), each re-chained, each NOT VERIFIED.

The issue's attack: a new two-teller PaperBatch after the last ballot that "cancels" every
online credential and adds papers, then a tally of trivial encryptions (nothing online counts
any more) and PartialDecryption events under the trustees' names with identity shares turned
an industrial action result around. The forger holds the tellers' keys, not the credential
authority's, so the cancellations cannot carry the authority's signature (V-CANCEL-1), and the
papers then outweigh the credentials the authority cancelled (V-PAPER-2).
"""

from __future__ import annotations

import pytest
from tests.unit.verifier.forgery import (
    forged_batch,
    honest_partials,
    identity_partials,
    lenient_election,
    officer_key,
    rebuild,
    resign,
    verdict,
)

from clearcount.crypto.group import Point
from clearcount.protocol.simulate import SimulationSecrets, make_scenario, simulate_election
from clearcount.record.chain import Event
from clearcount.record.events import (
    PaperBallot,
    PaperBatch,
    Result,
    cancellation_digest,
    parse_body,
)
from clearcount.record.signing import CANCELLATION_PURPOSE

Record = tuple[list[Event], SimulationSecrets]


@pytest.fixture(scope="module")
def record() -> Record:
    """12 voters and 6 members who do not vote: room on the roll for stuffed papers."""
    return simulate_election(make_scenario("industrial-action", abstainers=6), b"paper attacks")


def _online_credentials(events: list[Event]) -> list[str]:
    cancelled = {
        c for e in events if e.kind == "PaperBatch" for c in e.body["cancelled_credentials"]
    }
    return sorted({str(e.body["credential"]) for e in events if e.kind == "Ballot"} - cancelled)


def _points(texts: list[str]) -> list[Point]:
    return [Point.from_bytes(bytes.fromhex(text)) for text in texts]


def _cancel_everyone(record: Record, signature: str) -> list[tuple[str, dict[str, object]]]:
    """The issue's forged batches: every online credential cancelled, a No paper for each;
    the cancellation signed by the officer's key, or with the honest batch's signature."""
    events, secrets = record
    election = lenient_election(events)
    online = _points(_online_credentials(events))
    if signature == "officer":
        digest = cancellation_digest(tuple(sorted(online, key=lambda p: p.to_bytes())))
        sig = resign(officer_key(secrets), election, CANCELLATION_PURPOSE, digest)
    else:
        honest: PaperBatch = next(parse_body(e) for e in events if e.kind == "PaperBatch")
        sig = honest.authority_signature
    papers = [PaperBallot((1,))] * len(online)
    forged = [
        forged_batch(election, secrets, "strike", papers, online, sig),
        forged_batch(election, secrets, "asos", papers, [], None),
    ]
    return [("PaperBatch", batch.to_body()) for batch in forged]


def _with_batch(record: Record, batch: PaperBatch) -> tuple[bool, set[str]]:
    """The verdict on the record with `batch` after the last ballot, counted honestly."""
    events, secrets = record
    chain = rebuild(
        events, "EndBallots", [("PaperBatch", batch.to_body())], partials=honest_partials(secrets)
    )
    return verdict(chain)


def test_the_issues_forged_cancellation_with_trivial_tally_and_identity_shares(
    record: Record,
) -> None:
    events, secrets = record
    forged = _cancel_everyone(record, "officer")
    chain = rebuild(
        events, "EndBallots", forged, partials=identity_partials(secrets, officer_key(secrets))
    )
    result: Result = parse_body(chain[-1])
    strike = result.contests[0]
    assert strike.tallies is not None
    assert strike.tallies[1] > strike.tallies[0]
    ok, failed = verdict(chain)
    assert not ok
    assert {"V-CANCEL-1", "V-PAPER-2", "V-DECRYPT-SIG"} <= failed, failed


def test_forged_cancellation_is_caught_even_if_the_trustees_decrypt_honestly(
    record: Record,
) -> None:
    events, secrets = record
    forged = _cancel_everyone(record, "officer")
    chain = rebuild(events, "EndBallots", forged, partials=honest_partials(secrets, ("Nia Cedar",)))
    ok, failed = verdict(chain)
    assert not ok
    assert {"V-CANCEL-1", "V-PAPER-2"} <= failed, failed


def test_the_authoritys_signature_copied_from_another_batch_does_not_fit(record: Record) -> None:
    events, secrets = record
    forged = _cancel_everyone(record, "copied")
    chain = rebuild(events, "EndBallots", forged, partials=honest_partials(secrets))
    ok, failed = verdict(chain)
    assert not ok
    assert "V-CANCEL-1" in failed, failed


def test_a_replayed_cancellation_cancels_nobody_twice(record: Record) -> None:
    """The honest, signed cancellation copied into a second batch with more papers."""
    events, secrets = record
    election = lenient_election(events)
    honest: PaperBatch = next(parse_body(e) for e in events if e.kind == "PaperBatch")
    papers = [PaperBallot((1,))] * len(honest.cancelled_credentials)
    batch = forged_batch(
        election, secrets, "strike", papers, honest.cancelled_credentials,
        honest.authority_signature,
    )  # fmt: skip
    ok, failed = _with_batch(record, batch)
    assert not ok
    assert {"V-CANCEL-1", "V-PAPER-2"} <= failed, failed


def test_papers_without_any_cancellation_are_ballot_stuffing(record: Record) -> None:
    events, secrets = record
    election = lenient_election(events)
    batch = forged_batch(election, secrets, "strike", [PaperBallot((1,))] * 5, [], None)
    ok, failed = _with_batch(record, batch)
    assert not ok
    assert failed == {"V-PAPER-2"}, failed


def test_a_cancellation_without_any_signature_is_refused_by_the_schema(record: Record) -> None:
    events, secrets = record
    election = lenient_election(events)
    online = _points(_online_credentials(events)[:2])
    batch = forged_batch(election, secrets, "strike", [PaperBallot((1,))] * 2, online, None)
    chain = rebuild(
        events,
        "EndBallots",
        [("PaperBatch", batch.to_body())],
        tally=lambda chain, election: [],
        declare_result=False,
    )
    ok, failed = verdict(chain)
    assert not ok
    assert "V-SCHEMA-1" in failed, failed


def test_the_honest_record_verifies(record: Record) -> None:
    ok, failed = verdict(record[0])
    assert ok, failed
    ok, failed = verdict(rebuild(record[0], "EndBallots", [], partials=honest_partials(record[1])))
    assert ok, failed  # the rebuilding itself is sound: only the forgeries above fail


def test_un_cancelling_a_paper_voters_online_ballot(record: Record) -> None:
    """The honest batch with one credential dropped from its cancellations (re-signed by the
    tellers): the member's online ballot would count as well as their paper."""
    events, secrets = record
    election = lenient_election(events)
    honest: PaperBatch = next(parse_body(e) for e in events if e.kind == "PaperBatch")
    kept = honest.cancelled_credentials[1:]
    batch = forged_batch(
        election, secrets, honest.contest, honest.ballots, kept, honest.authority_signature,
        honest.channel,
    )  # fmt: skip
    chain = rebuild(
        events,
        "PaperBatch",
        [("PaperBatch", batch.to_body())],
        drop=1,
        partials=honest_partials(secrets),
    )
    ok, failed = verdict(chain)
    assert not ok
    assert {"V-CANCEL-1", "V-PAPER-2"} <= failed, failed
