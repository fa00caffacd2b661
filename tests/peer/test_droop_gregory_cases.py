"""Every Droop case of the Gregory family in shared/peer-cases/droop_peer (32 Scottish, 9 PRF WIGM,
12 Minneapolis), counted by clearcount and compared with Droop's output.

Checks, per case: the SET of winners (Droop's order when it fills the last seats is arbitrary),
and the candidates' votes after every transfer, against the stage-by-stage figures of Droop's
report (original/droop_report.txt.gz). Droop's lots use its predetermined order (the BLT `[tie]`
line, else candidate order), so the cases are counted with `lot = "tie-order"`. Where the two
counts take different but equivalent paths, repeated snapshots are merged and only the common
stages compared: Droop records a "transfer" of a zero surplus (SSI r.48(1) requires a surplus that
*exceeds* the quota, so clearcount's Scottish count makes no stage for it), and Droop's WIGM and
Minneapolis counts may transfer a surplus after the last seat is filled.
"""

from __future__ import annotations

import gzip
import json
import re
from fractions import Fraction
from typing import Any

import pytest
from tests.peer.peer_cases import PEER_ROOT, peer_params

from clearcount.counting.readers.blt import parse_blt
from clearcount.counting.registry import count

PEER = PEER_ROOT
METHODS = ("stv-scottish", "stv-wigm", "stv-minneapolis")
EXPECTED_COUNTS = {"stv-scottish": 32, "stv-wigm": 9, "stv-minneapolis": 12}
_TALLY = re.compile(r"^\t(?:Hopeful|Elected|Pending):\s+(.*) \(([-0-9.]+)\)$")
_TRANSFER = ("Begin Count", "Surplus transferred", "Transfer surplus", "Transfer defeated")


def _collapse(name: str) -> str:
    return " ".join(name.split())


def _manifest() -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads((PEER / "manifest.json").read_text(encoding="utf-8"))
    return [c for c in data if c.get("kind") == "droop_peer" and c["method"] in METHODS]


def _cases() -> list[Any]:
    return peer_params(
        PEER / "droop_peer",
        lambda: [pytest.param(case, id=case["case"].split("/")[-1]) for case in _manifest()],
    )


def droop_snapshots(report: str) -> list[dict[str, Fraction]]:
    """Votes of the elected and hopeful candidates after each of Droop's transfers."""
    snapshots: list[dict[str, Fraction]] = []
    current: dict[str, Fraction] | None = None
    keep = False
    for line in report.splitlines():
        if line.startswith("Action: "):
            if current is not None and keep:
                snapshots.append(current)
            action = line.removeprefix("Action: ")
            first = action.startswith("Count Votes") and not snapshots
            keep = action.startswith(_TRANSFER) or first
            current = {}
        elif current is not None and (match := _TALLY.match(line)):
            current[_collapse(match.group(1))] = Fraction(match.group(2))
    if current is not None and keep:
        snapshots.append(current)
    return _distinct(snapshots)


def _distinct(snapshots: list[dict[str, Fraction]]) -> list[dict[str, Fraction]]:
    out: list[dict[str, Fraction]] = []
    for snapshot in snapshots:
        if not out or out[-1] != snapshot:
            out.append(snapshot)
    return out


def test_every_case_is_listed() -> None:
    if not (PEER / "droop_peer").is_dir():
        pytest.skip(f"no {PEER}")
    found = {m: sum(c["method"] == m for c in _manifest()) for m in METHODS}
    assert found == EXPECTED_COUNTS


@pytest.mark.parametrize("case", _cases())
def test_droop_case(case: dict[str, Any]) -> None:
    folder = PEER / case["case"]
    contest = parse_blt((folder / "ballots.blt").read_text(encoding="utf-8"), str(folder))
    result = count(case["method"], contest, {"lot": "tie-order"})
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))

    assert {_collapse(n) for n in result.elected} == {_collapse(n) for n in expected["elected"]}
    assert len(result.elected) == case["seats"]
    for stage in result.stages:
        assert stage.accounted == result.valid_votes, stage.number

    report = gzip.decompress((folder / "original" / "droop_report.txt.gz").read_bytes())
    theirs = droop_snapshots(report.decode("utf-8"))
    ours = _distinct(
        [{_collapse(k): v for k, v in stage.tallies.items()} for stage in result.stages]
    )
    assert len(theirs) >= 1
    assert len(ours) >= 1
    for number, (mine, droop) in enumerate(zip(ours, theirs, strict=False), start=1):
        assert mine == droop, f"snapshot {number}"
