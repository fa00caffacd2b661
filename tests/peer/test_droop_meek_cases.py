"""Every Droop case in shared/peer-cases/droop_peer counted by `stv-meek` and compared with the
Droop counter's report: the set of winners (Droop's order of "elect remaining" is arbitrary) and
the sequence of defeats with the surplus at each single defeat (original/droop_report.txt.gz).

Droop's default tie-break order is the ballot-file order when a file has no `[tie]` line; the
tests give the contest that order explicitly, as `stv-meek` otherwise draws a seeded lot.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import re
from typing import Any

import pytest
from tests.peer.peer_cases import PEER_ROOT, peer_params

from clearcount.counting import stv_meek
from clearcount.counting.readers.blt import parse_blt

PEER = PEER_ROOT / "droop_peer"
VARIANTS: dict[str, dict[str, object]] = {
    "meek-prf-o6-fixed-p9-d9": {},
    "meek-o9-guarded-p18-g9-d18": {
        "omega": "0.000000001",
        "precision": 18,
        "guard": 9,
        "defeat_batch": "safe",
    },
}
_ACTION = re.compile(
    r"^Action: (Defeat|Defeat certain loser|Defeat remaining)"
    r"(?: \((?:stable )?surplus ([\d.]+)(?: < omega)?\))?: (.*)$",
    re.M,
)


def _meek_cases() -> list[str]:
    return [
        path.parent.name
        for path in sorted(PEER.glob("*/expected.json"))
        if json.loads(path.read_text(encoding="utf-8"))["method"] == "stv-meek"
    ]


def _cases() -> list[Any]:
    return peer_params(PEER, _meek_cases)


@pytest.mark.parametrize("case", _cases())
def test_droop_meek_case(case: str) -> None:
    folder = PEER / case
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    contest = parse_blt((folder / "ballots.blt").read_text(encoding="utf-8"), str(folder))
    if contest.tie_order is None:
        contest = dataclasses.replace(contest, tie_order=tuple(range(len(contest.candidates))))
    result = stv_meek.count(contest, VARIANTS[expected["variant"]])

    assert set(result.elected) == set(expected["elected"])
    for stage in result.stages:
        assert stage.accounted == result.valid_votes

    report = gzip.decompress((folder / "original" / "droop_report.txt.gz").read_bytes())
    reference = [
        (match.group(3), match.group(2)) for match in _ACTION.finditer(report.decode("utf-8"))
    ]
    ours = []
    for stage in result.stages:
        surplus = next((n.split()[1] for n in stage.notes if n.startswith("surplus ")), None)
        single = stage.action == "defeat of the lowest"
        ours.extend((name, surplus if single else None) for name in stage.excluded)
    ours = [item for item in ours if item[0] not in result.elected]
    reference = [item for item in reference if item[0] not in result.elected]
    assert [name for name, _ in ours] == [name for name, _ in reference]
    for (_, mine), (_, theirs) in zip(ours, reference, strict=True):
        if mine is not None and theirs is not None:
            assert mine.startswith(theirs)


def test_all_twenty_meek_cases_are_present() -> None:
    if not PEER.is_dir():
        pytest.skip(f"no {PEER}")
    assert len(_cases()) == 20
