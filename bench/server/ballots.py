"""Real encrypted ballots for a prepared election, made ahead of a load test (bench/server).

`make_ballots(prepared, folder)` makes one ballot per voter with the device code the booth
mirrors (`protocol.casting.make_ballot`: ElGamal encryption, the 0/1 and range proofs, the
credential signature; spec §11.4), in a process pool, so the load generator only sends them.
`per_voter=k` makes k different ballots per voter (fresh encryptions, for re-votes): the list
holds round 0 for every voter in the voters' order, then round 1, and so on. They are cached in
FOLDER/ballots-<setup hash>-<credentials hash>-<k>.jsonl (one line per ballot: member id,
email, ballot body as the cast API takes it) and read back on the next call for the election.
Votes: in each round every third voter answers No, the rest Yes.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clearcount.protocol.casting import make_ballot
from clearcount.protocol.context import Election, read_election
from clearcount.record.chain import Event, event_from_document
from clearcount.storage.store import SqlStore

from .election import QUESTION, PreparedElection, Voter

__all__ = ["CastBallot", "election_events", "make_ballots"]


@dataclass(frozen=True, slots=True)
class CastBallot:
    """What one voter sends: their address (for the sign-in code) and their ballot's body."""

    member_id: str
    email: str
    ballot: dict[str, Any]


def election_events(prepared: PreparedElection) -> tuple[Event, Event]:
    """Events 0 and 1 (Setup, Credentials) of the prepared election, from its database."""
    store = SqlStore.open(prepared.database_url, schema=prepared.schema)
    try:
        with store.unit_of_work() as uow:
            first = uow.board.events(prepared.election_id, ("Setup", "Credentials"))
    finally:
        store.close()
    if len(first) < 2:
        raise RuntimeError(f"election {prepared.election_id!r} has no published credentials")
    return first[0], first[1]


_ELECTION: Election | None = None


def _start(documents: tuple[dict[str, object], dict[str, object]]) -> None:
    global _ELECTION
    _ELECTION = read_election([event_from_document(d, "bench") for d in documents])


def _make(job: tuple[int, Voter]) -> dict[str, Any]:
    index, voter = job
    assert _ELECTION is not None
    answer = 1 if index % 3 == 0 else 0
    ballot, _ = make_ballot(_ELECTION, {QUESTION: (answer,)}, voter.credential_secret())
    return {"member_id": voter.member_id, "email": voter.email, "ballot": ballot.to_body()}


def make_ballots(
    prepared: PreparedElection,
    folder: Path,
    *,
    per_voter: int = 1,
    workers: int | None = None,
) -> list[CastBallot]:
    """`per_voter` ballots per voter of `prepared` (cached under `folder`), round by round in
    the voters' order; `workers` processes (default: one per CPU)."""
    setup, credentials = election_events(prepared)
    name = f"ballots-{setup.hash[:16]}-{credentials.hash[:16]}-{per_voter}.jsonl"
    cache = folder / name
    if cache.is_file():
        lines = cache.read_text(encoding="utf-8").splitlines()
        if len(lines) == per_voter * len(prepared.voters):
            return [_read(line) for line in lines]
    jobs = [(i, v) for _ in range(per_voter) for i, v in enumerate(prepared.voters)]
    documents = (setup.document(), credentials.document())
    # fork is fast (no re-import); never fork a process that holds other threads
    start = "fork" if threading.active_count() == 1 else "spawn"
    context = multiprocessing.get_context(start)
    with ProcessPoolExecutor(
        workers or os.cpu_count() or 1, context, initializer=_start, initargs=(documents,)
    ) as pool:
        made = list(pool.map(_make, jobs, chunksize=max(1, len(jobs) // 64)))
    folder.mkdir(parents=True, exist_ok=True)
    partial = cache.with_suffix(".part")
    partial.write_text("".join(json.dumps(m) + "\n" for m in made), encoding="utf-8")
    partial.replace(cache)
    return [CastBallot(**m) for m in made]


def _read(line: str) -> CastBallot:
    return CastBallot(**json.loads(line))
