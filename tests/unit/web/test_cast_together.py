"""Booth casts written together (service.elections.cast_together and group_commit, issue 12).

A batch accepts only what each cast alone would accept, in arrival order, with one lock and
one commit; whatever else is in it is left out with nothing written, and its cast alone then
refuses or answers it as it always has.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from tests.unit.service.election_world import ELECTION
from tests.unit.service.test_casting import FailingCommit
from tests.unit.web.voter_world import ServedElection, serve_election

from clearcount.record.events import Ballot
from clearcount.service.elections.booth_cast import _CodeAdmission, _OverLimitError
from clearcount.service.elections.cast_together import CastTogether, Outcome, TogetherCast
from clearcount.service.elections.casting import CastReceipt, verified_ahead
from clearcount.service.elections.group_commit import GroupCommit
from clearcount.service.elections.sign_in import SignInRefusedError
from clearcount.service.errors import BallotRefusedError, StorageUnavailableError
from clearcount.service.rate_limits import Limit, RateLimitedError, RateLimits
from clearcount.storage.store import SqlUnitOfWork

LEE = ("NTW-00001", "lee.lowther@example.org")
MO = ("NTW-00002", "mo.marsden@example.org")
NAT = ("NTW-00003", "nat.nuttall@example.org")
QUIN = ("NTW-00006", "quin.quarmby@example.org")
ADDRESS = "192.0.2.7"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[ServedElection]:
    world = serve_election(tmp_path)
    yield world
    world.services.close()


def code_for(served: ServedElection, email: str) -> str:
    served.services.sign_in.request_code(ELECTION, email)
    return served.mail.code_for(email)


def ballot_of(served: ServedElection, member: str, chair: int = 0) -> Ballot:
    return served.life.ballot(member, {"chair": (chair,), "leader": (2, 0)})


def waiting(
    served: ServedElection,
    who: tuple[str, str],
    code: str,
    ballot: Ballot | None = None,
    address: str = ADDRESS,
) -> TogetherCast:
    """A booth cast as the request thread hands it to the batch (its proofs checked ahead)."""
    member, email = who
    ballot = ballot or ballot_of(served, member)
    admission = _CodeAdmission(served.services.booth, ELECTION, email, code, None, address)
    return TogetherCast(admission, ballot, verified_ahead(ELECTION, ballot), email)


def write(served: ServedElection, casts: Sequence[TogetherCast]) -> list[Outcome]:
    return CastTogether(served.services.store.unit_of_work, served.clock).write(ELECTION, casts)


def ballots_on_board(served: ServedElection) -> list[Any]:
    return [e for e in served.services.ballots.record(ELECTION) if e.kind == "Ballot"]


def test_casts_waiting_together_are_one_transaction_in_arrival_order(
    served: ServedElection, monkeypatch: pytest.MonkeyPatch
) -> None:
    casts = [waiting(served, who, code_for(served, who[1])) for who in (LEE, MO, NAT, QUIN)]
    opened: list[SqlUnitOfWork] = []
    enter = SqlUnitOfWork.__enter__
    monkeypatch.setattr(SqlUnitOfWork, "__enter__", lambda s: opened.append(s) or enter(s))
    outcomes = write(served, casts)
    assert len(opened) == 1, "four casts: one lock, one transaction, one commit"
    receipts = [o for o in outcomes if isinstance(o, CastReceipt)]
    assert len(receipts) == 4
    board = ballots_on_board(served)
    assert [r.seq for r in receipts] == [e.seq for e in board], "in arrival order, chained"
    assert [r.event_hash for r in receipts] == [e.hash for e in board]
    for receipt in receipts:
        assert served.services.casting.lookup(ELECTION, receipt.tracking_code).state == "counted"
        assert not receipt.revote
        assert not receipt.resent
    with served.services.store.unit_of_work() as uow:
        marked = uow.register.list(ELECTION)
    assert sorted((m.member_id, m.channel) for m in marked) == [
        (LEE[0], "online"), (MO[0], "online"), (NAT[0], "online"), (QUIN[0], "online")
    ]  # fmt: skip
    code = code_for(served, LEE[1])  # a fresh code re-votes; the used one casts nothing new
    used = casts[0].admission
    assert isinstance(used, _CodeAdmission)
    with pytest.raises(SignInRefusedError):
        served.services.booth.cast(ELECTION, LEE[1], used._code, None, ballot_of(served, LEE[0], 1),
                                   ADDRESS)  # fmt: skip
    again = served.services.booth.cast(ELECTION, LEE[1], code, None, ballot_of(served, LEE[0], 2),
                                       ADDRESS)  # fmt: skip
    assert again.receipt.revote


def test_what_a_batch_would_refuse_is_left_out_and_refused_alone_as_before(
    served: ServedElection,
) -> None:
    lee, mo, nat, quin = (code_for(served, who[1]) for who in (LEE, MO, NAT, QUIN))
    forged = ballot_of(served, NAT[0])
    forged = Ballot.from_body(
        {**forged.to_body(), "contests": ballot_of(served, QUIN[0]).to_body()["contests"]}, "b"
    )
    wrong = "000000" if mo != "000000" else "111111"
    casts = [
        waiting(served, LEE, lee),
        waiting(served, MO, wrong),  # a wrong code
        waiting(served, LEE, lee, ballot_of(served, LEE[0], 1)),  # the same member again
        waiting(served, NAT, nat, forged),  # proofs of another credential
        waiting(served, QUIN, quin),
    ]
    outcomes = write(served, casts)
    assert [type(o).__name__ for o in outcomes] == [
        "CastReceipt", "NoneType", "NoneType", "NoneType", "CastReceipt"
    ]  # fmt: skip
    assert len(ballots_on_board(served)) == 2, "nothing written for what was left out"
    booth = served.services.booth
    with pytest.raises(SignInRefusedError):
        booth.cast(ELECTION, MO[1], wrong, None, ballot_of(served, MO[0]), ADDRESS)
    with pytest.raises(BallotRefusedError, match="ballot refused"):
        booth.cast(ELECTION, NAT[1], nat, None, forged, ADDRESS)
    # the codes left out stay usable: Mo's and Nat's right codes still cast
    assert booth.cast(ELECTION, MO[1], mo, None, ballot_of(served, MO[0]), ADDRESS).receipt
    assert booth.cast(ELECTION, NAT[1], nat, None, ballot_of(served, NAT[0]), ADDRESS).receipt
    assert len(ballots_on_board(served)) == 4


def test_a_resent_ballot_in_a_batch_is_answered_alone_with_its_receipt(
    served: ServedElection,
) -> None:
    code = code_for(served, LEE[1])
    ballot = ballot_of(served, LEE[0])
    first = write(served, [waiting(served, LEE, code, ballot)])[0]
    assert isinstance(first, CastReceipt)
    assert write(served, [waiting(served, LEE, code, ballot)]) == [None]
    again = served.services.booth.cast(ELECTION, LEE[1], code, None, ballot, ADDRESS)
    assert (again.receipt.resent, again.receipt.seq) == (True, first.seq)
    assert len(ballots_on_board(served)) == 1


@pytest.mark.parametrize("counted", ["each alone", "in one statement"])
def test_an_address_over_its_limit_is_refused_in_the_batch_and_counted(
    served: ServedElection, counted: str
) -> None:
    served.services.rate_limits.limits = RateLimits(cast=Limit(2, 600))
    people = (LEE, MO, NAT)
    casts = [waiting(served, who, code_for(served, who[1])) for who in people]
    booth = served.services.booth
    count = booth._count if counted == "in one statement" else None
    together = CastTogether(served.services.store.unit_of_work, served.clock)
    first, second, third = together.write(ELECTION, casts, count)
    assert isinstance(first, CastReceipt)
    assert isinstance(second, CastReceipt)
    assert isinstance(third, _OverLimitError)
    assert isinstance(third.refusal, RateLimitedError)
    board = ballots_on_board(served)
    assert [e.hash for e in board] == [first.event_hash, second.event_hash]
    assert casts[0].admission.title == casts[1].admission.title != ""  # type: ignore[attr-defined]
    with pytest.raises(RateLimitedError):  # all three counted: a fourth is over too
        served.services.booth.cast(ELECTION, QUIN[1], code_for(served, QUIN[1]), None,
                                   ballot_of(served, QUIN[0]), ADDRESS)  # fmt: skip


def test_the_casts_after_one_over_its_limit_are_chained_without_it(
    served: ServedElection,
) -> None:
    served.services.rate_limits.limits = RateLimits(cast=Limit(1, 600))
    casts = [
        waiting(served, LEE, code_for(served, LEE[1])),
        waiting(served, MO, code_for(served, MO[1])),  # the same address again: over
        waiting(served, NAT, code_for(served, NAT[1]), address="198.51.100.9"),
    ]
    together = CastTogether(served.services.store.unit_of_work, served.clock)
    lee, mo, nat = together.write(ELECTION, casts, served.services.booth._count)
    assert isinstance(mo, _OverLimitError)
    assert isinstance(lee, CastReceipt)
    assert isinstance(nat, CastReceipt)
    assert nat.seq == lee.seq + 1
    board = ballots_on_board(served)
    assert [e.hash for e in board] == [lee.event_hash, nat.event_hash]
    assert board[1].prev == board[0].hash, "NAT's ballot chained to LEE's, not to MO's"


def test_a_failed_commit_fails_every_cast_of_the_batch_and_stores_nothing(
    served: ServedElection,
) -> None:
    casts = [waiting(served, who, code_for(served, who[1])) for who in (LEE, MO)]
    store = served.services.store
    together = CastTogether(lambda: FailingCommit(store), served.clock)
    with pytest.raises(StorageUnavailableError, match="NOT recorded"):
        together.write(ELECTION, casts)
    assert ballots_on_board(served) == []
    assert isinstance(write(served, casts)[0], CastReceipt), "the codes are still usable"


def test_casts_arriving_during_a_batch_go_in_the_next_one(served: ServedElection) -> None:
    booth = served.services.booth
    group = booth.group
    assert group is not None
    write_batch = group._write
    sizes: list[int] = []

    def held(key: str, items: Sequence[TogetherCast]) -> Sequence[Outcome]:
        if not sizes:  # the first batch waits until the three others are queued
            deadline = time.monotonic() + 30
            while len(group._waiting) < 3 and time.monotonic() < deadline:
                time.sleep(0.01)
        sizes.append(len(items))
        return write_batch(key, items)

    group._write = held
    people = (LEE, MO, NAT, QUIN)
    codes = {who: code_for(served, who[1]) for who in people}
    ballots = {who: ballot_of(served, who[0]) for who in people}
    receipts: dict[str, CastReceipt] = {}

    def cast(who: tuple[str, str]) -> None:
        done = booth.cast(ELECTION, who[1], codes[who], None, ballots[who], ADDRESS)
        receipts[who[0]] = done.receipt

    threads = [threading.Thread(target=cast, args=(who,)) for who in people]
    for thread in threads:
        thread.start()
        time.sleep(0.05)  # LEE leads alone; the others arrive while it writes
    for thread in threads:
        thread.join(60)
    assert sizes == [1, 3]
    assert sorted(r.seq for r in receipts.values()) == [e.seq for e in ballots_on_board(served)]


def test_group_commit_hands_each_waiting_thread_its_own_outcome_or_the_error() -> None:
    release = threading.Event()
    calls: list[tuple[str, list[int]]] = []

    def write(key: str, items: Sequence[int]) -> list[int]:
        calls.append((key, list(items)))
        if len(calls) == 1:
            release.wait(30)
        if -1 in items:
            raise ValueError("the database said no")
        return [i * 10 for i in items]

    group: GroupCommit[int, int] = GroupCommit(write, limit=2)
    found: dict[int, object] = {}

    def submit(key: str, item: int) -> None:
        try:
            found[item] = group.submit(key, item)
        except ValueError as error:
            found[item] = error

    first = threading.Thread(target=submit, args=("a", 1))
    first.start()
    while not calls:
        time.sleep(0.01)
    others = [("a", 2), ("b", 3), ("a", 4), ("a", -1), ("a", 5)]
    threads = [threading.Thread(target=submit, args=kv) for kv in others]
    for queued, thread in enumerate(threads, 1):
        thread.start()
        while len(group._waiting) < queued:  # one at a time: the arrival order is known
            time.sleep(0.01)
    release.set()
    for thread in (first, *threads):
        thread.join(30)
    assert {k: v for k, v in found.items() if k != -1 and k != 5} == {1: 10, 2: 20, 3: 30, 4: 40}
    assert isinstance(found[-1], ValueError)
    assert isinstance(found[5], ValueError)
    assert [len(items) for _, items in calls] == [1, 2, 1, 2], "at most `limit` a batch"
    assert calls[1:3] == [("a", [2, 4]), ("b", [3])], "the oldest's key first"
    assert group.batches == 4


def test_a_fault_of_the_batch_itself_falls_back_to_casting_alone(
    served: ServedElection, caplog: pytest.LogCaptureFixture
) -> None:
    booth = served.services.booth
    group = booth.group
    assert group is not None

    def broken(key: str, items: Sequence[TogetherCast]) -> Sequence[Outcome]:
        raise RuntimeError("a bug in the batch")

    group._write = broken
    code = code_for(served, LEE[1])
    done = booth.cast(ELECTION, LEE[1], code, None, ballot_of(served, LEE[0]), ADDRESS)
    assert [e.hash for e in ballots_on_board(served)] == [done.receipt.event_hash]
    assert "casting alone instead" in caplog.text
