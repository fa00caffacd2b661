"""Whole fictional elections (spec §11): every scenario end to end, written and read back."""

from collections import Counter
from pathlib import Path

import pytest

from clearcount.protocol.simulate import SCENARIOS, make_scenario, simulate_election
from clearcount.record.archive import read_record, write_record
from clearcount.record.events import PaperBatch, Result, Setup


@pytest.mark.parametrize("name", SCENARIOS)
def test_scenario_runs_and_round_trips_through_the_archive(name: str, tmp_path: Path) -> None:
    events, secrets = simulate_election(name, b"e2e")
    for target in (tmp_path / "record.zip", tmp_path / "folder"):
        write_record(events, target)
        assert [e.hash for e in read_record(target)] == [e.hash for e in events]
    kinds = Counter(e.kind for e in events)
    scenario = make_scenario(name)
    assert kinds["Ballot"] == scenario.voters - 1 + 2  # one paper-only member, two re-votes
    assert kinds["Spoiled"] == 1
    assert kinds["EndBallots"] == 1
    assert kinds["Result"] == 1
    setup = Setup.from_body(events[0].body, "event 0")
    present = len(setup.trustees) - len(scenario.absent)
    assert kinds["PartialDecryption"] == present
    result = Result.from_body(events[-1].body, "result")
    papers = [PaperBatch.from_body(e.body, "p") for e in events if e.kind == "PaperBatch"]
    for spec, declared in zip(setup.contests, result.contests, strict=True):
        batch = next(p for p in papers if p.contest == spec.id)
        online = [
            (c[spec.id], s.weight)
            for c, s in zip(secrets.choices, secrets.credentials, strict=True)
            if c is not None
        ]
        if spec.kind == "homomorphic":
            expected = [0] * len(spec.candidates)
            for marks, weight in online + [(p.marks, p.weight) for p in batch.ballots]:
                for mark in marks:
                    expected[mark] += weight if spec.weighted else 1
            assert list(declared.tallies or ()) == expected
        else:

            def vector(marks, width=spec.max_ranks):  # type: ignore[no-untyped-def]
                return tuple(m + 1 for m in marks) + (0,) * (width - len(marks))

            expected_rankings = sorted(vector(m) for m, _ in online)
            expected_rankings += [vector(p.marks) for p in batch.ballots]
            assert sorted(declared.rankings or ()) == sorted(expected_rankings)


def test_same_seed_same_record_and_seed_matters() -> None:
    first, _ = simulate_election("trigger", b"s")
    again, _ = simulate_election("trigger", b"s")
    other, _ = simulate_election("trigger", b"t")
    assert first[-1].hash == again[-1].hash != other[-1].hash


@pytest.mark.slow
def test_two_processes_give_the_same_record() -> None:
    scenario = make_scenario("trigger", voters=60)
    one, _ = simulate_election(scenario, b"p", processes=1)
    two, _ = simulate_election(scenario, b"p", processes=2)
    assert one[-1].hash == two[-1].hash
