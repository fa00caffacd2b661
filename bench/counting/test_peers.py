"""Peer adapters: each loads the same papers and finds the obvious winners of small elections.

Peers are the `bench` extra (pyrankvote 2.0.6, votekit 3.5.0); their tests skip without them.
clearcount's adapters skip until the `irv` and `stv-scottish` rule sets exist.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from generate import write_blt
from peers import ADAPTERS, Adapter, Election, adapter, import_modules

HERE = Path(__file__).resolve().parent
NAMES = ("Ash Quillon", "Bryn Marrow", "Cato Voke", "Dara Sayle")

# 100 papers. Ash leads without a majority; Dara goes, then Bryn, whose papers elect Cato.
IRV_PAPERS = [(0,)] * 40 + [(1, 2)] * 25 + [(2, 1)] * 20 + [(3, 2)] * 15
# 2 seats, quota 34: Ash is elected at once and her surplus of 16 takes Bryn from 20 to 36.
STV_PAPERS = [(0, 1)] * 50 + [(1,)] * 20 + [(2,)] * 16 + [(3, 2)] * 14


def _skip_unless_available(chosen: Adapter) -> None:
    for module in chosen.modules:
        if importlib.util.find_spec(module) is None:
            pytest.skip(f"{chosen.tool}: {module} is not installed yet")


def _election(papers: Sequence[tuple[int, ...]], seats: int, tmp_path: Path) -> Election:
    blt, packed = tmp_path / "papers.blt", tmp_path / "packed.blt"
    write_blt(blt, NAMES, seats, papers, compressed=False)
    write_blt(packed, NAMES, seats, papers, compressed=True)
    return Election(NAMES, seats, papers, blt, packed)


def _count(chosen: Adapter, election: Election) -> tuple[str, ...]:
    _skip_unless_available(chosen)
    import_modules(chosen)
    return chosen.count(chosen.load(election, chosen.method), election, chosen.method)


@pytest.mark.parametrize("chosen", [a for a in ADAPTERS if a.method == "irv"], ids=lambda a: a.tool)
def test_irv_adapters_elect_the_transfer_winner(chosen: Adapter, tmp_path: Path) -> None:
    assert _count(chosen, _election(IRV_PAPERS, 1, tmp_path)) == ("Cato Voke",)


@pytest.mark.parametrize("chosen", [a for a in ADAPTERS if a.method == "stv"], ids=lambda a: a.tool)
def test_stv_adapters_elect_by_surplus(chosen: Adapter, tmp_path: Path) -> None:
    assert _count(chosen, _election(STV_PAPERS, 2, tmp_path)) == ("Ash Quillon", "Bryn Marrow")


def test_irv_uses_one_seat_even_for_a_multi_seat_election(tmp_path: Path) -> None:
    election = _election(IRV_PAPERS, 3, tmp_path)
    assert election.seats_for("irv") == 1
    assert election.seats_for("stv") == 3


def test_adapter_lookup_names_the_known_pairs() -> None:
    with pytest.raises(KeyError, match="clearcount/irv"):
        adapter("nobody", "irv")


def test_smoke_run_reports_pyrankvote(tmp_path: Path) -> None:
    pytest.importorskip("pyrankvote")
    out = tmp_path / "figures.json"
    done = subprocess.run(
        [sys.executable, str(HERE / "run.py"), "--ballots", "500", "--tools", "pyrankvote",
         "--repeat", "1", "--json", str(out), "--workdir", str(tmp_path / "work")],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    (figures,) = json.loads(out.read_text())["runs"]
    assert figures["meta"]["papers"] == 500
    assert [r["status"] for r in figures["results"]] == ["ok", "ok"]
    assert all(r["count_cpu_s"] >= 0 and r["peak_mib"] > 0 for r in figures["results"])
    assert "| irv | pyrankvote |" in done.stdout
