"""`clearcount demo`: the README's main job, as a user runs it (a real process, a real folder)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from tests.unit.reports.documents_world import pdf_text

from clearcount.cli.demo import DOCUMENTS
from clearcount.reports.statutory_fields import REQUIRED
from clearcount.verifier import verify_record

ELECTIONS = (
    "av-trigger-2031",  # one election, a contest per branch (issue 11)
    "av-selection-2031",
    "ntwu-depot-action-2031",
)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "clearcount", "demo", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_demo_leaves_the_database_and_records_that_verify(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    started = time.perf_counter()
    done = run("--dir", str(folder))
    seconds = time.perf_counter() - started
    print(f"clearcount demo: {seconds:.1f} s")  # measured (the target is under a minute)
    assert done.returncode == 0, done.stderr
    assert (folder / "clearcount.db").is_file()
    assert done.stdout.count("VERIFIED: ") == len(ELECTIONS) + 1  # + the trigger declaration
    assert "NOT VERIFIED" not in done.stdout
    assert "SELECTION TRIGGERED: an open selection proceeds" in done.stdout
    assert "branches 37.5 + affiliates 25.0 = 62.5%: a selection proceeds" in done.stdout
    assert "the 2018 rule" in done.stdout
    assert "the pre-2018 rule" in done.stdout
    assert "verify-trigger on records/av-trigger-2031-declaration.json: VERIFIED" in done.stdout
    assert "failed V-TRIG" not in done.stdout
    assert "casting vote NO" in done.stdout  # Riverside's members tied
    assert "recorded as abstaining" in done.stdout  # the Fabian Society did not meet
    assert "a North member's ballot in South's contest is refused" in done.stdout
    assert "elected: " in done.stdout
    assert "CARRIED" in done.stdout
    for election in ELECTIONS:
        record = folder / "records" / election
        assert (record / "record.jsonl").is_file()
        report = verify_record(record, workers=1)
        assert report.ok, [o.spec.id for o in report.failed()]
    assert len(list((folder / "outbox").rglob("*.eml"))) > 0
    documents = folder / "documents"
    for election, kinds in DOCUMENTS.items():
        for kind in kinds:
            for fmt in ("pdf", "html"):
                path = documents / f"{election}-{kind}.{fmt}"
                assert f"  {path}" in done.stdout, path
                assert path.is_file()
    trigger = pdf_text((documents / "av-trigger-2031-trigger-report.pdf").read_bytes())
    assert "Ashby Vale North branch 3 1 yes: backs the MP" in trigger
    assert "Rule applied" in trigger
    assert "62.5%: a selection proceeds" in trigger
    for section, what, label in REQUIRED["trigger-report"]:
        assert label in trigger, f"{section} requires {what}"


def test_demo_refuses_a_folder_it_did_not_make(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    done = run("--dir", str(tmp_path))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1].startswith("clearcount: error: --dir")
    assert (tmp_path / "notes.txt").read_text() == "mine"
