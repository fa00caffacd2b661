"""The demo's three published elections, made once per test session for the web tests.

`clearcount demo --dir` runs as a user runs it (a real process, ~45 s); the folder is shared by
every test that asks (`demo_folder()` is cached), so the public pages' HTTP tests and the
browser tests read the same database and records. Tests copy the database before changing it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path

from clearcount.bootstrap import Config, Services, build

__all__ = ["SELECTION", "TRIGGER_BRANCH", "UNION", "copy_database", "demo_folder", "demo_services"]

SELECTION = "av-selection-2031"
"""The AV selection: 16 online ballots (one re-vote, paper votes cancelling online ones)."""
UNION = "ntwu-depot-action-2031"
"""The industrial action ballot: two yes/no questions with TULRCA thresholds."""
TRIGGER_BRANCH = "av-trigger-2031"
"""The trigger ballot's one election: a yes/no contest per branch (issue 11)."""


@cache
def demo_folder() -> Path:
    """A folder holding the demo's database and published records (made on first use)."""
    folder = Path(tempfile.mkdtemp(prefix="clearcount-web-demo-")) / "demo"
    done = subprocess.run(
        [sys.executable, "-m", "clearcount", "demo", "--dir", str(folder)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return folder


def copy_database(into: Path) -> str:
    """A copy of the demo's database in `into` (its records stay where the demo wrote them)."""
    target = into / "clearcount.db"
    shutil.copyfile(demo_folder() / "clearcount.db", target)
    return f"sqlite:///{target}"


def demo_services(url: str | None = None) -> Services:
    """Services over the demo's database (or a copy), verifying with one process."""
    url = url or f"sqlite:///{demo_folder() / 'clearcount.db'}"
    return build(Config(database_url=url, verifier_workers=1))
