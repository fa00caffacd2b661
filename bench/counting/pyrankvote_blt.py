"""pyrankvote as a user would run it on a BLT file: read the file, one Ballot per paper, count.

pyrankvote 2.0.6 has no file reader and no weights, so this is the shortest faithful script:
each ballot line becomes `weight` Ballot objects of its ranking. Prints the winners as JSON.

    python bench/counting/pyrankvote_blt.py FILE.blt irv|stv
"""

from __future__ import annotations

import json
import random
import sys


def main(path: str, method: str) -> None:
    import pyrankvote
    from pyrankvote import Ballot, Candidate

    with open(path, encoding="utf-8") as handle:
        ncand, seats = map(int, handle.readline().split())
        papers: list[list[int]] = []
        weights: list[int] = []
        for line in handle:
            tokens = line.split()
            if tokens == ["0"]:
                break
            weights.append(int(tokens[0]))
            papers.append([int(t) - 1 for t in tokens[1:-1]])
        names = [handle.readline().strip().strip('"') for _ in range(ncand)]
    candidates = [Candidate(name) for name in names]
    ballots = []
    for ranking, weight in zip(papers, weights, strict=True):
        ballots += [Ballot(ranked_candidates=[candidates[c] for c in ranking])] * weight
    random.seed(0)  # its last-resort tie-break uses the global `random`
    if method == "irv":
        result = pyrankvote.instant_runoff_voting(candidates, ballots)
    else:
        result = pyrankvote.single_transferable_vote(candidates, ballots, number_of_seats=seats)
    print(json.dumps([c.name for c in result.get_winners()]))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
