"""`clearcount check-booth`: what a server serves against the booth the record pins."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest
from click.testing import CliRunner

from clearcount.cli import check_booth_command as command
from clearcount.cli.common import UserError
from clearcount.protocol.simulate import SIMULATED_BOOTH, SIMULATED_BUNDLES, simulate_election
from clearcount.record.archive import write_record

SITE = "https://vote.example.org"
PAGE = f"{SITE}/e/sim-trigger/vote"


def page(integrity: str = SIMULATED_BOOTH["booth.js"], extra: str = "") -> bytes:
    tag = f'<script src="/static/booth/booth.js" integrity="{integrity}" defer></script>'
    return f"<!doctype html><html><body>{tag}{extra}</body></html>".encode()


@pytest.fixture(scope="module")
def record(tmp_path_factory: pytest.TempPathFactory) -> Path:
    events, _ = simulate_election("trigger", b"check-booth", board_checks=False)
    path = tmp_path_factory.mktemp("record") / "record.zip"
    write_record(events, path)
    return path


def run(
    monkeypatch: pytest.MonkeyPatch, record: Path, served: Mapping[str, bytes]
) -> tuple[int, str]:
    def fetch(url: str) -> bytes:
        if url not in served:
            raise UserError(f"{url}: HTTP 404 Not Found")
        return served[url]

    monkeypatch.setattr(command, "_fetch", lambda _timeout: fetch)
    result = CliRunner().invoke(command.check_booth_command, [PAGE, "--record", str(record)])
    return result.exit_code, result.output


def honest() -> dict[str, bytes]:
    files = {f"{SITE}/static/booth/{n}": data for n, data in SIMULATED_BUNDLES.items()}
    return {PAGE: page(), **files}


def test_an_honest_server_matches_line_by_line(
    monkeypatch: pytest.MonkeyPatch, record: Path
) -> None:
    code, output = run(monkeypatch, record, honest())
    assert code == 0, output
    assert "ok  booth.js" in output
    assert "ok  booth-worker.js" in output
    assert "ok  script tag /static/booth/booth.js" in output
    assert "3 ok, 0 mismatched" in output


def test_a_changed_worker_is_a_mismatch(monkeypatch: pytest.MonkeyPatch, record: Path) -> None:
    served = honest()
    served[f"{SITE}/static/booth/booth-worker.js"] = b"postMessage(stolen)"
    code, output = run(monkeypatch, record, served)
    assert code == 1
    assert "MISMATCH  booth-worker.js: the record pins sha384-" in output


def test_a_tag_with_other_integrity_or_an_extra_script_is_a_mismatch(
    monkeypatch: pytest.MonkeyPatch, record: Path
) -> None:
    served = honest()
    served[PAGE] = page(
        SIMULATED_BOOTH["booth-worker.js"], '<script src="https://cdn.example/x.js">'
    )
    code, output = run(monkeypatch, record, served)
    assert code == 1
    assert "MISMATCH  script tag /static/booth/booth.js: integrity" in output
    assert "MISMATCH  script tag https://cdn.example/x.js" in output


def test_a_missing_bundle_and_a_wrong_url(monkeypatch: pytest.MonkeyPatch, record: Path) -> None:
    served = honest()
    del served[f"{SITE}/static/booth/booth.js"]
    code, output = run(monkeypatch, record, served)
    assert code == 1
    assert "MISMATCH  booth.js: not served" in output
    result = CliRunner().invoke(command.check_booth_command, [f"{SITE}/e/x", "--record", "."])
    assert result.exit_code == 2
    assert "expected a booth page" in result.output
