"""Small simulated records of every kind, made once per session (protocol.simulate)."""

from __future__ import annotations

from typing import Any

import pytest

from clearcount.protocol.simulate import SCENARIOS, simulate_election


@pytest.fixture(scope="session")
def records() -> dict[str, list[dict[str, Any]]]:
    """Scenario name -> its record as event documents."""
    return {
        name: [event.document() for event in simulate_election(name, b"tamper")[0]]
        for name in SCENARIOS
    }
