"""The booth pinned in Setup (spec §11.2 `booth`): the SRI values and their decoding rules."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pytest

from clearcount.core.errors import RecordError
from clearcount.protocol.simulate import SIMULATED_BOOTH, simulate_election
from clearcount.record.booth import MAX_FILES, booth_files, sri
from clearcount.record.chain import next_event
from clearcount.record.events import Setup

GOOD = sri(b"console.log('booth')\n")


def test_sri_is_the_w3c_sha384_form() -> None:
    digest = base64.b64encode(hashlib.sha384(b"x").digest()).decode()
    assert sri(b"x") == f"sha384-{digest}"
    assert booth_files({"booth.js": GOOD}, "b") == {"booth.js": GOOD}
    assert booth_files({}, "b") == {}


@pytest.mark.parametrize(
    "value",
    [
        {"booth.js": GOOD.replace("sha384-", "sha256-")},
        {"booth.js": GOOD[:-1]},
        {"booth.js": GOOD + "="},
        {"../booth.js": GOOD},
        {"js/booth.js": GOOD},
        {"": GOOD},
        {"booth.js": 1},
        ["booth.js", GOOD],
        {f"f{i}.js": GOOD for i in range(MAX_FILES + 1)},
    ],
)
def test_a_malformed_pin_is_refused(value: object) -> None:
    with pytest.raises(RecordError, match=r"b"):
        booth_files(value, "b")


def test_setup_carries_the_pin_and_a_forged_one_does_not_decode(tmp_path: Path) -> None:
    events, _ = simulate_election("trigger", b"booth", board_checks=False)
    setup = Setup.from_body(events[0].body, "event 0")
    assert setup.booth == SIMULATED_BOOTH
    forged = dict(events[0].body)
    forged["booth"] = {"booth.js": "sha384-" + "A" * 63}
    with pytest.raises(RecordError, match=r"booth\.booth\.js"):
        Setup.from_body(next_event([], "Setup", forged).body, "event 0")
    stripped = {k: v for k, v in events[0].body.items() if k != "booth"}
    with pytest.raises(RecordError, match="missing \\['booth'\\]"):
        Setup.from_body(stripped, "event 0")
    assert "booth" in setup.manifest_body(), "the ceremony context binds the pin"
