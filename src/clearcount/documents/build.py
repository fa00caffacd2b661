"""From a record on disk to a document: verify first, then build, then render (issue 10).

`make_document(record, kind)` runs the independent verifier on the record (spec §12) and refuses,
with one line naming the failed checks, a record that does not verify: a notice or a declaration
is only ever made from a verified record, and states the verdict and the record's hash. It then
builds the kind's model in `reports` and `render(document, format)` lays it out (PDF here, HTML,
JSON, CSV in `reports.document_formats`). A trigger ballot's RECORD is its declaration (JSON):
the election's record beside it (named by its election id) is verified with it
(`verifier.trigger.verify_trigger`), and the report is built from the branches' contests in that
verified record and the affiliates' signed votes through `verifier.trigger_document`.
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from clearcount.core.errors import ClearcountError, ConfigError
from clearcount.core.json_text import load_json
from clearcount.documents.pdf import render_pdf
from clearcount.record.archive import decode_events, read_record_bytes
from clearcount.record.chain import Event
from clearcount.record.trigger_signed import AffiliateVoteAct
from clearcount.reports.appeal_bundle import AppealEvidence, Bundle, appeal_bundle
from clearcount.reports.ballot_facts import BallotFacts, ballot_facts
from clearcount.reports.declaration import declaration
from clearcount.reports.document import CheckLine, Document, Verification
from clearcount.reports.document_formats import document_csv, document_html, document_json
from clearcount.reports.statutory_fields import KINDS
from clearcount.reports.trigger_report import trigger_report
from clearcount.reports.union_documents import (
    UnfitError,
    employer_231a,
    notice_226a,
    report_s52,
    result_231,
    scrutineer_231b,
)
from clearcount.verifier.report import CheckOutcome, Report
from clearcount.verifier.runner import verify_events
from clearcount.verifier.trigger import verify_trigger
from clearcount.verifier.trigger_document import FORMAT as TRIGGER_FORMAT
from clearcount.verifier.trigger_document import AffiliateEntry

__all__ = [
    "FORMATS",
    "NotVerifiedError",
    "UnfitError",
    "VerifiedRecord",
    "make_document",
    "read_evidence",
    "read_verified",
    "render",
    "suffix",
]

FORMATS = ("pdf", "html", "csv", "json")

Builder = Callable[[BallotFacts, Verification], Document | Bundle]
_BUILDERS: Mapping[str, Builder] = {
    "notice-226a": notice_226a,
    "result-231": result_231,
    "employer-231a": employer_231a,
    "scrutineer-231b": scrutineer_231b,
    "s52": report_s52,
    "declaration": declaration,
    "appeal-bundle": appeal_bundle,
}


class NotVerifiedError(ConfigError):
    """The record does not verify: no document is made from it."""


@dataclass(frozen=True, slots=True)
class VerifiedRecord:
    """An election record read and verified once, for every kind of document made from it."""

    path: Path
    facts: BallotFacts
    verification: Verification


def _lines(outcomes: Sequence[CheckOutcome]) -> tuple[CheckLine, ...]:
    return tuple(
        CheckLine(o.spec.id, o.spec.section, o.spec.title, o.status.value, o.detail)
        for o in outcomes
    )


def _refuse(record: Path, failed: Sequence[CheckOutcome]) -> NotVerifiedError:
    ids = ", ".join(o.spec.id for o in failed) or "an essential check did not run"
    return NotVerifiedError(
        f"{record}: the record does not verify (failed: {ids}); documents are made only from "
        f"a verified record: run `clearcount verify {record}` to see why"
    )


def _declaration_document(path: Path) -> dict[str, object] | None:
    """The trigger declaration at `path`, or None when it is not one."""
    if not path.is_file() or path.suffix != ".json":
        return None
    try:
        document = load_json(path.read_bytes())
    except (OSError, ValueError):
        return None
    fmt = document.get("format") if isinstance(document, dict) else None
    if isinstance(fmt, str) and fmt.split("/")[0] == TRIGGER_FORMAT.split("/")[0]:
        return dict(document)
    return None


def read_verified(record: Path, *, workers: int | None = None) -> VerifiedRecord:
    """Read and verify an election record (NotVerifiedError when it does not verify)."""
    if _declaration_document(record) is not None:
        raise UnfitError(
            f"{record}: a trigger ballot declaration; use --kind trigger-report (its branch "
            "records are read from the same folder)"
        )
    try:
        events: tuple[Event, ...] = decode_events(read_record_bytes(record), str(record))
    except ClearcountError as error:
        raise NotVerifiedError(f"{record}: unreadable record: {error}") from None
    report: Report = verify_events(events, workers=workers)
    if not report.ok:
        raise _refuse(record, report.failed())
    verification = Verification(
        True, report.head or "", report.events, _lines(report.outcomes), report.fingerprint
    )
    return VerifiedRecord(record, ballot_facts(events), verification)


def _default_records(path: Path, document: Mapping[str, object]) -> list[Path]:
    """The records beside the declaration named by the election ids it gives (one election
    record, or one per branch in the older format)."""
    bodies = document.get("bodies")
    listed = bodies.get("branches") if isinstance(bodies, Mapping) else None
    ids = [document.get("election_id")]
    ids += (
        [b.get("election_id") for b in listed if isinstance(b, Mapping)]
        if isinstance(listed, list)
        else []
    )
    found = [path.parent / i for i in dict.fromkeys(ids) if isinstance(i, str) and i]
    return [p for p in found if p.exists()]


def _trigger(path: Path, branch_records: Sequence[Path], workers: int | None) -> Document:
    """The report of a verified trigger declaration: its count is the one V-TRIG-COUNT-1 found
    equal to `verifier.trigger_document.trigger_count`'s recount from the verified records."""
    document = _declaration_document(path)
    if document is None:
        raise UnfitError(
            f"--kind trigger-report: {path} is not a trigger ballot declaration (a JSON file of "
            f"format {TRIGGER_FORMAT}); give the declaration the trigger commands wrote"
        )
    records = list(branch_records) or _default_records(path, document)
    report = verify_trigger(path, records, workers=workers)
    if not report.ok:
        raise _refuse(path, report.failed())
    listed = document.get("branches")
    branches = [
        (str(b.get("name")), _int(b.get("yes")), _int(b.get("no")),
         str(b.get("record_head") or b.get("contest") or ""))
        for b in (listed if isinstance(listed, list) else [])
        if isinstance(b, Mapping)
    ]  # fmt: skip
    votes = document.get("affiliates")
    acts = [AffiliateVoteAct.from_json(a) for a in (votes if isinstance(votes, list) else [])]
    affiliates = [(a.name, a.vote, a.officer) for a in map(AffiliateEntry.signed, acts)]
    affiliates += _abstained(document, {name for name, _, _ in affiliates})
    count = document.get("count")
    verification = Verification(
        True, report.declaration_hash or "", len(records), _lines(report.outcomes)
    )
    return trigger_report(
        document,
        branches,
        affiliates,
        count if isinstance(count, Mapping) else {},
        verification,
    )


def _abstained(
    document: Mapping[str, object], voted: set[str]
) -> list[tuple[str, str | None, str | None]]:
    """Listed affiliates without a signed vote (format /3 records the officer's abstentions)."""
    bodies = document.get("bodies")
    listed = bodies.get("affiliates") if isinstance(bodies, Mapping) else None
    names = [str(a.get("name")) for a in listed or [] if isinstance(a, Mapping)]
    return [(name, None, None) for name in names if name not in voted]


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def read_evidence(path: Path, record_hash: str) -> AppealEvidence:
    """The complaint and audit entries of `clearcount appeal evidence`'s zip, when its MANIFEST
    names this record's head and every file's SHA-256 matches (ConfigError otherwise)."""
    try:
        with zipfile.ZipFile(path) as archive:
            files = {name: archive.read(name) for name in archive.namelist()}
        manifest = load_json(files["MANIFEST.json"])
        appeal = load_json(files["appeal.json"])
        lines = files["audit-log.jsonl"].decode("utf-8").splitlines()
        audit = tuple(load_json(line) for line in lines if line.strip())
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as error:
        raise ConfigError(
            f"--evidence {path}: expected the zip `clearcount appeal evidence` writes "
            f"(MANIFEST.json, appeal.json, audit-log.jsonl): {error}"
        ) from None
    if manifest.get("record_head") != record_hash:
        raise ConfigError(
            f"--evidence {path}: it is the evidence of record head "
            f"{manifest.get('record_head')}, not of this record ({record_hash})"
        )
    sums = manifest.get("sha256") if isinstance(manifest.get("sha256"), dict) else {}
    for name in ("appeal.json", "audit-log.jsonl"):
        if sums.get(name) != hashlib.sha256(files[name]).hexdigest():
            raise ConfigError(f"--evidence {path}: {name} does not match its MANIFEST SHA-256")
    return AppealEvidence(appeal, audit)


def make_document(
    record: Path | VerifiedRecord,
    kind: str,
    *,
    branch_records: Sequence[Path] = (),
    evidence: Path | None = None,
    workers: int | None = None,
) -> Document | Bundle:
    """The document of `kind` made from `record` (module docstring)."""
    if kind not in KINDS:
        raise ConfigError(f"--kind: expected one of {', '.join(KINDS)}, got {kind!r}")
    if evidence is not None and kind != "appeal-bundle":
        raise ConfigError(f"--evidence: only for --kind appeal-bundle, not {kind}")
    if kind == "trigger-report":
        path = record.path if isinstance(record, VerifiedRecord) else record
        return _trigger(path, branch_records, workers)
    verified = (
        record if isinstance(record, VerifiedRecord) else read_verified(record, workers=workers)
    )
    if evidence is not None:
        found = read_evidence(evidence, verified.verification.record_hash)
        return appeal_bundle(verified.facts, verified.verification, found)
    return _BUILDERS[kind](verified.facts, verified.verification)


def render(document: Document | Bundle, fmt: str) -> bytes:
    """The document's bytes in `fmt` (pdf, html, csv, json)."""
    if fmt == "pdf":
        return render_pdf(document)
    if fmt == "html":
        return document_html(document).encode("utf-8")
    if fmt == "csv":
        return document_csv(document).encode("utf-8")
    if fmt == "json":
        return document_json(document).encode("utf-8")
    raise ConfigError(f"--format: expected one of {', '.join(FORMATS)}, got {fmt!r}")


def suffix(fmt: str) -> str:
    return f".{fmt}"
