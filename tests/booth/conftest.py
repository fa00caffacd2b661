"""The booth's TypeScript under Node: skipped where Node or booth/node_modules is missing, a
failure instead when CLEARCOUNT_REQUIRE_BROWSER=1 (CI installs both)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BOOTH = ROOT / "booth"

NodeRunner = Callable[[str, object], dict[str, object]]


def _missing() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed"
    if not (BOOTH / "node_modules").is_dir():
        return "booth/node_modules is missing (run `npm ci` in booth/)"
    return None


@pytest.fixture(scope="session")
def booth_built() -> Path:
    """booth/dist/booth-node.mjs built from the sources (the committed bundles are not touched)."""
    missing = _missing()
    if missing is not None:
        if os.environ.get("CLEARCOUNT_REQUIRE_BROWSER") == "1":
            pytest.fail(f"CLEARCOUNT_REQUIRE_BROWSER=1 but {missing}")
        pytest.skip(missing)
    subprocess.run(["node", "build.mjs", "--node-only"], cwd=BOOTH, check=True, timeout=300)
    return BOOTH


@pytest.fixture(scope="session")
def run_node(booth_built: Path) -> NodeRunner:
    """Run one of booth/test's command-line scripts with JSON in and JSON out."""

    def run(script: str, payload: object) -> dict[str, object]:
        done = subprocess.run(
            ["node", f"test/{script}"],
            cwd=booth_built,
            input=json.dumps(payload),
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        result: dict[str, object] = json.loads(done.stdout)
        return result

    return run
