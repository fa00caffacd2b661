"""Without NumPy (the clearcount-verifier distribution) irv and stv-scottish count the same."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from clearcount.counting.ballots import Ballot, Contest
from clearcount.counting.registry import count
from clearcount.record.result_body import result_body

SCRIPT = """
import json, sys
sys.modules["numpy"] = None  # any `import numpy` now raises ModuleNotFoundError
from clearcount.counting.ballots import Ballot, Contest
from clearcount.counting.registry import count
from clearcount.record.result_body import result_body
method, seats, rankings = json.loads(sys.argv[1])
papers = tuple(Ballot(tuple((c,) for c in r)) for r in rankings)
contest = Contest(("Ada", "Ben", "Cleo", "Dev"), papers, seats=seats, title="Riverside")
print(json.dumps(result_body(count(method, contest, {"seed": "00"}))))
assert not any(name.startswith("numpy") for name in sys.modules if sys.modules[name] is not None)
"""

RANKINGS = [[0, 1], [1, 0, 2], [2, 1], [2, 3, 0], [3, 2], [1], [0, 2, 1], [1, 3]] * 3


@pytest.mark.parametrize(("method", "seats"), [("irv", 1), ("stv-scottish", 2)])
def test_the_reference_engine_runs_when_numpy_is_missing(method: str, seats: int) -> None:
    papers = tuple(Ballot(tuple((c,) for c in r)) for r in RANKINGS)
    contest = Contest(("Ada", "Ben", "Cleo", "Dev"), papers, seats=seats, title="Riverside")
    expected = result_body(count(method, contest, {"seed": "00"}))
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps([method, seats, RANKINGS])],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout) == json.loads(json.dumps(expected))
