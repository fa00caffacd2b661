"""booth/test under `node --test`: the spec §90 vectors, the credential code and the shipped
worker bundle, all checked by the booth's own TypeScript."""

from __future__ import annotations

import subprocess
from pathlib import Path


def test_node_suite_passes(booth_built: Path) -> None:
    found = (booth_built / "test").glob("*.test.mjs")
    tests = sorted(str(p.relative_to(booth_built)) for p in found)
    assert tests, "booth/test has no *.test.mjs"
    done = subprocess.run(
        ["node", "--test", *tests],
        cwd=booth_built,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
