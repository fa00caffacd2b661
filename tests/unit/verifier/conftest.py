"""One small simulated record (two yes/no questions), written as a folder and as a zip."""

from __future__ import annotations

from pathlib import Path

import pytest

from clearcount.protocol.simulate import SimulationSecrets, simulate_election
from clearcount.record.archive import write_record
from clearcount.record.chain import Event


@pytest.fixture(scope="session")
def election() -> tuple[list[Event], SimulationSecrets]:
    return simulate_election("industrial-action", b"verifier unit tests")


@pytest.fixture
def record_zip(tmp_path: Path, election: tuple[list[Event], SimulationSecrets]) -> Path:
    path = tmp_path / "record.zip"
    write_record(election[0], path)
    return path
