"""The long fuzzing run (issue 12): tests/fuzz under the hypothesis profile `long`.

    .venv/bin/python bench/fuzz/run.py --max-examples 2000 [-k record]

Runs the same tests CI runs (every file reader, and the HTTP API from its OpenAPI document by
schemathesis, one operation at a time and as flows along its links), with `--max-examples`
examples per reader, per API operation and flows (of up to 10 steps), not
derandomized (a fresh seed each run, printed by hypothesis on a failure), and prints one line
for bench/RESULTS.md: examples, targets, outcome, wall and CPU time and the peak memory.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-examples", type=int, default=2000)
    parser.add_argument("-k", default="", help="only the tests matching this (pytest -k)")
    parser.add_argument("--timeout", type=float, help="stop the run after this many seconds")
    args = parser.parse_args()
    env = {**os.environ, "CLEARCOUNT_FUZZ_PROFILE": "long", "PYTHONUNBUFFERED": "1",
           "CLEARCOUNT_FUZZ_EXAMPLES": str(args.max_examples)}  # fmt: skip
    command = [
        sys.executable,
        "-m",
        "pytest",
        "tests/fuzz",
        "-p",
        "no:cacheprovider",
        "-rf",
        "-v",
        "-v",
    ]
    if args.k:
        command += ["-k", args.k]
    start = time.monotonic()
    try:
        run = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                             check=False, timeout=args.timeout)  # fmt: skip
        stdout, stderr, code = run.stdout, run.stderr, run.returncode
    except subprocess.TimeoutExpired as stopped:  # the tests finished by then still count
        stdout, stderr = _text(stopped.stdout), _text(stopped.stderr)
        stdout += f"\n{stdout.count(' PASSED')} passed, {stdout.count(' FAILED')} failed "
        stdout += f"(stopped after {args.timeout:.0f} s)"
        code = 1
    seconds = time.monotonic() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak, cpu = usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime
    print(stdout[-4000:], stderr[-2000:], sep="\n")
    summary = re.findall(r"(\d+) (passed|failed|error)", stdout.splitlines()[-1] if stdout else "")
    outcome = ", ".join(f"{n} {what}" for n, what in summary) or "no result"
    print(f"| {args.k or 'all'} | {args.max_examples} examples per target | {outcome} | "
          f"{seconds:.0f} s wall, {cpu:.0f} s CPU | peak RSS {peak:.0f} MiB |")  # fmt: skip
    return code


def _text(output: str | bytes | None) -> str:
    return output.decode(errors="replace") if isinstance(output, bytes) else output or ""


if __name__ == "__main__":
    sys.exit(main())
