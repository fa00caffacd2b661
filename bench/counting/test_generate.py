"""The synthetic election: deterministic, well-formed, party-correlated, BLT round-trips.

Run with `.venv/bin/pytest bench/counting -q` (bench tests sit beside the bench code).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from generate import (
    ElectionSpec,
    candidate_names,
    fingerprint,
    make_contest,
    parties_of,
    rankings,
    write_blt,
)

from clearcount.counting.ballots import compress
from clearcount.counting.readers.blt import parse_blt

SMALL = ElectionSpec(ballots=20_000, seed=7)


@pytest.fixture(scope="module")
def small() -> list[tuple[int, ...]]:
    return list(rankings(SMALL))


def test_same_seed_same_papers(small: list[tuple[int, ...]]) -> None:
    assert fingerprint(rankings(SMALL)) == fingerprint(small)


def test_other_seed_other_papers(small: list[tuple[int, ...]]) -> None:
    other = ElectionSpec(ballots=SMALL.ballots, seed=8)
    assert fingerprint(rankings(other)) != fingerprint(small)


def test_rankings_are_plain_and_in_range(small: list[tuple[int, ...]]) -> None:
    assert len(small) == SMALL.ballots
    for ranking in small:
        assert 1 <= len(ranking) <= SMALL.candidates
        assert len(set(ranking)) == len(ranking)
        assert all(0 <= c < SMALL.candidates for c in ranking)


def test_depths_mostly_short_some_complete(small: list[tuple[int, ...]]) -> None:
    depths = Counter(len(r) for r in small)
    short = sum(depths[d] for d in range(1, 7)) / len(small)
    complete = depths[SMALL.candidates] / len(small)
    assert 0.70 < short < 0.90
    assert 0.03 < complete < 0.12
    assert set(depths) == set(range(1, SMALL.candidates + 1))


def test_voters_rank_their_party_first_then_drift(small: list[tuple[int, ...]]) -> None:
    party = parties_of(SMALL)
    longer = [r for r in small if len(r) > 1]
    same = sum(party[r[0]] == party[r[1]] for r in longer) / len(longer)
    # own party strongly favoured, but voters do move across
    assert 0.5 < same < 0.85
    complete = [r for r in small if len(r) == SMALL.candidates]
    crossing = sum(len({party[c] for c in r[:6]}) > 1 for r in complete) / len(complete)
    assert crossing > 0.5


def test_many_distinct_rankings(small: list[tuple[int, ...]]) -> None:
    # realistic variety: compression helps, but far from "a few hundred ballot types"
    assert len(set(small)) > len(small) // 4


def test_parties_and_names() -> None:
    spec = ElectionSpec()
    party = parties_of(spec)
    assert len(party) == 20
    assert set(party) == set(range(spec.parties))
    sizes = Counter(party)
    assert sizes[0] >= sizes[spec.parties - 1]
    names = candidate_names(spec)
    assert len(set(names)) == 20


@pytest.mark.parametrize(
    ("field", "value"), [("parties", 1), ("candidates", 3), ("seats", 20), ("ballots", 0)]
)
def test_bad_spec_names_the_field(field: str, value: int) -> None:
    with pytest.raises(ValueError, match=f"ElectionSpec.{field}"):
        ElectionSpec(**{field: value})


def test_make_contest_has_one_ballot_per_paper(small: list[tuple[int, ...]]) -> None:
    contest = make_contest(candidate_names(SMALL), SMALL.seats, small)
    assert len(contest.ballots) == contest.total_weight == SMALL.ballots
    assert contest.ballots[0].plain() == small[0]


@pytest.mark.parametrize("compressed", [False, True])
def test_blt_round_trips_through_clearcount(
    small: list[tuple[int, ...]], tmp_path: Path, compressed: bool
) -> None:
    path = tmp_path / "election.blt"
    lines = write_blt(path, candidate_names(SMALL), SMALL.seats, small, compressed=compressed)
    parsed = parse_blt(path.read_text(encoding="utf-8"), str(path))
    expected = make_contest(candidate_names(SMALL), SMALL.seats, small)
    assert lines == (len(set(small)) if compressed else len(small))
    assert parsed.candidates == expected.candidates
    assert parsed.seats == SMALL.seats
    assert parsed.total_weight == SMALL.ballots
    assert compress(parsed.ballots) == compress(expected.ballots)
