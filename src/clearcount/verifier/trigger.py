"""Verifying a trigger declaration against its election's record and its signatures (issues 5,
8, 11).

    report = verify_trigger(Path("declaration.json"), [Path("av-trigger-2031.zip")])
    report.ok, report.failed()

A trigger ballot is ONE election: one Setup, one key ceremony, one tally, with a yes/no contest
per party branch that only that branch's members may vote in (the roll's scopes, spec §10.4.1,
which the election verifier enforces on every ballot and paper). The declaration carries the
returning officer's signed list of the bodies (`record.trigger_signed.BodiesList`: the
election with its Setup hash, each branch with its contest, the affiliates with their officers'
public keys, fixed before the election opened), each affiliate's vote signed by its own officer
with the affiliate's key, and the returning officer's signed entries: an abstention for each
body that did not vote, the chair's casting vote for each tied branch. The checks: the list's
signature and that it is this ballot's; that it was fixed before opening; that the record is
the listed election and its contests and scopes are one per listed branch; that every listed
body is accounted for (a vote, or an abstention) and no other; every signature and binding;
that abstentions and casting votes are exactly where the record says a body did not vote or a
branch tied; then the record in full (`verify_record`), its final event hash and each branch's
Yes/No, and the count recomputed with `counting.trigger_ballot.count_bodies` under the list's
profile (`trigger_document`) equal to the declared count and verdict. The check ids are listed
in docs/verifier.md and docs/spec/12-verifier.md §12.9.
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
from clearcount.record.trigger_signed import (
    AbstentionAct,
    AffiliateVoteAct,
    BodiesList,
    CastingVoteAct,
)
from clearcount.verifier.registry import CheckSpec
from clearcount.verifier.report import CheckOutcome, Finding, Report, Status
from clearcount.verifier.runner import verify_record
from clearcount.verifier.trigger_document import (
    FORMAT,
    AffiliateEntry,
    BranchEntry,
    BranchSetup,
    branch_setup,
    document_hash,
    election_tallies,
    trigger_count,
    with_casting,
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
        "the declaration is canonical JSON of format clearcount-trigger-declaration/3 with its "
        "signed bodies list, election id, record head, branches (name, contest, yes, no), signed "
        "affiliate votes, signed abstentions, signed casting votes, triggered, verdict and count",
        True,
    ),
    CheckSpec(
        "V-TRIG-BODIES-1",
        _SECTION,
        "bodies list signed by the officer",
        "the officer's Schnorr signature (purpose trigger-bodies) over the bodies list holds "
        "under the list's officer_key; the list's trigger id, title, organisation, profile and "
        "election id are the declaration's; the record's Setup lists that key as its returning "
        "officer's",
        True,
    ),
    CheckSpec(
        "V-TRIG-FIXED-1",
        _SECTION,
        "bodies fixed before opening",
        "the list's setup_hash is the hash of the record's Setup event, and the list's fixed_at "
        "is no later than the election's opening time (Setup.opens)",
        True,
    ),
    CheckSpec(
        "V-TRIG-LISTED-1",
        _SECTION,
        "every listed body accounted for, no other",
        "the declared branches are the listed branches (same names and contests, each once), "
        "and each listed affiliate has exactly one signed vote or abstention, and no other body "
        "has a vote",
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
        "votes and entries bound to this ballot",
        "each affiliate vote, abstention and casting vote names this trigger ballot's id and the "
        "SHA-256 of this signed bodies list (one from another trigger ballot, or a list changed "
        "after it was signed, fails)",
        True,
    ),
    CheckSpec(
        "V-TRIG-OFFICER-1",
        _SECTION,
        "officer's entries signed",
        "each abstention's (purpose trigger-abstention) and casting vote's (purpose "
        "trigger-casting-vote) Schnorr signature holds under the list's officer_key",
        True,
    ),
    CheckSpec(
        "V-TRIG-ABSTAIN-1",
        _SECTION,
        "abstentions where no vote",
        "an abstention names each branch none of whose members voted (Yes and No both 0 in the "
        "record) and each listed affiliate with no signed vote, and no other body; at most one "
        "per body",
        True,
    ),
    CheckSpec(
        "V-TRIG-CASTING-1",
        _SECTION,
        "casting votes where tied",
        "under the list's body_tie casting-vote, exactly one casting vote for each branch whose "
        "members tied (Yes = No > 0 in the record), its yes and no the record's; none for a "
        "branch that did not tie, and none at all under another body_tie",
        True,
    ),
    CheckSpec(
        "V-TRIG-RECORD-1",
        _SECTION,
        "election record verifies",
        "the election record given passes the election verifier (verify_record, all V- checks, "
        "each ballot holding only its credential's branch contest, §10.4.1)",
        True,
    ),
    CheckSpec(
        "V-TRIG-BRANCH-1",
        _SECTION,
        "one election, a contest per branch",
        "exactly one record is given, of the listed election id; its Setup's contests are the "
        "listed branches' contests, each once, each yes-no with candidates Yes and No; its "
        "roll's scopes are one per branch contest, that contest alone (each branch's contest "
        "voted in by its own members only)",
        True,
    ),
    CheckSpec(
        "V-TRIG-HEAD-1",
        _SECTION,
        "record head",
        "the declared record_head is the hash of the record's final event (Result)",
    ),
    CheckSpec(
        "V-TRIG-TALLY-1",
        _SECTION,
        "branch tallies",
        "each branch's declared yes and no equal the Yes and No tallies of its contest in the "
        "record's Result",
    ),
    CheckSpec(
        "V-TRIG-COUNT-1",
        _SECTION,
        "declared count",
        "count_bodies under the signed list's profile and options, over each branch's members' "
        "Yes/No from the record (with its casting vote if tied) and each affiliate's signed vote "
        "(abstain or an abstention: no vote), equals the declared count in its numbers and "
        "decisions (§11.9.2)",
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
    """Each trigger check's outcome, and the election record's own report (by path)."""

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


def _array(document: Mapping[str, object], key: str) -> list[object]:
    value = document[key]
    if not isinstance(value, list):
        raise ClearcountError(f"declaration.{key}: expected an array")
    return value


@dataclass(frozen=True, slots=True)
class _Declaration:
    document: dict[str, object]
    bodies: BodiesList
    record_head: str
    branches: list[BranchEntry]
    votes: list[AffiliateVoteAct]
    abstentions: list[AbstentionAct]
    casting: list[CastingVoteAct]


MAX_DECLARATION_BYTES = 16 * 2**20
"""A declaration lists bodies, votes and a recount: kilobytes. A larger file is refused
(V-TRIG-READ-1) before it is parsed, as a hostile record is (spec §10.3)."""
_KEYS = (
    "trigger_id", "title", "organisation", "profile", "declared_at", "bodies", "election_id",
    "record_head", "branches", "affiliates", "abstentions", "casting_votes", "triggered",
    "verdict", "count",
)  # fmt: skip


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
    for key in _KEYS:
        if key not in document:
            raise ClearcountError(f"declaration.{key}: missing")
    branches = []
    for i, b in enumerate(_array(document, "branches")):
        path = f"declaration.branches[{i}]"
        if not isinstance(b, dict):
            raise ClearcountError(f"{path}: expected an object, got {b!r}")
        branches.append(
            BranchEntry(
                _text(b.get("name"), f"{path}.name"),
                _text(b.get("contest"), f"{path}.contest"),
                _count(b.get("yes"), f"{path}.yes"),
                _count(b.get("no"), f"{path}.no"),
            )
        )
    votes = [
        AffiliateVoteAct.from_json(a, f"declaration.affiliates[{i}]")
        for i, a in enumerate(_array(document, "affiliates"))
    ]
    abstentions = [
        AbstentionAct.from_json(a, f"declaration.abstentions[{i}]")
        for i, a in enumerate(_array(document, "abstentions"))
    ]
    casting = [
        CastingVoteAct.from_json(c, f"declaration.casting_votes[{i}]")
        for i, c in enumerate(_array(document, "casting_votes"))
    ]
    for key in ("trigger_id", "title", "organisation", "profile", "election_id", "record_head"):
        _text(document[key], f"declaration.{key}")
    bodies = BodiesList.from_json(document["bodies"], "declaration.bodies")
    head = str(document["record_head"])
    return _Declaration(document, bodies, head, branches, votes, abstentions, casting)


def read_declaration(data: bytes) -> _Declaration:
    """The declaration as V-TRIG-READ-1 reads it (ClearcountError if it cannot): its document,
    signed bodies list, record head, branches, affiliate votes, abstentions and casting votes,
    for pages that show it as checked."""
    return _read(data)


def _check_bodies(read: _Declaration, setup: BranchSetup | None) -> list[str]:
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
        "election_id": bodies.election_id,
    }
    problems += [
        f"bodies.{key}: {value!r}, but the declaration's {key} is {document[key]!r}"
        for key, value in mine.items()
        if document[key] != value
    ]
    officer = bytes(bodies.officer_key.to_bytes()).hex()
    if setup is not None and setup.officer_key != officer:
        problems.append(
            f"record of election {setup.election_id!r}: its Setup lists returning officer key "
            f"{setup.officer_key}, not the list's officer_key {officer}"
        )
    return problems


def _check_fixed(bodies: BodiesList, setup: BranchSetup | None) -> list[str]:
    if setup is None:
        return []  # V-TRIG-BRANCH-1 reports the missing record
    problems = []
    if setup.setup_hash != bodies.setup_hash:
        problems.append(
            f"election {bodies.election_id!r}: listed setup_hash {bodies.setup_hash}, but the "
            f"record's Setup event hash is {setup.setup_hash} (another election or ceremony)"
        )
    if datetime.fromisoformat(bodies.fixed_at) > datetime.fromisoformat(setup.opens):
        problems.append(
            f"the list was fixed at {bodies.fixed_at}, after election {bodies.election_id!r} "
            f"opened at {setup.opens}"
        )
    return problems


def _repeats(names: Sequence[str], what: str) -> list[str]:
    return [
        f"{what} {n!r}: {names.count(n)} declared, expected one"
        for n in sorted(set(names))
        if names.count(n) > 1
    ]


def _check_listed(read: _Declaration) -> list[str]:
    bodies = read.bodies
    listed = [(b.name, b.contest) for b in bodies.branches]
    declared = [(b.name, b.contest) for b in read.branches]
    problems = [
        f"branch {n!r} (contest {c!r}): listed, but not declared"
        for n, c in listed
        if (n, c) not in declared
    ]
    problems += [
        f"branch {n!r} (contest {c!r}): declared, but not in the signed list of bodies"
        for n, c in declared
        if (n, c) not in listed
    ]
    problems += _repeats([n for n, _ in declared], "branch")
    names = [a.name for a in bodies.affiliates]
    voted = [v.affiliate for v in read.votes]
    absent = [a.body for a in read.abstentions]
    problems += [
        f"affiliate {n!r}: listed, but neither a signed vote nor an abstention is declared"
        for n in names
        if n not in voted and n not in absent
    ]
    problems += [
        f"affiliate {n!r}: a signed vote and an abstention are both declared"
        for n in names
        if n in voted and n in absent
    ]
    problems += [
        f"affiliate {n!r}: a vote is declared, but it is not in the signed list of bodies"
        for n in voted
        if n not in names
    ]
    problems += _repeats(voted, "vote of affiliate")
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


def _check_officer_entries(read: _Declaration) -> list[str]:
    problems = []
    key = read.bodies.officer_key
    entries: list[AbstentionAct | CastingVoteAct] = [*read.abstentions, *read.casting]
    for entry in entries:
        try:
            entry.verify(key)
        except ClearcountError as error:
            problems.append(str(error))
    return problems


def _check_binding(read: _Declaration) -> list[str]:
    bodies = read.bodies
    problems = []
    signed: list[tuple[str, str, str]] = [
        (f"affiliate {v.affiliate!r}: the vote", v.trigger_id, v.bodies) for v in read.votes
    ]
    signed += [(f"abstention of {a.body!r}", a.trigger_id, a.bodies) for a in read.abstentions]
    signed += [
        (f"casting vote for branch {c.branch!r}", c.trigger_id, c.bodies) for c in read.casting
    ]
    for what, trigger_id, listed in signed:
        if trigger_id != bodies.trigger_id:
            problems.append(
                f"{what} was signed for trigger ballot {trigger_id!r}, not "
                f"{bodies.trigger_id!r} (replayed from another ballot)"
            )
        elif listed != bodies.hash:
            problems.append(
                f"{what} was signed under bodies list {listed[:16]}…, not this one "
                f"({bodies.hash[:16]}…): the list was changed after it was signed"
            )
    return problems


def _check_abstentions(read: _Declaration, tallies: Mapping[str, BranchEntry]) -> list[str]:
    bodies = read.bodies
    named = [a.body for a in read.abstentions]
    problems = _repeats(named, "abstention of")
    voted = {v.affiliate for v in read.votes}
    for branch in bodies.branches:
        record = tallies.get(branch.name)
        if record is None:
            continue  # no record: V-TRIG-BRANCH-1
        silent = record.yes + record.no == 0
        if silent and branch.name not in named:
            problems.append(
                f"branch {branch.name!r}: none of its members voted, and no abstention is "
                "recorded (the returning officer must record it as abstaining)"
            )
        if not silent and branch.name in named:
            problems.append(
                f"branch {branch.name!r}: an abstention is recorded, but its members voted "
                f"{record.yes} yes to {record.no} no"
            )
    for affiliate in bodies.affiliates:
        if affiliate.name in voted and affiliate.name in named:
            problems.append(
                f"affiliate {affiliate.name!r}: an abstention is recorded, but it signed a vote"
            )
    listed = {b.name for b in bodies.branches} | {a.name for a in bodies.affiliates}
    problems += [
        f"abstention of {n!r}: not a body in the signed list" for n in named if n not in listed
    ]
    return problems


def _check_casting(read: _Declaration, tallies: Mapping[str, BranchEntry]) -> list[str]:
    bodies = read.bodies
    casting = read.bodies.body_tie == "casting-vote"
    named = [c.branch for c in read.casting]
    problems = _repeats(named, "casting vote for branch")
    if not casting:
        problems += [
            f"casting vote for branch {n!r}: the list's rule for a tied branch is "
            f"{bodies.body_tie!r}, not the chair's casting vote"
            for n in named
        ]
        return problems
    for branch in bodies.branches:
        record = tallies.get(branch.name)
        if record is None:
            continue
        tied = record.yes == record.no > 0
        entry = next((c for c in read.casting if c.branch == branch.name), None)
        if tied and entry is None:
            problems.append(
                f"branch {branch.name!r}: its members tied {record.yes} to {record.no}, and no "
                "casting vote is recorded (the chair's casting vote decides it)"
            )
        elif not tied and entry is not None:
            problems.append(
                f"branch {branch.name!r}: a casting vote is recorded, but its members voted "
                f"{record.yes} yes to {record.no} no (no tie)"
            )
        elif entry is not None and (entry.yes, entry.no) != (record.yes, record.no):
            problems.append(
                f"branch {branch.name!r}: the casting vote breaks a tie of {entry.yes} to "
                f"{entry.no}, but the record has {record.yes} to {record.no}"
            )
    problems += [
        f"casting vote for {n!r}: not a branch in the signed list"
        for n in named
        if bodies.branch(n) is None
    ]
    return problems


def _check_election(read: _Declaration, setup: BranchSetup | None, given: int) -> list[str]:
    bodies = read.bodies
    if given != 1:
        return [f"{given} records given; expected exactly one, election {bodies.election_id!r}"]
    if setup is None:
        return ["the record given cannot be read (V-TRIG-RECORD-1 says why)"]
    if setup.election_id != bodies.election_id:
        return [f"the record is election {setup.election_id!r}, not {bodies.election_id!r}"]
    problems = []
    contests = [c for c, _, _ in setup.contests]
    listed = [b.contest for b in bodies.branches]
    if sorted(contests) != sorted(listed):
        problems.append(
            f"the Setup's contests are {contests}, but the listed branches' contests are {listed}"
        )
    problems += [
        f"contest {c!r}: expected a yes-no contest with candidates Yes and No, got {m} {list(k)}"
        for c, m, k in setup.contests
        if m != "yes-no" or k != ("no", "yes")
    ]
    if sorted(setup.scopes) != sorted((c,) for c in listed):
        problems.append(
            f"the roll's scopes are {[list(s) for s in setup.scopes]}, expected one per branch "
            f"contest, that contest alone ({[[c] for c in sorted(listed)]}): each branch's "
            "members vote in their own branch's contest only"
        )
    return problems


def _record(
    read: _Declaration, records: Mapping[str, tuple[Report, bytes]]
) -> tuple[BranchSetup | None, str | None, dict[str, BranchEntry], list[str]]:
    """The one record's Setup facts, final hash and each branch's tallies (by branch name)."""
    if len(records) != 1:
        return None, None, {}, []
    path, (_, raw) = next(iter(records.items()))
    try:
        events = decode_events(raw, path)
        setup = branch_setup(events, path)
    except ClearcountError as error:
        return None, None, {}, [str(error)]
    try:
        head, entries = election_tallies(events, read.bodies.branches, path)
    except ClearcountError as error:
        return setup, None, {}, [str(error)]
    return setup, head, {e.name: e for e in entries}, []


def verify_trigger_document(
    data: bytes, records: Mapping[str, tuple[Report, bytes]]
) -> TriggerReport:
    """Check a declaration's bytes against the election record (path -> (report, bytes))."""
    reports = tuple((path, report) for path, (report, _) in records.items())
    try:
        read = _read(data)
    except ClearcountError as error:
        first = _outcome("V-TRIG-READ-1", [str(error)])
        rest = [_skipped(c.id, "the declaration is unreadable") for c in TRIGGER_CATALOGUE[1:]]
        return TriggerReport((first, *rest), reports, None)
    document, bodies, branches = read.document, read.bodies, read.branches
    setup, head, tallies, problems = _record(read, records)
    outcomes = [
        _outcome(
            "V-TRIG-READ-1",
            [],
            f"{len(branches)} branches, {len(read.votes)} affiliate votes, "
            f"{len(read.abstentions)} abstentions, {len(read.casting)} casting votes, "
            f"profile {document['profile']}",
        ),
        _outcome(
            "V-TRIG-BODIES-1",
            _check_bodies(read, setup),
            f"{len(bodies.branches)} branches and {len(bodies.affiliates)} affiliates listed "
            f"by {bodies.officer}",
        ),
        _outcome("V-TRIG-FIXED-1", _check_fixed(bodies, setup), f"fixed at {bodies.fixed_at}"),
        _outcome("V-TRIG-LISTED-1", _check_listed(read)),
        _outcome("V-TRIG-AFFSIG-1", _check_signatures(read), f"{len(read.votes)} signatures"),
        _outcome("V-TRIG-AFFBIND-1", _check_binding(read), f"bodies list {bodies.hash[:16]}…"),
        _outcome(
            "V-TRIG-OFFICER-1",
            _check_officer_entries(read),
            f"{len(read.abstentions) + len(read.casting)} entries by {bodies.officer}",
        ),
        _outcome("V-TRIG-ABSTAIN-1", _check_abstentions(read, tallies)),
        _outcome("V-TRIG-CASTING-1", _check_casting(read, tallies), f"body_tie {bodies.body_tie}"),
        _outcome(
            "V-TRIG-RECORD-1",
            [f"{path}: {len(r.failed())} checks failed" for path, r in reports if not r.ok],
            f"{len(reports)} record",
        ),
        _outcome(
            "V-TRIG-BRANCH-1",
            problems + _check_election(read, setup, len(records)),
            f"election {bodies.election_id}, {len(bodies.branches)} branch contests",
        ),
    ]
    if head is None:
        why = "no readable record of the election"
        outcomes += [_skipped(c, why) for c in ("V-TRIG-HEAD-1", "V-TRIG-TALLY-1")]
        outcomes += [_skipped(c, why) for c in ("V-TRIG-COUNT-1", "V-TRIG-VERDICT-1")]
        return TriggerReport(tuple(outcomes), reports, document_hash(document))
    outcomes.append(
        _outcome(
            "V-TRIG-HEAD-1",
            []
            if read.record_head == head
            else [f"declared record_head {read.record_head}, record's final event {head}"],
        )
    )
    outcomes.append(
        _outcome(
            "V-TRIG-TALLY-1",
            [
                f"branch {b.name!r}: declared yes {b.yes}, no {b.no}; "
                f"record's Result Yes {r.yes}, No {r.no}"
                for b in branches
                if (r := tallies.get(b.name)) is not None and (b.yes, b.no) != (r.yes, r.no)
            ],
        )
    )
    outcomes += _recount(read, [tallies[b.name] for b in bodies.branches])
    return TriggerReport(tuple(outcomes), reports, document_hash(document))


def _recount(read: _Declaration, from_record: Sequence[BranchEntry]) -> list[CheckOutcome]:
    """V-TRIG-COUNT-1 and V-TRIG-VERDICT-1: the count from the record and the signed acts."""
    document, bodies = read.document, read.bodies
    signed = {v.affiliate: AffiliateEntry.signed(v) for v in read.votes}
    affiliates = [
        signed.get(a.name) or AffiliateEntry(a.name, None, None) for a in bodies.affiliates
    ]
    try:
        count = trigger_count(
            bodies.profile, with_casting(from_record, read.casting), affiliates, bodies.options
        )
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
    """Verify the election record, then the declaration at `declaration` against it (one
    record is expected; V-TRIG-BRANCH-1 fails on any other number)."""
    with declaration.open("rb") as file:
        data = file.read(MAX_DECLARATION_BYTES + 1)
    given: dict[str, tuple[Report, bytes]] = {}
    for number, path in enumerate(records, start=1):
        report = verify_record(path, workers=workers)
        try:
            raw = read_record_bytes(path)
        except ClearcountError:
            raw = b""
        key = str(path) if str(path) not in given else f"{path} (given again, argument {number})"
        given[key] = (report, raw)
    return verify_trigger_document(data, given)
