"""Where the peer programs' regression cases are, and what to do when they are not there.

They live outside the repository (../shared/peer-cases from the repository root, which CI has
too); CLEARCOUNT_PEER_CASES points elsewhere. Missing cases skip locally, but fail when
CLEARCOUNT_REQUIRE_PEER_CASES=1 (as .ci/run sets it), so CI can never pass by skipping them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

__all__ = ["PEER_ROOT", "peer_params"]

PEER_ROOT = Path(
    os.environ.get(
        "CLEARCOUNT_PEER_CASES", Path(__file__).resolve().parents[2].parent / "shared/peer-cases"
    )
)


def peer_params(folder: Path, cases: Callable[[], Sequence[Any]]) -> list[Any]:
    """`cases()` when `folder` exists; else one skipped param, or an error when CI requires them."""
    if folder.is_dir():
        return list(cases())
    if os.environ.get("CLEARCOUNT_REQUIRE_PEER_CASES") == "1":
        raise FileNotFoundError(f"peer cases missing at {folder} (set CLEARCOUNT_PEER_CASES)")
    return [pytest.param(None, marks=pytest.mark.skip(reason=f"no peer cases at {folder}"))]
