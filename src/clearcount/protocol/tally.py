"""Which ballots count, and the homomorphic tally (spec §11.4, §11.6, §11.7).

Counted ballots: for each credential its last Ballot event, unless a PaperBatch cancelled the
credential (channel precedence). The encrypted tally of a homomorphic contest is, per candidate,
the sum of the counted ballots' ciphertexts (each scaled by its credential's weight in a weighted
contest, §3.5) plus the trivial encryption (0, m·G) of the paper count m.
"""

from __future__ import annotations

from collections.abc import Sequence

from clearcount.core.errors import RecordError
from clearcount.crypto.elgamal import Ciphertext, scale
from clearcount.crypto.group import Point, Scalar
from clearcount.protocol.context import Election
from clearcount.record.chain import Event, next_event
from clearcount.record.events import (
    Ballot,
    BallotContest,
    EncryptedTally,
    PaperBallot,
    PaperBatch,
    TallyContest,
)

__all__ = [
    "ballot_contest", "counted_ballots", "counted_events", "paper_ballots", "require_phase",
    "tally_event", "total_weight", "trivial",
]  # fmt: skip


def require_phase(chain: Sequence[Event], what: str, *, after: str, before: str) -> None:
    """RecordError unless an `after` event is on the record and no `before` event is."""
    kinds = {event.kind for event in chain}
    if after not in kinds:
        raise RecordError(f"{what}: expected {after} on the record first, got none (too early)")
    if before in kinds:
        raise RecordError(f"{what}: expected it before {before}, got a record that has one")
    if after == "EndBallots" and "PaperIssue" in kinds and "PaperReturns" not in kinds:
        raise RecordError(
            f"{what}: expected the postal returns counted first (PaperReturns, spec §11.12.2): "
            "the tellers enter and reconcile the returned papers before the count"
        )


def counted_events(chain: Sequence[Event]) -> list[Event]:
    """The last Ballot event per credential not cancelled by paper, in record order (§11.4)."""
    cancelled: set[str] = set()
    last: dict[str, Event] = {}
    for event in chain:
        if event.kind == "Ballot":
            credential = str(event.body["credential"])
            last.pop(credential, None)
            last[credential] = event
        elif event.kind == "PaperBatch":
            cancelled.update(str(c) for c in event.body["cancelled_credentials"])  # type: ignore[attr-defined]
    return [event for credential, event in last.items() if credential not in cancelled]


def counted_ballots(chain: Sequence[Event], election: Election) -> list[tuple[Ballot, int]]:
    """Each counted ballot with its credential's weight."""
    counted = []
    for event in counted_events(chain):
        ballot = Ballot.from_body(event.body, f"event {event.seq}")
        counted.append((ballot, election.credentials[ballot.credential.to_bytes()]))
    return counted


def ballot_contest(ballot: Ballot, contest: str) -> BallotContest | None:
    """The ballot's `contest`, or None when its credential is scoped to others (§10.4.1)."""
    return next((c for c in ballot.contests if c.id == contest), None)


def paper_ballots(chain: Sequence[Event], contest: str) -> list[PaperBallot]:
    papers: list[PaperBallot] = []
    for event in chain:
        if event.kind == "PaperBatch" and event.body["contest"] == contest:
            papers += PaperBatch.from_body(event.body, f"event {event.seq}").ballots
    return papers


def total_weight(chain: Sequence[Event], election: Election, contest: str) -> int:
    """Counted online weight (1 each unless weighted) plus paper weight: the dlog bound; in a
    scoped election only the ballots that hold the contest count (§10.4.1)."""
    weighted = election.contest(contest).weighted
    online = 0
    for e in counted_events(chain):
        credential = bytes.fromhex(str(e.body["credential"]))
        if contest in election.scopes.get(credential, (contest,)):  # its own (§10.4.1)
            online += election.credentials[credential] if weighted else 1
    return online + sum(p.weight for p in paper_ballots(chain, contest))


def trivial(m: int) -> Ciphertext:
    """(0, m·G): a public value as a ciphertext with no randomness (spec §11.7, §11.8)."""
    return Ciphertext(Point.identity(), Point.base_mul(Scalar.from_int(m)))


def tally_event(chain: Sequence[Event], election: Election) -> Event:
    """EncryptedTally (spec §11.7); refused before EndBallots or if already on the record."""
    require_phase(chain, "EncryptedTally", after="EndBallots", before="EncryptedTally")
    counted = counted_ballots(chain, election)
    contests = []
    for spec in election.setup.contests:
        if spec.kind != "homomorphic":
            continue
        sums = [Ciphertext.zero() for _ in spec.candidates]
        for ballot, weight in counted:
            factor = weight if spec.weighted else 1
            mine = ballot_contest(ballot, spec.id)
            for i, c in enumerate(mine.ciphertexts if mine else ()):
                sums[i] = sums[i] + (c if factor == 1 else scale(c, factor))
        paper = [0] * len(spec.candidates)
        for ballot_on_paper in paper_ballots(chain, spec.id):
            for mark in ballot_on_paper.marks:
                paper[mark] += ballot_on_paper.weight
        contests.append(
            TallyContest(
                spec.id, tuple(s + trivial(m) if m else s for s, m in zip(sums, paper, strict=True))
            )
        )
    return next_event(chain, "EncryptedTally", EncryptedTally(tuple(contests)).to_body())
