"""The soak's verdict: what the clients were told against what the stopped server's database holds.

`audit(report, prepared, ballots, attempts, folder, http_sample)` fills the report's counts and
`problems` (empty: nothing lost, nothing half-written, the count and the record agree):

- storage invariants (`integrity.check_storage`);
- every acknowledged tracking code is found (`CastingService.lookup`; the HTTP sample too), and
  is the Ballot event of the ballot that voter sent (same signature, same seq);
- each voter's last acknowledged ballot counts; the earlier ones are "replaced";
- every Ballot event is one of the ballots sent, none twice; an unanswered send whose re-send
  was answered `resent` had been stored ("unanswered, stored");
- each receipt's `revote` is true exactly when the board held an earlier ballot of its credential;
- the count (`election.count_election`: close, tally, the trustees' shuffles and decryptions,
  declaration, publication with the verifier): votes counted = turnout = voters with an
  acknowledged ballot, and `clearcount verify` (the CLI, in its own process) accepts the record.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from clearcount.bootstrap import Config, Services, build
from clearcount.record.chain import Event
from clearcount.record.events import tracking_code
from clearcount.service.errors import NotFoundError

from .ballots import CastBallot
from .election import QUESTION, PreparedElection, count_election
from .integrity import check_storage

if TYPE_CHECKING:
    from .soak import Attempt, SoakReport

__all__ = ["audit"]


def audit(
    report: SoakReport,
    prepared: PreparedElection,
    ballots: Sequence[CastBallot],
    attempts: Sequence[Attempt],
    folder: Path,
    http_sample: Mapping[str, int],
) -> None:
    problems = report.problems
    eid = prepared.election_id
    holders = {str(b.ballot["credential"]): b.member_id for b in ballots}
    acked = [a for a in attempts if a.outcome == "acknowledged"]
    report.attempts = len(attempts)
    report.acknowledged = len(acked)
    unanswered = [a for a in attempts if a.outcome == "unanswered"]
    report.unanswered = len(unanswered)
    report.not_sent = sum(a.outcome == "not sent" for a in attempts)
    kinds = Counter(f"{a.status} {a.error.split(':')[0]}".strip() for a in unanswered)
    report.unanswered_kinds = dict(kinds.most_common())
    refused = [a for a in attempts if a.outcome == "refused"]
    report.refused = len(refused)
    report.revote_receipts = sum(bool(a.revote) for a in acked)
    odd = Counter(a.error.split(":")[0] for a in refused if not a.error.startswith("sign_in"))
    if odd:
        problems.append(f"casts refused for other reasons than a used sign-in code: {dict(odd)}")
    missing_http = [c for c, status in http_sample.items() if status != 200]
    if missing_http:
        problems.append(f"{len(missing_http)} sampled tracking codes not on the board page")

    services = build(
        Config(database_url=prepared.database_url, verifier_workers=1), schema=prepared.schema
    )
    try:
        storage = check_storage(services.store.engine, eid, holders)
        report.storage = storage.summary()
        problems.extend(f"storage: {p}" for p in storage.problems)
        events = [e for e in services.ballots.record(eid) if e.kind == "Ballot"]
        report.found = _found(services, eid, acked, problems)
    finally:
        services.close()
    by_seq = {e.seq: e for e in events}
    for a in acked:
        event = by_seq.get(a.seq) if a.seq is not None else None
        if event is None or tracking_code(event) != a.tracking_code:
            problems.append(f"{a.member_id}: receipt seq {a.seq} is not their Ballot event")
        elif event.body["signature"] != a.signature:
            problems.append(f"{a.member_id}: Ballot event {a.seq} is another ballot than sent")
    report.unanswered_stored = _sent_against_board(events, attempts, problems)
    _revotes(events, acked, problems)

    voters = {a.member_id for a in acked}
    report.voters = len({a.member_id for a in attempts})
    _count(report, prepared, folder, len(voters))


def _count(report: SoakReport, prepared: PreparedElection, folder: Path, voters: int) -> None:
    """Close, count, publish, verify twice; the votes and the turnout must equal `voters`."""
    outcome = count_election(prepared, folder)
    services = build(
        Config(database_url=prepared.database_url, verifier_workers=1), schema=prepared.schema
    )
    try:
        declaration = services.results.declaration(prepared.election_id)
    finally:
        services.close()
    (question,) = [c for c in declaration.contests if c.id == QUESTION]
    report.totals = dict(question.totals or {})
    report.counted, report.voted = sum(report.totals.values()), declaration.turnout.voted
    verify = subprocess.run(
        [sys.executable, "-m", "clearcount", "verify", str(outcome.record)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "CLEARCOUNT_VERIFIER_WORKERS": "1"},
    )
    lines = (verify.stdout + verify.stderr).strip().splitlines()
    report.verified = outcome.verified
    report.cli_verify = lines[-1] if lines else f"exit status {verify.returncode}"
    if report.counted != voters or report.voted != voters:
        report.problems.append(
            f"count: {report.counted} votes and turnout {report.voted}, expected {voters} "
            "(the voters with an acknowledged ballot)"
        )
    if not outcome.verified or not report.cli_verify.startswith("VERIFIED"):
        report.problems.append(f"the record does not verify: {report.cli_verify}")


def _found(services: Services, eid: str, acked: Sequence[Attempt], problems: list[str]) -> int:
    """Look every acknowledged code up on the board; the last per voter must count."""
    casting = services.casting
    last: dict[str, Attempt] = {}
    for a in acked:
        last[a.member_id] = a  # attempts are in time order per voter (one cast at a time)
    found = 0
    for a in acked:
        try:
            lookup = casting.lookup(eid, str(a.tracking_code))
        except NotFoundError:
            problems.append(f"{a.member_id}: tracking code {a.tracking_code} NOT on the board")
            continue
        found += 1
        expected = "counted" if last[a.member_id] is a else "replaced"
        if lookup.state != expected:
            problems.append(
                f"{a.member_id}: tracking code {a.tracking_code} is {lookup.state}, "
                f"expected {expected}"
            )
    return found


def _sent_against_board(
    events: Sequence[Event], attempts: Sequence[Attempt], problems: list[str]
) -> int:
    """Every Ballot event is a ballot some voter sent, each at most once, and each acknowledged
    ballot is there; returns the unanswered sends that had been stored (their re-send was
    answered `resent`, which only an unanswered send can explain)."""
    on_board = Counter(str(e.body["signature"]) for e in events)
    sent: dict[str, Counter[str]] = defaultdict(Counter)
    resent: Counter[str] = Counter()
    for a in attempts:
        sent[a.signature][a.outcome] += 1
        resent[a.signature] += bool(a.resent)
    phantoms = [s for s in on_board if s not in sent]
    if phantoms:
        problems.append(f"{len(phantoms)} Ballot events on the board that no voter sent")
    twice = [s for s, n in on_board.items() if n > 1]
    if twice:
        problems.append(f"{len(twice)} ballots stored more than once (fails V-CHALLENGE-1)")
    for signature, outcomes in sent.items():
        if outcomes["acknowledged"] and not on_board[signature]:
            problems.append(f"ballot {signature[:12]}…: acknowledged but not on the board")
        if resent[signature] > outcomes["unanswered"]:
            problems.append(
                f"ballot {signature[:12]}…: answered `resent` {resent[signature]} times after "
                f"{outcomes['unanswered']} unanswered sends"
            )
    return sum(resent.values())


def _revotes(events: Sequence[Event], acked: Sequence[Attempt], problems: list[str]) -> None:
    """A receipt says `revote` exactly when an earlier ballot of its credential is on the board."""
    first_seq: dict[str, int] = {}
    credential_at: dict[int, str] = {}
    for e in events:
        credential = str(e.body["credential"])
        first_seq.setdefault(credential, e.seq)
        credential_at[e.seq] = credential
    wrong = 0
    for a in acked:
        seq = -1 if a.seq is None else a.seq
        credential = credential_at.get(seq)
        if credential is None:
            continue  # reported above
        if a.revote != (first_seq[credential] < seq):
            wrong += 1
    if wrong:
        problems.append(f"{wrong} receipts whose `revote` disagrees with the board")
