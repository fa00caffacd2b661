"""After the key ceremony, the service's database and every file the officer's process wrote
hold no trustee share and no trustee, teller, authority or officer secret (issue 8).

The scan is blind: every 32-byte window of the bytes, raw or as hex, that is a canonical scalar
x is tried, and x·G is compared with every public point the record commits to (each role's
keys, each coefficient commitment K_{i,j}, each share's point P_i(ℓ)·G, each trustee's
verification key). A planted secret is found, so the scan is not vacuous."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tests.unit.service.election_world import ELECTION, Lifecycle
from tests.unit.service.world import World

from clearcount.core.errors import DecodingError
from clearcount.crypto.group import Point, Scalar
from clearcount.crypto.lagrange import evaluate_commitments
from clearcount.record.events import Setup

_HEX = re.compile(rb"[0-9a-f]{64,}")


@pytest.fixture
def life(world: World, tmp_path: Path) -> Lifecycle:
    return Lifecycle(world, tmp_path / "keys")


def _public_points(setup: Setup) -> set[bytes]:
    points = [setup.officer.key, setup.credential_authority.key, *(t.key for t in setup.tellers)]
    points += [k for t in setup.trustee_keys for k in (t.key, t.encryption_key)]
    n = len(setup.trustees)
    for entry in setup.trustees:
        points += entry.commitments
        points += [evaluate_commitments(entry.commitments, ell) for ell in range(1, n + 1)]
    sums = [
        sum((e.commitments[j] for e in setup.trustees[1:]), setup.trustees[0].commitments[j])
        for j in range(setup.threshold)
    ]
    points += [evaluate_commitments(sums, ell) for ell in range(1, n + 1)]
    return {p.to_bytes() for p in points}


def _windows(data: bytes) -> set[bytes]:
    found = {data[i : i + 32] for i in range(len(data) - 31) if data[i + 31] < 0x10}
    for run in _HEX.findall(data):
        found |= {bytes.fromhex(run[i : i + 64].decode()) for i in range(0, len(run) - 63, 2)}
    return found


def _secrets_in(data: bytes, public: set[bytes]) -> list[str]:
    hits = []
    for window in _windows(data):
        try:
            scalar = Scalar.from_bytes(window)
        except DecodingError:
            continue
        if not scalar.is_zero() and Point.base_mul(scalar).to_bytes() in public:
            hits.append(window.hex())
    return hits


def test_no_secret_in_the_database_nor_the_officers_files(
    life: Lifecycle, world: World, tmp_path: Path
) -> None:
    life.define()
    life.setup()
    setup = Setup.from_body(life.ballots.setup_event(ELECTION).body, "event 0")
    public = _public_points(setup)
    database = (tmp_path / "clearcount.db").read_bytes()
    officer_files = sorted((life.key_dir / "ceremony").iterdir())
    assert officer_files  # the draft and every trustee's messages, relayed by the officer
    for path, data in [("database", database)] + [(str(p), p.read_bytes()) for p in officer_files]:
        assert _secrets_in(data, public) == [], path
    planted = life.role_keys["Pat Quinn"].signing.to_bytes()
    assert _secrets_in(database + planted, public) == [planted.hex()]
    assert _secrets_in(planted.hex().encode(), public) == [planted.hex()]
