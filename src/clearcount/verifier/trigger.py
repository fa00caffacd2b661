"""Verifying a trigger declaration against its branches' records and its signatures (issues 5, 8).

    report = verify_trigger(Path("declaration.json"), [Path("north.zip"), Path("south.zip")])
    report.ok, report.failed()

The declaration carries the returning officer's signed list of the bodies taking part
(`record.trigger_signed.BodiesList`: the branches with their elections' Setup hashes, the
affiliates with their officers' public keys, fixed before any branch election opened) and each
affiliate's vote or abstention, signed by its own officer with the affiliate's key. The checks:
the list's signature and that it is this ballot's; that it was fixed before opening (each
branch's Setup hash as listed, the list no later than each election opens); that every listed
body is accounted for and no unlisted body counts; every affiliate signature under the listed
key; that every vote names this ballot and this list (a vote replayed from another trigger
ballot, or a list changed after the affiliates voted, fails); then each branch record in full
(`verify_record`), its final event hash and Yes/No tallies, and the count recomputed with
`counting.trigger_ballot.count_bodies` under the list's profile (`trigger_document`) equal to
the declared count and verdict. The check ids are listed in docs/verifier.md and
docs/spec/12-verifier.md §12.9.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from clearcount.core.canonical import canonical_json, parse_canonical
from clearcount.core.errors import ClearcountError
from clearcount.record.archive import decode_events, read_record_bytes
from clearcount.record.result_body import result_decisions
from clearcount.record.trigger_signed import AffiliateVoteAct, BodiesList
from clearcount.verifier.registry import CheckSpec
from clearcount.verifier.report import CheckOutcome, Finding, Report, Status
from clearcount.verifier.runner import verify_record
from clearcount.verifier.trigger_document import (
    FORMAT,
    AffiliateEntry,
    BranchEntry,
    BranchSetup,
    branch_setup,
    branch_tallies,
    document_hash,
    trigger_count,
)

__all__ = [
    "TRIGGER_CATALOGUE",
    "TriggerReport",
    "read_declaration",
    "verify_trigger",
    "verify_trigger_document",
]

_SECTION = "§12.9"
TRIGGER_CATALOGUE: tuple[CheckSpec, ...] = (
    CheckSpec(
        "V-TRIG-READ-1",
        _SECTION,
        "declaration readable",
        "the declaration is canonical JSON of format clearcount-trigger-declaration/2 with its "
        "signed bodies list, branches (name, election id, record head, yes, no), signed "
        "affiliate votes, triggered, verdict and count",
        True,
    ),
    CheckSpec(
        "V-TRIG-BODIES-1",
        _SECTION,
        "bodies list signed by the officer",
        "the officer's Schnorr signature (purpose trigger-bodies) over the bodies list holds "
        "under the list's officer_key; the list's trigger id, title, organisation and profile "
        "are the declaration's; every branch record's Setup lists that key as its returning "
        "officer's",
        True,
    ),
    CheckSpec(
        "V-TRIG-FIXED-1",
        _SECTION,
        "bodies fixed before opening",
        "each listed branch's setup_hash is the hash of its record's Setup event, and the "
        "list's fixed_at is no later than that election's opening time (Setup.opens)",
        True,
    ),
    CheckSpec(
        "V-TRIG-LISTED-1",
        _SECTION,
        "every listed body accounted for, no other",
        "the declared branches are the listed branches (same names and election ids, each "
        "once), and the declared affiliate votes are one signed vote or abstention for each "
        "listed affiliate and for no other body",
        True,
    ),
    CheckSpec(
        "V-TRIG-AFFSIG-1",
        _SECTION,
        "affiliate votes signed",
        "each affiliate vote's Schnorr signature (purpose trigger-affiliate-vote) holds under "
        "the key the signed list gives that affiliate",
        True,
    ),
    CheckSpec(
        "V-TRIG-AFFBIND-1",
        _SECTION,
        "affiliate votes bound to this ballot",
        "each affiliate vote names this trigger ballot's id and the SHA-256 of this signed "
        "bodies list (a vote from another trigger ballot, or a list changed after the "
        "affiliates voted, fails)",
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
        "count_bodies under the signed list's profile and options, over each branch's members' "
        "Yes/No from its record and each affiliate's signed vote (abstain: no vote), equals "
        "the declared count in its numbers and decisions (§11.9.2)",
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


@dataclass(frozen=True, slots=True)
class _Declaration:
    document: dict[str, object]
    bodies: BodiesList
    branches: list[BranchEntry]
    votes: list[AffiliateVoteAct]


MAX_DECLARATION_BYTES = 16 * 2**20
"""A declaration lists bodies, votes and a recount: kilobytes. A larger file is refused
(V-TRIG-READ-1) before it is parsed, as a hostile record is (spec §10.3)."""


def _read(data: bytes) -> _Declaration:
    if len(data) > MAX_DECLARATION_BYTES:
        raise ClearcountError(
            f"declaration: expected at most {MAX_DECLARATION_BYTES} bytes, got more "
            "(not a declaration clearcount writes)"
        )
    document = parse_canonical(data)
    if not isinstance(document, dict):
        raise ClearcountError("declaration: expected a JSON object")
    if canonical_json(document) != data:
        raise ClearcountError("declaration: expected canonical JSON (RFC 8785) bytes")
    if document.get("format") != FORMAT:
        raise ClearcountError(
            f"declaration.format: expected {FORMAT!r}, got {document.get('format')!r}"
        )
    for key in (
        "trigger_id",
        "title",
        "organisation",
        "profile",
        "bodies",
        "branches",
        "affiliates",
        "triggered",
        "verdict",
        "count",
    ):
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
    votes = [
        AffiliateVoteAct.from_json(a, f"declaration.affiliates[{i}]")
        for i, a in enumerate(raw_affiliates)
    ]
    for key in ("trigger_id", "title", "organisation", "profile"):
        _text(document[key], f"declaration.{key}")
    bodies = BodiesList.from_json(document["bodies"], "declaration.bodies")
    return _Declaration(document, bodies, branches, votes)


def read_declaration(data: bytes) -> _Declaration:
    """The declaration as V-TRIG-READ-1 reads it (ClearcountError if it cannot): its document,
    signed bodies list, branches and affiliate votes, for pages that show it as checked."""
    return _read(data)


def _check_bodies(read: _Declaration, setups: Mapping[str, BranchSetup]) -> list[str]:
    bodies, document = read.bodies, read.document
    problems = []
    try:
        bodies.verify()
    except ClearcountError as error:
        problems.append(str(error))
    mine = {
        "trigger_id": bodies.trigger_id,
        "title": bodies.title,
        "organisation": bodies.organisation,
        "profile": bodies.profile,
    }
    problems += [
        f"bodies.{key}: {value!r}, but the declaration's {key} is {document[key]!r}"
        for key, value in mine.items()
        if document[key] != value
    ]
    officer = bytes(bodies.officer_key.to_bytes()).hex()
    problems += [
        f"record of election {eid!r}: its Setup lists returning officer key {s.officer_key}, "
        f"not the list's officer_key {officer}"
        for eid, s in setups.items()
        if s.officer_key != officer
    ]
    return problems


def _check_fixed(bodies: BodiesList, setups: Mapping[str, BranchSetup]) -> list[str]:
    problems = []
    for b in bodies.branches:
        setup = setups.get(b.election_id)
        if setup is None:
            continue  # V-TRIG-BRANCH-1 reports the missing record
        if setup.setup_hash != b.setup_hash:
            problems.append(
                f"branch {b.name!r}: listed setup_hash {b.setup_hash}, but its record's Setup "
                f"event hash is {setup.setup_hash} (another election than the one listed)"
            )
        if datetime.fromisoformat(bodies.fixed_at) > datetime.fromisoformat(setup.opens):
            problems.append(
                f"branch {b.name!r}: the list was fixed at {bodies.fixed_at}, after election "
                f"{b.election_id!r} opened at {setup.opens}"
            )
    return problems


def _check_listed(read: _Declaration) -> list[str]:
    bodies = read.bodies
    listed = [(b.name, b.election_id) for b in bodies.branches]
    declared = [(b.name, b.election_id) for b in read.branches]
    problems = [
        f"branch {n!r} (election {e!r}): listed, but not declared"
        for n, e in listed
        if (n, e) not in declared
    ]
    problems += [
        f"branch {n!r} (election {e!r}): declared, but not in the signed list of bodies"
        for n, e in declared
        if (n, e) not in listed
    ]
    problems += [
        f"branch {n!r}: declared {declared.count((n, e))} times"
        for n, e in set(declared)
        if declared.count((n, e)) > 1
    ]
    names = [a.name for a in bodies.affiliates]
    voted = [v.affiliate for v in read.votes]
    problems += [
        f"affiliate {n!r}: listed, but no signed vote or abstention is declared"
        for n in names
        if n not in voted
    ]
    problems += [
        f"affiliate {n!r}: a vote is declared, but it is not in the signed list of bodies"
        for n in voted
        if n not in names
    ]
    problems += [
        f"affiliate {n!r}: {voted.count(n)} votes declared, expected one"
        for n in sorted(set(voted))
        if voted.count(n) > 1
    ]
    return problems


def _check_signatures(read: _Declaration) -> list[str]:
    problems = []
    for vote in read.votes:
        listed = read.bodies.affiliate(vote.affiliate)
        if listed is None:
            continue  # V-TRIG-LISTED-1 reports it
        try:
            vote.verify(listed.key)
        except ClearcountError as error:
            problems.append(str(error))
    return problems


def _check_binding(read: _Declaration) -> list[str]:
    bodies = read.bodies
    problems = []
    for vote in read.votes:
        if vote.trigger_id != bodies.trigger_id:
            problems.append(
                f"affiliate {vote.affiliate!r}: the vote was signed for trigger ballot "
                f"{vote.trigger_id!r}, not {bodies.trigger_id!r} (replayed from another ballot)"
            )
        elif vote.bodies != bodies.hash:
            problems.append(
                f"affiliate {vote.affiliate!r}: the vote was signed under bodies list "
                f"{vote.bodies[:16]}…, not this one ({bodies.hash[:16]}…): the list was changed "
                "after the affiliate voted"
            )
    return problems


def _records(
    records: Mapping[str, tuple[Report, bytes]],
) -> tuple[dict[str, BranchEntry], dict[str, BranchSetup], list[str]]:
    found: dict[str, BranchEntry] = {}
    setups: dict[str, BranchSetup] = {}
    problems: list[str] = []
    for path, (_, raw) in records.items():
        try:
            events = decode_events(raw, path)
            entry = branch_tallies(events, "?", path)
            setup = branch_setup(events, path)
        except ClearcountError as error:
            problems.append(str(error))
            continue
        if entry.election_id in found:
            problems.append(f"{path}: a second record of election {entry.election_id!r}")
        found[entry.election_id] = entry
        setups[entry.election_id] = setup
    return found, setups, problems


def verify_trigger_document(
    data: bytes, records: Mapping[str, tuple[Report, bytes]]
) -> TriggerReport:
    """Check a declaration's bytes against the branch records (path -> (report, bytes))."""
    reports = tuple((path, report) for path, (report, _) in records.items())
    try:
        read = _read(data)
    except ClearcountError as error:
        first = _outcome("V-TRIG-READ-1", [str(error)])
        rest = [_skipped(c.id, "the declaration is unreadable") for c in TRIGGER_CATALOGUE[1:]]
        return TriggerReport((first, *rest), reports, None)
    document, bodies, branches = read.document, read.bodies, read.branches
    found, setups, problems = _records(records)
    outcomes = [
        _outcome(
            "V-TRIG-READ-1",
            [],
            f"{len(branches)} branches, {len(read.votes)} affiliate votes, "
            f"profile {document['profile']}",
        ),
        _outcome(
            "V-TRIG-BODIES-1",
            _check_bodies(read, setups),
            f"{len(bodies.branches)} branches and {len(bodies.affiliates)} affiliates listed "
            f"by {bodies.officer}",
        ),
        _outcome("V-TRIG-FIXED-1", _check_fixed(bodies, setups), f"fixed at {bodies.fixed_at}"),
        _outcome("V-TRIG-LISTED-1", _check_listed(read)),
        _outcome("V-TRIG-AFFSIG-1", _check_signatures(read), f"{len(read.votes)} signatures"),
        _outcome("V-TRIG-AFFBIND-1", _check_binding(read), f"bodies list {bodies.hash[:16]}…"),
        _outcome(
            "V-TRIG-RECORD-1",
            [f"{path}: {len(r.failed())} checks failed" for path, r in reports if not r.ok],
            f"{len(reports)} records",
        ),
    ]
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
    outcomes += _recount(read, matched)
    return TriggerReport(tuple(outcomes), reports, document_hash(document))


def _recount(
    read: _Declaration, matched: Sequence[tuple[BranchEntry, BranchEntry]]
) -> list[CheckOutcome]:
    """V-TRIG-COUNT-1 and V-TRIG-VERDICT-1: the count from the records and the signed votes."""
    if len(matched) != len(read.branches):
        why = "a declared branch has no record"
        return [_skipped("V-TRIG-COUNT-1", why), _skipped("V-TRIG-VERDICT-1", why)]
    document, bodies = read.document, read.bodies
    from_records = [
        BranchEntry(b.name, b.election_id, r.record_head, r.yes, r.no) for b, r in matched
    ]
    affiliates = [AffiliateEntry.signed(v) for v in read.votes]
    try:
        count = trigger_count(bodies.profile, from_records, affiliates, bodies.options)
    except ClearcountError as error:
        return [
            _outcome("V-TRIG-COUNT-1", [f"cannot recount: {error}"]),
            _skipped("V-TRIG-VERDICT-1", "no recount"),
        ]
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
    outcome = count["outcome"]
    assert isinstance(outcome, dict)
    return [
        _outcome("V-TRIG-COUNT-1", differences, "recounted with count_bodies"),
        _outcome(
            "V-TRIG-VERDICT-1",
            [
                f"{key}: declared {document[key]!r}, recomputed {outcome[key]!r}"
                for key in ("triggered",)
                if document[key] != outcome[key]
            ],
            _reading(outcome),
        ),
    ]


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
    with declaration.open("rb") as file:
        data = file.read(MAX_DECLARATION_BYTES + 1)
    given: dict[str, tuple[Report, bytes]] = {}
    for number, path in enumerate(records, start=1):
        report = verify_record(path, workers=workers)
        try:
            raw = read_record_bytes(path)
        except ClearcountError:
            raw = b""
        # the same file named twice is two records given: V-TRIG-BRANCH-1 wants exactly one
        key = str(path) if str(path) not in given else f"{path} (given again, argument {number})"
        given[key] = (report, raw)
    return verify_trigger_document(data, given)
