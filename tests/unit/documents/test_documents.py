"""Documents made from real (simulated) records: verified first, read back from the PDF, the same
bytes every time, and refused with one line when the record does not verify or the kind does
not fit the election (`clearcount report`)."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from tests.unit.reports.documents_world import pdf_text

from clearcount.core.errors import ConfigError
from clearcount.documents.build import (
    NotVerifiedError,
    UnfitError,
    VerifiedRecord,
    make_document,
    read_verified,
    render,
)
from clearcount.protocol.simulate import simulate_election
from clearcount.record.archive import write_record
from clearcount.reports.statutory_fields import REQUIRED


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("records")
    made = {}
    for scenario in ("industrial-action", "preferential"):
        events, _ = simulate_election(scenario, b"documents tests")
        path = folder / scenario
        write_record(events, path)
        made[scenario] = path
    return made


@pytest.fixture(scope="module")
def verified(records: dict[str, Path]) -> dict[str, VerifiedRecord]:
    return {name: read_verified(path, workers=1) for name, path in records.items()}


UNION = ("notice-226a", "result-231", "employer-231a", "scrutineer-231b", "appeal-bundle")
PARTY = ("declaration", "s52", "appeal-bundle")


@pytest.mark.parametrize(
    ("scenario", "kind"),
    [("industrial-action", k) for k in UNION] + [("preferential", k) for k in PARTY],
)
def test_each_documents_required_fields_read_back_from_its_pdf(
    verified: dict[str, VerifiedRecord], scenario: str, kind: str
) -> None:
    record = verified[scenario]
    document = make_document(record, kind)
    data = render(document, "pdf")
    text = pdf_text(data)
    for section, what, label in REQUIRED[kind]:
        assert label in text, f"{kind}: {section} requires {what} ({label!r} not found)"
    assert record.verification.record_hash in text
    assert "VERIFIED:" in text
    assert "NOT VERIFIED" not in text
    assert render(make_document(record, kind), "pdf") == data  # the same bytes again


def test_the_declaration_has_the_stv_stage_sheet_and_the_transfers_chart(
    verified: dict[str, VerifiedRecord],
) -> None:
    document = make_document(verified["preferential"], "declaration")
    text = pdf_text(render(document, "pdf"))
    assert "Executive (2 seats)" in text
    assert "Group leader" in text
    assert "Stage sheet" in text
    assert "Quota" in text
    assert "ELECTED (stage" in text
    assert "excluded (stage" in text
    assert "Transfers between stages" in text
    html = render(document, "html").decode()
    assert html.count("<svg") == 2
    assert "<script" not in html
    data = json.loads(render(document, "json"))
    assert data["verified"] is True
    assert data["kind"] == "declaration"
    assert "Stage sheet" in render(document, "csv").decode()


def test_the_appeal_bundle_is_one_pdf_with_an_index_giving_each_parts_page(
    verified: dict[str, VerifiedRecord],
) -> None:
    document = make_document(verified["preferential"], "appeal-bundle")
    text = pdf_text(render(document, "pdf"))
    index = text[text.index("Index") : text.index("4. Audit entries page") + 30]
    assert "1. Record summary page 2 2. Verifier's report page 3 3. Declaration of result" in index
    pages = [int(n) for n in re.findall(r" page (\d+)", index)]
    assert pages == sorted(pages)
    assert len(pages) == 4
    last = pages[-1]
    assert f"page {last}/" in text  # the audit entries' page exists, after the others
    assert "V-CHAIN-1" in text  # the verifier's report, check by check


def _tampered(path: Path, out: Path) -> Path:
    lines = (path / "record.jsonl").read_text().splitlines()
    document = json.loads(lines[-1])
    document["body"]["contests"][0]["tallies"][0] += 1  # a Result that is not the count
    lines[-1] = json.dumps(document, separators=(",", ":"), sort_keys=True)
    out.mkdir()
    (out / "record.jsonl").write_text("\n".join(lines) + "\n")
    return out


def test_a_record_that_does_not_verify_gives_no_document(
    records: dict[str, Path], tmp_path: Path
) -> None:
    bad = _tampered(records["industrial-action"], tmp_path / "bad")
    with pytest.raises(NotVerifiedError, match=r"the record does not verify \(failed: V-"):
        make_document(bad, "result-231", workers=1)


def _cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "clearcount", "report", *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_report_command_writes_the_document_and_refuses_in_one_line(
    records: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "result.pdf"
    done = _cli(records["industrial-action"], "--kind", "result-231", "--out", out)
    assert done.returncode == 0, done.stderr
    assert "VERIFIED" in done.stdout
    first = out.read_bytes()
    again = _cli(records["industrial-action"], "--kind", "result-231", "--out", out)
    assert again.returncode == 0
    assert out.read_bytes() == first
    chart = [tmp_path / "d1.pdf", tmp_path / "d2.pdf"]  # a PDF with the chart, two processes
    for path in chart:
        assert _cli(records["preferential"], "--kind", "declaration", "--out", path).returncode == 0
    assert chart[0].read_bytes() == chart[1].read_bytes()
    unfit = _cli(records["preferential"], "--kind", "result-231", "--out", tmp_path / "x.pdf")
    assert unfit.returncode == 2
    assert unfit.stderr.count("\n") == 1
    assert unfit.stderr.startswith("clearcount: error: --kind result-231: ")
    assert "counted by irv" in unfit.stderr
    assert "use --kind declaration" in unfit.stderr
    assert not (tmp_path / "x.pdf").exists()
    bad = _tampered(records["industrial-action"], tmp_path / "bad")
    refused = _cli(bad, "--kind", "scrutineer-231b", "--format", "html", "--out", tmp_path / "y")
    assert refused.returncode == 2
    assert refused.stderr.count("\n") == 1
    assert "the record does not verify (failed: V-" in refused.stderr
    assert "run `clearcount verify" in refused.stderr


def test_a_trigger_report_needs_a_trigger_declaration(records: dict[str, Path]) -> None:
    with pytest.raises(UnfitError, match="is not a trigger ballot declaration"):
        make_document(records["preferential"], "trigger-report")


def _evidence(path: Path, head: str, appeal: dict[str, object]) -> Path:
    files = {
        "appeal.json": json.dumps(appeal).encode(),
        "audit-log.jsonl": b'{"at": "2031-05-16T09:00:00Z", "actor": "Jo Hale", '
        b'"action": "appeal-evidence", "note": "bundle for the panel"}\n',
    }
    sums = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
    files["MANIFEST.json"] = json.dumps({"record_head": head, "sha256": sums}).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def test_the_appeal_bundle_adds_the_panels_evidence_of_this_record_only(
    verified: dict[str, VerifiedRecord], tmp_path: Path
) -> None:
    record = verified["preferential"]
    head = record.verification.record_hash
    appeal = {"appeal_id": "A-1", "appellant": "Rosa Quarry", "grounds": "late papers counted",
              "lodged_at": "2031-05-16T08:00:00Z", "decision": None}  # fmt: skip
    document = make_document(
        record, "appeal-bundle", evidence=_evidence(tmp_path / "e.zip", head, appeal)
    )
    text = pdf_text(render(document, "pdf"))
    assert "5. Appeal and audit log entries" in text
    assert "Grounds late papers counted" in text
    assert "Jo Hale appeal-evidence" in text
    other = _evidence(tmp_path / "other.zip", "ab" * 32, appeal)
    with pytest.raises(ConfigError, match="not of this record"):
        make_document(record, "appeal-bundle", evidence=other)
    with pytest.raises(ConfigError, match="only for --kind appeal-bundle"):
        make_document(record, "declaration", evidence=other)
