"""Postal voting papers: issue, replacement, the tellers' two entries, returns (spec §11.12).

Each role's part runs on its own machine:

- the scrutineer (credential authority) numbers the papers consecutively in issue order,
  workplace by workplace (`number_papers`), keeps the number -> member list sealed, and signs
  the PaperIssue (`sign_paper_issue`) whose `numbers_commitment` commits to the number -> roll
  commitment list; a replacement paper (`sign_replacement`) takes the next number and voids the
  old one;
- each teller enters the returned papers on its own (`ReturnedPaper`: number, answers, when it
  was received); `reconcile` compares the two entries and refuses, listing every difference,
  until they agree, and checks each number was issued, is entered once and was not replaced;
- the scrutineer names the credentials of the members whose papers count (`counted_numbers`),
  signing the cancellation as for any paper vote (§11.6); under a hybrid ballot with online
  first, papers of members who voted online are superseded instead;
- both tellers sign the PaperReturns (`sign_returns`) and the postal PaperBatches
  (`postal_batches`), whose papers are sorted by their marks so that a paper's position says
  nothing about its number.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from clearcount.core.canonical import canonical_json
from clearcount.core.errors import RecordError
from clearcount.crypto.group import Scalar, ScalarSource
from clearcount.crypto.proofs.schnorr import prove_schnorr
from clearcount.protocol.acts import UNSIGNED, check_act, sign_act
from clearcount.protocol.context import Election
from clearcount.protocol.paper import (
    Cancellation,
    TellerSecret,
    draft_paper_batch,
    sign_paper_batch,
)
from clearcount.record.chain import Event, next_event
from clearcount.record.events import PaperBallot, PaperBatch
from clearcount.record.postal_body import (
    IssuedRange,
    PaperContent,
    PaperIssue,
    PaperReplacement,
    PaperReturns,
)
from clearcount.record.signing import (
    PAPER_ISSUE_PURPOSE,
    REPLACEMENT_PURPOSE,
    RETURNS_PURPOSE,
)

__all__ = [
    "IssuedPaper",
    "PaperContent",
    "Reconciled",
    "ReturnedPaper",
    "ReturnsMismatchError",
    "draft_returns",
    "number_papers",
    "numbers_commitment",
    "paper_workplaces",
    "post_postal_event",
    "postal_batch_drafts",
    "postal_batches",
    "reconcile",
    "sign_paper_issue",
    "sign_replacement",
    "sign_returns",
]


@dataclass(frozen=True, slots=True)
class IssuedPaper:
    """One line of the scrutineer's sealed list: a number, the member's roll commitment
    (§10.4), and the workplace (None in a single ballot). Member ids stay with the service."""

    number: int
    commitment: str
    workplace: str | None


def number_papers(
    groups: Sequence[tuple[str | None, Sequence[str]]], first: int = 1
) -> tuple[IssuedPaper, ...]:
    """Consecutive numbers from `first`, group (workplace) by group, in the given order."""
    papers: list[IssuedPaper] = []
    for workplace, commitments in groups:
        for commitment in commitments:
            papers.append(IssuedPaper(first + len(papers), commitment, workplace))
    return tuple(papers)


def numbers_commitment(papers: Sequence[IssuedPaper]) -> str:
    """SHA-256 hex of JCS({"papers": [{"number", "commitment"}, ...]}) (spec §11.12.1)."""
    body = {"papers": [{"number": p.number, "commitment": p.commitment} for p in papers]}
    return hashlib.sha256(canonical_json(body)).hexdigest()


def _ranges(papers: Sequence[IssuedPaper]) -> tuple[IssuedRange, ...]:
    ranges: list[IssuedRange] = []
    for paper in papers:
        if paper.workplace is None:
            return ()
        if ranges and ranges[-1].workplace == paper.workplace:
            last = ranges[-1]
            ranges[-1] = IssuedRange(last.workplace, last.first, last.papers + 1)
        else:
            ranges.append(IssuedRange(paper.workplace, paper.number, 1))
    return tuple(ranges)


def sign_paper_issue(
    election: Election,
    content: PaperContent,
    papers: Sequence[IssuedPaper],
    authority: Scalar,
    rng: ScalarSource = Scalar.random,
) -> PaperIssue:
    """The scrutineer's signed PaperIssue (purpose `paper-issue`), on its own machine."""
    setup = election.setup
    if setup.postal is None:
        raise RecordError("PaperIssue: expected a Setup with postal rules, got postal: null")
    draft = PaperIssue(
        setup.credential_authority.name,
        content,
        papers[0].number if papers else 1,
        len(papers),
        _ranges(papers),
        numbers_commitment(papers),
        UNSIGNED,
    )
    signature = sign_act(
        election.fingerprint, authority, PAPER_ISSUE_PURPOSE, draft.signed_digest(), rng
    )
    return dataclasses.replace(draft, signature=signature)


def sign_replacement(
    election: Election,
    voided: int,
    number: int,
    reason: str,
    authority: Scalar,
    rng: ScalarSource = Scalar.random,
) -> PaperReplacement:
    """The scrutineer's signed replacement of paper `voided` by paper `number`."""
    draft = PaperReplacement(voided, number, reason, UNSIGNED)
    signature = sign_act(
        election.fingerprint, authority, REPLACEMENT_PURPOSE, draft.signed_digest(), rng
    )
    return PaperReplacement(voided, number, reason, signature)


def paper_workplaces(
    issue: PaperIssue, replacements: Sequence[PaperReplacement]
) -> dict[int, str | None]:
    """Every issued number -> its workplace (a replacement inherits the voided paper's)."""
    found: dict[int, str | None] = {}
    if issue.ranges:
        for issued in issue.ranges:
            for number in range(issued.first, issued.last + 1):
                found[number] = issued.workplace
    else:
        found = dict.fromkeys(range(issue.first, issue.last + 1))
    for replacement in replacements:
        found[replacement.number] = found.get(replacement.voided)
    return found


@dataclass(frozen=True, slots=True)
class ReturnedPaper:
    """One returned paper as a teller entered it: `answers` per contest id (candidate indices;
    empty for a question left blank or marked twice), or None for a paper spoilt as a whole."""

    number: int
    answers: Mapping[str, tuple[int, ...]] | None
    received: str
    """ISO 8601 date-time with offset, from the receipt stamp."""


class ReturnsMismatchError(RecordError):
    """The two tellers' entries differ, or name a number that cannot be counted."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        shown = "; ".join(problems[:10]) + ("; ..." if len(problems) > 10 else "")
        super().__init__(
            f"paper returns: {len(problems)} problem(s), nothing counted until both tellers' "
            f"entries agree: {shown}"
        )


@dataclass(frozen=True, slots=True)
class Reconciled:
    """The agreed returns: the answers of the papers that count, by number, and the lists."""

    counted: Mapping[int, Mapping[str, tuple[int, ...]]]
    spoilt: tuple[int, ...]
    late: tuple[int, ...]
    voided: tuple[int, ...]


_Entered = tuple[dict[str, tuple[int, ...]] | None, str]


def _entry(name: str, papers: Sequence[ReturnedPaper], problems: list[str]) -> dict[int, _Entered]:
    seen: dict[int, _Entered] = {}
    for paper in papers:
        if paper.number in seen:
            problems.append(f"teller {name} entered paper {paper.number} twice")
            continue
        answers = None if paper.answers is None else dict(sorted(paper.answers.items()))
        seen[paper.number] = (answers, paper.received)
    return seen


def reconcile(
    issue: PaperIssue,
    replacements: Sequence[PaperReplacement],
    entries: tuple[tuple[str, Sequence[ReturnedPaper]], tuple[str, Sequence[ReturnedPaper]]],
) -> Reconciled:
    """Compare the two tellers' entries; ReturnsMismatchError listing every problem."""
    problems: list[str] = []
    (first_name, first), (second_name, second) = entries
    a, b = _entry(first_name, first, problems), _entry(second_name, second, problems)
    for number in sorted(set(a) | set(b)):
        if number not in b:
            problems.append(f"paper {number}: entered by {first_name} only")
        elif number not in a:
            problems.append(f"paper {number}: entered by {second_name} only")
        elif a[number] != b[number]:
            problems.append(
                f"paper {number}: {first_name} entered {a[number]}, {second_name} {b[number]}"
            )
    issued = paper_workplaces(issue, replacements)
    voided = {r.voided for r in replacements}
    deadline = datetime.fromisoformat(issue.content.return_by)
    counted: dict[int, Mapping[str, tuple[int, ...]]] = {}
    spoilt, late, returned_void = [], [], []
    for number in sorted(set(a) & set(b)):
        answers, received = a[number]
        if number not in issued:
            problems.append(f"paper {number}: no such paper was issued")
        elif number in voided:
            returned_void.append(number)
        elif datetime.fromisoformat(received) > deadline:
            late.append(number)
        elif answers is None:
            spoilt.append(number)
        else:
            counted[number] = answers
    if problems:
        raise ReturnsMismatchError(problems)
    return Reconciled(counted, tuple(spoilt), tuple(late), tuple(returned_void))


def draft_returns(
    reconciled: Reconciled, superseded: Sequence[int], tellers: tuple[str, str]
) -> PaperReturns:
    """The PaperReturns the two tellers `tellers` are to sign, no signatures yet (§11.12.2);
    `superseded` are counted numbers whose members' online ballots take precedence."""
    if not set(superseded) <= set(reconciled.counted):
        raise RecordError("PaperReturns.superseded: expected numbers of papers that would count")
    return PaperReturns(
        tuple(sorted(reconciled.counted)),
        reconciled.spoilt,
        reconciled.late,
        reconciled.voided,
        tuple(sorted(superseded)),
        tellers,
        (UNSIGNED, UNSIGNED),
    )


def sign_returns(
    election: Election,
    reconciled: Reconciled,
    superseded: Sequence[int],
    tellers: tuple[TellerSecret, TellerSecret],
    rng: ScalarSource = Scalar.random,
) -> PaperReturns:
    """Both tellers sign the returns (purpose `paper-returns`, `draft_returns`)."""
    draft = draft_returns(reconciled, superseded, (tellers[0].name, tellers[1].name))
    digest = draft.signed_digest()
    signatures = tuple(
        prove_schnorr(
            election.fingerprint, t.secret, message=digest, purpose=RETURNS_PURPOSE, rng=rng
        )
        for t in tellers
    )
    return dataclasses.replace(draft, signatures=(signatures[0], signatures[1]))


def postal_batch_drafts(
    election: Election,
    reconciled: Reconciled,
    superseded: Sequence[int],
    workplaces: Mapping[int, str | None],
    cancellation: Cancellation | None,
    tellers: tuple[str, str],
) -> list[PaperBatch]:
    """One postal PaperBatch per contest (and workplace), papers sorted by marks, unsigned
    (§11.12.2); the first batch carries the scrutineer's `cancellation`."""
    dropped = set(superseded)
    groups: dict[str | None, list[Mapping[str, tuple[int, ...]]]] = {}
    for number, answers in sorted(reconciled.counted.items()):
        if number not in dropped:
            groups.setdefault(workplaces.get(number), []).append(answers)
    setup = election.setup
    order = [w.name for w in setup.postal.workplaces] if setup.postal else []
    keys: list[str | None] = [w for w in order if w in groups] if order else [None]
    batches: list[PaperBatch] = []
    for spec in setup.contests:
        for workplace in keys:
            marks = sorted(tuple(answers.get(spec.id, ())) for answers in groups.get(workplace, []))
            batches.append(
                draft_paper_batch(
                    election,
                    "postal",
                    spec.id,
                    [PaperBallot(m) for m in marks],
                    None if batches else cancellation,
                    tellers,
                    workplace=workplace,
                )
            )
    return batches


def postal_batches(
    election: Election,
    reconciled: Reconciled,
    superseded: Sequence[int],
    workplaces: Mapping[int, str | None],
    cancellation: Cancellation,
    tellers: tuple[TellerSecret, TellerSecret],
    rng: ScalarSource = Scalar.random,
) -> list[PaperBatch]:
    """The postal batches (`postal_batch_drafts`), each signed by both tellers."""
    names = (tellers[0].name, tellers[1].name)
    drafts = postal_batch_drafts(election, reconciled, superseded, workplaces, cancellation, names)
    return [sign_paper_batch(election, draft, tellers, rng) for draft in drafts]


_WHEN = {
    "PaperIssue": ("after Credentials, once, before EndBallots", ("EndBallots", "PaperIssue")),
    "PaperReplacement": ("after the PaperIssue and before EndBallots", ("EndBallots",)),
    "PaperReturns": ("after EndBallots, once, before counting", ("PaperReturns",)),
}
_COUNTING = ("EncryptedTally", "Shuffle", "PartialDecryption", "Result")


def post_postal_event(
    chain: Sequence[Event],
    election: Election,
    body: PaperIssue | PaperReplacement | PaperReturns,
) -> Event:
    """Append a postal event after checking its signature(s) and its place (spec §11.12)."""
    kind = type(body).__name__
    kinds = {e.kind for e in chain}
    when, forbidden = _WHEN[kind]
    misplaced = bool(kinds & set(forbidden)) or bool(kinds & set(_COUNTING))
    misplaced = misplaced or "Credentials" not in kinds
    if kind == "PaperReplacement":
        misplaced = misplaced or "PaperIssue" not in kinds
    if kind == "PaperReturns":
        misplaced = misplaced or "EndBallots" not in kinds or "PaperIssue" not in kinds
    if misplaced or election.setup.postal is None:
        raise RecordError(f"{kind}: expected it {when} in an election with postal papers")
    setup, fingerprint = election.setup, election.fingerprint
    if isinstance(body, PaperReturns):
        for name, signature in zip(body.tellers, body.signatures, strict=True):
            key = setup.teller(name).key
            check_act(
                fingerprint,
                key,
                signature,
                RETURNS_PURPOSE,
                body.signed_digest(),
                f"teller {name!r}",
            )
    else:
        purpose = PAPER_ISSUE_PURPOSE if isinstance(body, PaperIssue) else REPLACEMENT_PURPOSE
        authority = setup.credential_authority
        check_act(
            fingerprint,
            authority.key,
            body.signature,
            purpose,
            body.signed_digest(),
            f"{kind} (scrutineer {authority.name!r})",
        )
    return next_event(chain, kind, body.to_body())
