"""Verifying a trigger declaration against its branches' election records (issue 5).

    report = verify_trigger(Path("declaration.json"), [Path("north.zip"), Path("south.zip")])
    report.ok, report.failed()

Each branch record is verified in full (`verify_record`); then the declaration is checked
against the records: one record per declared branch (matched by election id), the record's
final event hash and its declared Yes/No tallies as declared, and the count recomputed with
`counting.trigger_ballot.count_bodies` from the records' tallies and the declared affiliate
votes (`trigger_document.trigger_count`) equal to the declared count and verdict. The check ids
are listed in docs/verifier.md and docs/spec/12-verifier.md.

The affiliates' votes are given by their officers, not by a record: the verifier checks that
the count follows from them, not that the officers gave them (the service's audit log does).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from clearcount.core.canonical import canonical_json, parse_canonical
from clearcount.core.errors import ClearcountError
from clearcount.record.archive import decode_events, read_record_bytes
from clearcount.record.result_body import result_decisions
from clearcount.verifier.registry import CheckSpec
from clearcount.verifier.report import CheckOutcome, Finding, Report, Status
from clearcount.verifier.runner import verify_record
from clearcount.verifier.trigger_document import (
    FORMAT,
    AffiliateEntry,
    BranchEntry,
    branch_tallies,
    document_hash,
    trigger_count,
)

__all__ = ["TRIGGER_CATALOGUE", "TriggerReport", "verify_trigger", "verify_trigger_document"]

_SECTION = "§12.9"
TRIGGER_CATALOGUE: tuple[CheckSpec, ...] = (
    CheckSpec(
        "V-TRIG-READ-1",
        _SECTION,
        "declaration readable",
        "the declaration is canonical JSON of format clearcount-trigger-declaration/1 with its "
        "profile, branches (name, election id, record head, yes, no), affiliates (name, vote, "
        "officer), triggered, verdict and count",
        True,
    ),
    CheckSpec(
        "V-TRIG-RECORD-1",
        _SECTION,
        "branch records verify",
        "every branch record given passes the election verifier (verify_record, all V- checks)",
        True,
    ),
    CheckSpec(
        "V-TRIG-BRANCH-1",
        _SECTION,
        "one record per branch",
        "each declared branch's election id is the Setup election id of exactly one record "
        "given, and every record given is a declared branch's",
        True,
    ),
    CheckSpec(
        "V-TRIG-HEAD-1",
        _SECTION,
        "record heads",
        "each branch's declared record_head is the hash of its record's final event (Result)",
    ),
    CheckSpec(
        "V-TRIG-TALLY-1",
        _SECTION,
        "branch tallies",
        "each branch's declared yes and no equal the Yes and No tallies of its record's Result",
    ),
    CheckSpec(
        "V-TRIG-COUNT-1",
        _SECTION,
        "declared count",
        "count_bodies under the declared profile, over each branch's members' Yes/No from its "
        "record and each affiliate's declared vote, equals the declared count in its numbers "
        "and decisions (§11.9.2)",
    ),
    CheckSpec(
        "V-TRIG-VERDICT-1",
        _SECTION,
        "verdict",
        "the declaration's triggered equals that of the recomputed count (the verdict text is "
        "wording, §11.9.2)",
    ),
)
_SPECS = {check.id: check for check in TRIGGER_CATALOGUE}


@dataclass(frozen=True, slots=True)
class TriggerReport:
    """Each trigger check's outcome, and each branch record's own report (by path)."""

    outcomes: tuple[CheckOutcome, ...]
    records: tuple[tuple[str, Report], ...]
    declaration_hash: str | None

    @property
    def ok(self) -> bool:
        """No check failed, and every essential check passed."""
        if any(o.status is Status.FAILED for o in self.outcomes):
            return False
        return all(o.status is Status.PASSED for o in self.outcomes if o.spec.essential)

    def failed(self) -> tuple[CheckOutcome, ...]:
        return tuple(o for o in self.outcomes if o.status is Status.FAILED)

    def outcome(self, check_id: str) -> CheckOutcome:
        for outcome in self.outcomes:
            if outcome.spec.id == check_id:
                return outcome
        raise KeyError(check_id)


def _outcome(check_id: str, findings: Sequence[str], detail: str = "") -> CheckOutcome:
    spec = _SPECS[check_id]
    if findings:
        return CheckOutcome(spec, Status.FAILED, tuple(Finding(f) for f in findings), detail)
    return CheckOutcome(spec, Status.PASSED, detail=detail)


def _skipped(check_id: str, why: str) -> CheckOutcome:
    return CheckOutcome(_SPECS[check_id], Status.SKIPPED, detail=why)


def _text(value: object, path: str) -> str:
    if not isinstance(value, str):
        raise ClearcountError(f"{path}: expected a string, got {value!r}")
    return value


def _count(value: object, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ClearcountError(f"{path}: expected a whole number >= 0, got {value!r}")
    return value


def _read(data: bytes) -> tuple[dict[str, object], list[BranchEntry], list[AffiliateEntry]]:
    document = parse_canonical(data)
    if not isinstance(document, dict):
        raise ClearcountError("declaration: expected a JSON object")
    if canonical_json(document) != data:
        raise ClearcountError("declaration: expected canonical JSON (RFC 8785) bytes")
    if document.get("format") != FORMAT:
        raise ClearcountError(
            f"declaration.format: expected {FORMAT!r}, got {document.get('format')!r}"
        )
    for key in ("profile", "branches", "affiliates", "triggered", "verdict", "count"):
        if key not in document:
            raise ClearcountError(f"declaration.{key}: missing")
    raw_branches, raw_affiliates = document["branches"], document["affiliates"]
    if not isinstance(raw_branches, list) or not isinstance(raw_affiliates, list):
        raise ClearcountError("declaration.branches/affiliates: expected arrays")
    branches = []
    for i, b in enumerate(raw_branches):
        path = f"declaration.branches[{i}]"
        if not isinstance(b, dict):
            raise ClearcountError(f"{path}: expected an object, got {b!r}")
        branches.append(
            BranchEntry(
                _text(b.get("name"), f"{path}.name"),
                _text(b.get("election_id"), f"{path}.election_id"),
                _text(b.get("record_head"), f"{path}.record_head"),
                _count(b.get("yes"), f"{path}.yes"),
                _count(b.get("no"), f"{path}.no"),
            )
        )
    affiliates = []
    for i, a in enumerate(raw_affiliates):
        path = f"declaration.affiliates[{i}]"
        if not isinstance(a, dict) or a.get("vote") not in ("yes", "no", None):
            raise ClearcountError(f"{path}: expected name, vote (yes, no or null), officer")
        officer = a.get("officer")
        vote = a.get("vote")
        affiliates.append(
            AffiliateEntry(
                _text(a.get("name"), f"{path}.name"),
                None if vote is None else str(vote),
                None if officer is None else _text(officer, f"{path}.officer"),
            )
        )
    _text(document["profile"], "declaration.profile")
    return document, branches, affiliates


def verify_trigger_document(
    data: bytes, records: Mapping[str, tuple[Report, bytes]]
) -> TriggerReport:
    """Check a declaration's bytes against the branch records (path -> (report, bytes))."""
    reports = tuple((path, report) for path, (report, _) in records.items())
    try:
        document, branches, affiliates = _read(data)
    except ClearcountError as error:
        read = _outcome("V-TRIG-READ-1", [str(error)])
        rest = [_skipped(c.id, "the declaration is unreadable") for c in TRIGGER_CATALOGUE[1:]]
        return TriggerReport((read, *rest), reports, None)
    outcomes = [
        _outcome(
            "V-TRIG-READ-1",
            [],
            f"{len(branches)} branches, "
            f"{len(affiliates)} affiliates, profile {document['profile']}",
        )
    ]
    outcomes.append(
        _outcome(
            "V-TRIG-RECORD-1",
            [f"{path}: {len(r.failed())} checks failed" for path, r in reports if not r.ok],
            f"{len(reports)} records",
        )
    )
    found: dict[str, BranchEntry] = {}
    problems: list[str] = []
    for path, (_, raw) in records.items():
        try:
            events = decode_events(raw, path)
            entry = branch_tallies(events, "?", path)
        except ClearcountError as error:
            problems.append(str(error))
            continue
        if entry.election_id in found:
            problems.append(f"{path}: a second record of election {entry.election_id!r}")
        found[entry.election_id] = entry
    declared_ids = [b.election_id for b in branches]
    problems += [
        f"branch {b.name!r}: no record given of election {b.election_id!r}"
        for b in branches
        if b.election_id not in found
    ]
    problems += [
        f"record of election {e!r}: not a declared branch" for e in found if e not in declared_ids
    ]
    outcomes.append(_outcome("V-TRIG-BRANCH-1", problems, f"{len(found)} branch records"))
    matched = [(b, found[b.election_id]) for b in branches if b.election_id in found]
    outcomes.append(
        _outcome(
            "V-TRIG-HEAD-1",
            [
                f"branch {b.name!r}: declared record_head {b.record_head}, "
                f"record's final event {r.record_head}"
                for b, r in matched
                if b.record_head != r.record_head
            ],
        )
    )
    outcomes.append(
        _outcome(
            "V-TRIG-TALLY-1",
            [
                f"branch {b.name!r}: declared yes {b.yes}, no {b.no}; "
                f"record's Result Yes {r.yes}, No {r.no}"
                for b, r in matched
                if (b.yes, b.no) != (r.yes, r.no)
            ],
        )
    )
    if len(matched) != len(branches):
        why = "a declared branch has no record"
        outcomes += [_skipped("V-TRIG-COUNT-1", why), _skipped("V-TRIG-VERDICT-1", why)]
        return TriggerReport(tuple(outcomes), reports, document_hash(document))
    from_records = [
        BranchEntry(b.name, b.election_id, r.record_head, r.yes, r.no) for b, r in matched
    ]
    try:
        count = trigger_count(str(document["profile"]), from_records, affiliates)
    except ClearcountError as error:
        outcomes.append(_outcome("V-TRIG-COUNT-1", [f"cannot recount: {error}"]))
        outcomes.append(_skipped("V-TRIG-VERDICT-1", "no recount"))
        return TriggerReport(tuple(outcomes), reports, document_hash(document))
    declared = document["count"]
    differences = []
    if not isinstance(declared, dict):
        differences.append("declared count: expected an object")
    else:
        names = [str(name) for name in _names(count)]
        mine, theirs = result_decisions(count, names), result_decisions(declared, names)
        differences += [
            f"count.{key}: declared {theirs.get(key)!r:.200}, recomputed {value!r:.200}"
            for key, value in mine.items()
            if canonical_json(theirs.get(key)) != canonical_json(value)
        ]
    outcomes.append(_outcome("V-TRIG-COUNT-1", differences, "recounted with count_bodies"))
    outcome = count["outcome"]
    assert isinstance(outcome, dict)
    outcomes.append(
        _outcome(
            "V-TRIG-VERDICT-1",
            [
                f"{key}: declared {document[key]!r}, recomputed {outcome[key]!r}"
                for key in ("triggered",)
                if document[key] != outcome[key]
            ],
            _reading(outcome),
        )
    )
    return TriggerReport(tuple(outcomes), reports, document_hash(document))


def _reading(outcome: Mapping[str, object]) -> str:
    """The recount read out: the college's sections and total (labour-2021), then the verdict."""
    college = outcome.get("college")
    summary = college.get("summary") if isinstance(college, dict) else None
    return f"recounted {summary}; {outcome['verdict']}" if summary else str(outcome["verdict"])


def _names(count: Mapping[str, object]) -> list[object]:
    candidates = count.get("candidates")
    return list(candidates) if isinstance(candidates, list) else []


def verify_trigger(
    declaration: Path, records: Sequence[Path], *, workers: int | None = None
) -> TriggerReport:
    """Verify every branch record, then the declaration at `declaration` against them."""
    data = declaration.read_bytes()
    given: dict[str, tuple[Report, bytes]] = {}
    for path in records:
        report = verify_record(path, workers=workers)
        try:
            raw = read_record_bytes(path)
        except ClearcountError:
            raw = b""
        given[str(path)] = (report, raw)
    return verify_trigger_document(data, given)
