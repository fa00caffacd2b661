"""Whole-process count of a JSON ballot file (issue 12): `clearcount count FILE.json`.

Writes the synthetic election (generate.py: 20 candidates, 5 seats, seed 2026) as a JSON ballot
file, one paper per line and weight 1 (`{"ranking": ["name", ...]}`, no ids), then measures
`clearcount count FILE -m stv-scottish|irv --format json` as whole_process.py does (wall, CPU
and peak RSS of that process alone, from `os.wait4`). `--source DIR` counts with the clearcount
package in DIR/src instead (PYTHONPATH), to compare a reader before and after a change.

    .venv/bin/python bench/counting/json_process.py --ballots 1000000 --repeat 3
    .venv/bin/python bench/counting/json_process.py --ballots 20000 --repeat 1   # smoke
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
from pathlib import Path

from generate import ElectionSpec, candidate_names, rankings
from whole_process import measure

__all__ = ["main", "write_json"]


def write_json(path: Path, spec: ElectionSpec) -> None:
    """The election as a JSON ballot file, one paper (weight 1) per line."""
    names = candidate_names(spec)
    with path.open("w", encoding="utf-8") as out:
        head = {"title": "Synthetic election", "seats": spec.seats, "candidates": list(names)}
        out.write(json.dumps(head)[:-1] + ', "ballots": [\n')
        for i, ranked in enumerate(rankings(spec)):
            paper = json.dumps({"ranking": [names[c] for c in ranked]})
            out.write(("" if i == 0 else ",\n") + paper)
        out.write("\n]}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ballots", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json-file", type=Path, help="reuse (or write) the ballot file here")
    parser.add_argument("--source", type=Path, help="a clearcount checkout to count with")
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()
    if args.source:
        os.environ["PYTHONPATH"] = str(args.source.resolve() / "src")
    with tempfile.TemporaryDirectory() as folder:
        path = args.json_file or Path(folder) / "ballots.json"
        if not path.exists():
            write_json(path, ElectionSpec(ballots=args.ballots))
        size = path.stat().st_size / 2**20
        for method in ("stv", "irv"):
            runs = [measure("clearcount", method, path, args.timeout) for _ in range(args.repeat)]
            wall = [r["wall_s"] for r in runs]
            cpu = [r["cpu_s"] for r in runs]
            print(
                f"| {method} | {args.ballots:,} papers, {size:.1f} MiB | "
                f"{statistics.median(wall):.2f} ({min(wall):.2f}) | "
                f"{statistics.median(cpu):.2f} ({min(cpu):.2f}) | "
                f"{max(r['peak_mib'] for r in runs):.0f} | {', '.join(runs[0]['elected'])} |"
            )
        print("load average:", os.getloadavg())


if __name__ == "__main__":
    main()
