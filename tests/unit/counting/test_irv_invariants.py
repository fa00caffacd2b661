"""Invariants of the runoff engine on random contests (hypothesis): every round accounts for
every paper exactly, the order of the papers does not matter, and the pre-resolved fast path
agrees with RCTab's walk from the top of the ballot."""

from __future__ import annotations

import random
from dataclasses import replace

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from tests.strategies import contests

from clearcount.counting import irv, rctab
from clearcount.counting.ballots import OVERVOTE, Ballot, Contest
from clearcount.counting.runoff_ballots import rescan, resolve
from clearcount.counting.runoff_rules import OvervoteRule, RunoffRules

Options = dict[str, object]

OPTIONS = st.fixed_dictionaries(
    {
        "overvote": st.sampled_from(["exhaust", "skip"]),
        "max_skipped_ranks": st.sampled_from(["unlimited", 0, 1, 2]),
        "exhaust_on_duplicate": st.booleans(),
        "batch_elimination": st.booleans(),
        "continue_until_two": st.booleans(),
        "first_round_threshold": st.booleans(),
        "seed": st.just("invariant-seed"),
    }
)


@settings(max_examples=150, deadline=None)
@given(
    contest=contests(max_seats=1, withdrawn=True, undeclared=True, defects=True),
    options=OPTIONS,
)
def test_every_round_accounts_for_every_paper(contest: Contest, options: Options) -> None:
    assume(set(contest.standing()))
    result = irv.count(contest, options)
    assert result.valid_votes == contest.total_weight
    for stage in result.stages:
        assert stage.accounted == result.valid_votes
        assert stage.exhausted == sum(stage.inactive.values())
    assert len(result.elected) <= 1


@settings(max_examples=100, deadline=None)
@given(
    contest=contests(max_seats=1, withdrawn=True, undeclared=True, defects=True),
    options=OPTIONS,
    shuffle_seed=st.integers(0, 10**6),
)
def test_ballot_order_does_not_change_the_result(
    contest: Contest, options: Options, shuffle_seed: int
) -> None:
    assume(set(contest.standing()))
    papers = list(contest.ballots)
    random.Random(shuffle_seed).shuffle(papers)
    first = irv.count(contest, options)
    second = irv.count(replace(contest, ballots=tuple(papers)), options)
    assert first.elected == second.elected
    assert [s.tallies for s in first.stages] == [s.tallies for s in second.stages]
    assert [s.inactive for s in first.stages] == [s.inactive for s in second.stages]


@settings(max_examples=80, deadline=None)
@given(
    contest=contests(min_candidates=2, max_seats=3, defects=True),
    mode=st.sampled_from(
        ["multiWinnerAllowMultipleWinnersPerRound", "multiWinnerAllowOnlyOneWinnerPerRound"]
    ),
)
def test_multi_seat_rounds_balance_with_residual_surplus(contest: Contest, mode: str) -> None:
    seats = min(contest.seats + 1, len(contest.candidates))
    assume(seats > 1)
    rules = {
        "winnerElectionMode": mode,
        "numberOfWinners": str(seats),
        "tiebreakMode": "useCandidateOrder",
        "overvoteRule": "alwaysSkipToNextRank",
        "decimalPlacesForVoteArithmetic": "4",
        "nonIntegerWinningThreshold": True,
    }
    result = rctab.count(contest, rules)
    for stage in result.stages:
        assert stage.accounted == result.valid_votes


@settings(max_examples=300, deadline=None)
@given(
    ranks=st.lists(
        st.one_of(
            st.just(()),
            st.just((OVERVOTE,)),
            st.lists(st.integers(0, 4), min_size=1, max_size=2, unique=True).map(tuple),
        ),
        max_size=6,
    ),
    out=st.sets(st.integers(0, 4)),
    overvote=st.sampled_from(["exhaust", "skip"]),
    max_skipped=st.sampled_from([None, 0, 1]),
    duplicate=st.booleans(),
)
def test_fast_path_matches_the_walk_from_the_top(
    ranks: list[tuple[int, ...]],
    out: set[int],
    overvote: OvervoteRule,
    max_skipped: int | None,
    duplicate: bool,
) -> None:
    rules = RunoffRules(overvote=overvote, max_skipped=max_skipped, exhaust_on_duplicate=duplicate)
    ballot = Ballot(tuple(ranks))
    choices, reason = resolve(rules, ballot.ranks)
    fast = next((c for c in choices if c not in out), None)
    slow, slow_reason = rescan(rules, ballot.ranks, lambda c: c not in out)
    assert fast == slow
    if fast is None:
        assert reason == slow_reason
