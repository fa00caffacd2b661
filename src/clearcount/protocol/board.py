"""The bulletin board: what it accepts onto the record, and when (spec §11.4-§11.6).

`Board` is the board's view of the record so far (the election, the cancelled credentials,
whether casting is closed, the ballots cast); every function takes the record and the Board and
returns the next Board and the new event, refusing with an error that names what is wrong:
a ballot under an unpublished or cancelled credential, a bad proof or signature, a ballot
repeating a challenge of its credential's earlier ballot (`resent`), a ballot after EndBallots,
a credential cancelled twice, more paper weight in a contest than the credentials the authority
cancelled. The last ballot per credential counts (`tally.counted_ballots`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from clearcount.core.errors import RecordError
from clearcount.protocol.casting import verify_ballot
from clearcount.protocol.challenge import verify_spoiled
from clearcount.protocol.context import Election, read_election
from clearcount.protocol.paper import verify_paper_batch
from clearcount.record.chain import GENESIS, Event, next_event
from clearcount.record.events import Ballot, EndBallots, PaperBatch, Spoiled
from clearcount.record.postal_rules import online_first

__all__ = [
    "Board",
    "ballot_challenges",
    "cast",
    "close",
    "open_board",
    "post_paper_batch",
    "post_spoiled",
    "resent",
]

_AFTER_CASTING = ("EncryptedTally", "Shuffle", "PartialDecryption", "Result")


@dataclass(frozen=True, slots=True)
class Board:
    election: Election
    cancelled: frozenset[bytes] = frozenset()
    closed: bool = False
    ballots: int = 0
    last_ballot: str = GENESIS
    counting: bool = False
    """True once a tally, shuffle or decryption is on the record: no more paper either."""
    cancelled_weight: int = 0
    """Σ weight of the cancelled credentials: the most paper weight a weighted contest may
    hold (an unweighted one: as many papers as cancelled credentials)."""
    paper_weight: Mapping[str, int] = field(default_factory=dict)
    """Contest id -> Σ weight of its papers so far."""


def open_board(chain: Sequence[Event]) -> Board:
    """The board's view of `chain` (read once; then each function returns the next view)."""
    board = Board(read_election(chain))
    if not board.election.credentials:
        raise RecordError("board: expected the Credentials event (event 1) before casting")
    for event in chain[2:]:
        board = _after(board, event)
    return board


def _after(board: Board, event: Event) -> Board:
    if event.kind == "Ballot":
        return dataclasses.replace(board, ballots=board.ballots + 1, last_ballot=event.hash)
    if event.kind == "EndBallots":
        return dataclasses.replace(board, closed=True)
    if event.kind == "PaperBatch":
        batch = PaperBatch.from_body(event.body, f"event {event.seq}")
        new = {c.to_bytes() for c in batch.cancelled_credentials}
        weights = board.election.credentials
        papers = dict(board.paper_weight)
        papers[batch.contest] = papers.get(batch.contest, 0) + sum(p.weight for p in batch.ballots)
        return dataclasses.replace(
            board,
            cancelled=board.cancelled | new,
            cancelled_weight=board.cancelled_weight
            + sum(weights.get(c, 0) for c in new - board.cancelled),
            paper_weight=papers,
        )
    if event.kind in _AFTER_CASTING:
        return dataclasses.replace(board, counting=True)
    return board


def _append(
    chain: Sequence[Event], board: Board, kind: str, body: dict[str, object]
) -> tuple[Board, Event]:
    event = next_event(chain, kind, body)
    return _after(board, event), event


def cast(
    chain: Sequence[Event], board: Board, ballot: Ballot, *, check_proofs: bool = True
) -> tuple[Board, Event]:
    """Accept `ballot` (spec §11.4) or refuse it; `check_proofs=False` only for a simulation
    whose ballots were just made by the honest device code, or when the caller has just run
    `verify_ballot(board.election, ballot)` itself (the server, before taking its lock)."""
    credential = ballot.credential.to_bytes()
    if board.closed:
        raise RecordError("Ballot: expected the election to be open, got a ballot after EndBallots")
    if credential not in board.election.credentials:
        raise RecordError(
            f"Ballot.credential: expected a published credential, got "
            f"{credential.hex()[:16]}… (unknown)"
        )
    postal = board.election.setup.postal
    if postal is not None and postal.method == "postal":
        raise RecordError(
            "Ballot: expected no online ballot in a postal-only ballot (TULRCA s.230), got one"
        )
    if credential in board.cancelled:
        raise RecordError(
            f"Ballot.credential: expected a credential not cancelled by a paper "
            f"ballot, got {credential.hex()[:16]}… (cancelled)"
        )
    if check_proofs:
        verify_ballot(board.election, ballot)
    return _append(chain, board, "Ballot", ballot.to_body())


def ballot_challenges(ballot: Ballot) -> set[bytes]:
    """Every challenge a ballot carries: its signature's and each proof branch's (§4.1.4)."""
    found = {ballot.signature.challenge.to_bytes()}
    for contest in ballot.contests:
        for proof in (*contest.proofs, *(p for p in (contest.sum_proof,) if p is not None)):
            found.update(c.to_bytes() for c in proof.challenges)
    return found


def resent(ballot: Ballot, earlier: Sequence[Event]) -> Event | None:
    """The same ballot sent again, or a replayed proof (spec §4.1.4, §11.4).

    `earlier`: the Ballot events of `ballot`'s credential so far, in record order. A ballot
    byte for byte equal to the last of them is that ballot sent again (a booth re-sends it
    when the answer to its cast was lost): its event is returned, and nothing may be appended,
    since the same proofs twice on the board fail V-CHALLENGE-1. Any other ballot repeating a
    challenge of an earlier one is a replay and is refused; None: a new ballot.
    """
    if not earlier:
        return None
    body = ballot.to_body()
    if dict(earlier[-1].body) == body:
        return earlier[-1]
    mine = ballot_challenges(ballot)
    for event in earlier:
        if mine & ballot_challenges(Ballot.from_body(event.body, f"event {event.seq}")):
            raise RecordError(
                f"Ballot: expected fresh proofs (spec §4.1.4), got a challenge of event "
                f"{event.seq}, an earlier ballot of this credential (a replayed or copied "
                "proof: a re-vote must be encrypted afresh)"
            )
    return None


def post_spoiled(chain: Sequence[Event], board: Board, spoiled: Spoiled) -> tuple[Board, Event]:
    """Publish a challenged ballot after checking its openings (spec §11.5)."""
    if board.closed:
        raise RecordError("Spoiled: expected the election to be open, got one after EndBallots")
    verify_spoiled(board.election, spoiled)
    return _append(chain, board, "Spoiled", spoiled.to_body())


def close(chain: Sequence[Event], board: Board) -> tuple[Board, Event]:
    """EndBallots (spec §11.6): the number of Ballot events and the last one's hash."""
    if board.closed:
        raise RecordError("EndBallots: expected an open election, got one already closed")
    return _append(
        chain, board, "EndBallots", EndBallots(board.ballots, board.last_ballot).to_body()
    )


def post_paper_batch(
    chain: Sequence[Event], board: Board, batch: PaperBatch
) -> tuple[Board, Event]:
    """A two-teller batch (spec §11.6), before counting starts; cancels its credentials."""
    if board.counting:
        raise RecordError("PaperBatch: expected it before the tally, got it after counting began")
    verify_paper_batch(board.election, batch)
    if batch.channel == "postal" and online_first(board.election.setup) and not board.closed:
        raise RecordError(
            "PaperBatch: in a hybrid ballot with online first, postal papers are entered after "
            "EndBallots (so every online ballot is known), got them before"
        )
    again = [c for c in batch.cancelled_credentials if c.to_bytes() in board.cancelled]
    if again:
        raise RecordError(
            f"PaperBatch.cancelled_credentials: expected credentials not cancelled before, got "
            f"{again[0].to_bytes().hex()[:16]}… cancelled by an earlier batch"
        )
    after, event = _append(chain, board, "PaperBatch", batch.to_body())
    weighted = board.election.contest(batch.contest).weighted
    bound = after.cancelled_weight if weighted else len(after.cancelled)
    if after.paper_weight[batch.contest] > bound:
        raise RecordError(
            f"PaperBatch: contest {batch.contest!r} would hold paper weight "
            f"{after.paper_weight[batch.contest]}, more than the {bound} of the credentials the "
            "credential authority cancelled (one paper per cancelled credential)"
        )
    return after, event
