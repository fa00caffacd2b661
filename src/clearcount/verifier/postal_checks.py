"""Checks of postal voting papers: issue, replacements, returns, workplaces (spec §11.12).

What the record can prove without naming anyone: how many papers the scrutineer issued (one
per member entitled, numbered consecutively per workplace) and signed for; that each returned
number was issued, entered once, not replaced, and counted only when in time; that the postal
batches hold exactly the counted papers, per workplace; and that each workplace's declared
figures are a recount of its papers against its own electorate. Who holds which number stays
in the scrutineer's sealed list, committed to by `numbers_commitment`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from clearcount.counting.ballots import Ballot as Paper
from clearcount.counting.ballots import Contest
from clearcount.counting.registry import count
from clearcount.record.chain import Event
from clearcount.record.entitlement import workplace_options
from clearcount.record.events import (
    ContestSpec,
    PaperBatch,
    PaperIssue,
    PaperReplacement,
    PaperReturns,
    Result,
)
from clearcount.record.result_body import result_body, result_decisions
from clearcount.record.signing import (
    PAPER_ISSUE_PURPOSE,
    REPLACEMENT_PURPOSE,
    RETURNS_PURPOSE,
)
from clearcount.verifier import facts
from clearcount.verifier.signature_checks import is_signed
from clearcount.verifier.view import Collector, RecordView

__all__ = ["CHECKS", "issued_numbers"]


def _issue(view: RecordView) -> tuple[Event, PaperIssue] | None:
    found = facts.bodies(view, "PaperIssue")
    return found[0] if found else None


def issued_numbers(view: RecordView) -> dict[int, str | None]:
    """Every number the scrutineer issued -> its workplace (replacements inherit)."""
    found = _issue(view)
    if found is None:
        return {}
    issue = found[1]
    numbers: dict[int, str | None] = {}
    if issue.ranges:
        for issued in issue.ranges:
            numbers.update(dict.fromkeys(range(issued.first, issued.last + 1), issued.workplace))
    else:
        numbers.update(dict.fromkeys(range(issue.first, issue.last + 1)))
    for _, replacement in facts.bodies(view, "PaperReplacement"):
        assert isinstance(replacement, PaperReplacement)
        numbers[replacement.number] = numbers.get(replacement.voided)
    return numbers


def check_issue(view: RecordView, out: Collector) -> None:
    """V-POSTAL-1 (spec §11.12.1): one signed PaperIssue matching the Setup and the roll;
    each replacement signed, voiding an issued paper and taking the next number."""
    setup = facts.setup(view)
    issues = facts.bodies(view, "PaperIssue")
    if setup.postal is None:
        for event, _ in issues + facts.bodies(view, "PaperReplacement"):
            out.fail(f"{event.kind} in an election whose Setup has postal: null", event)
        if not issues:
            out.not_applicable("no postal papers (Setup.postal is null)")
        return
    if not issues:
        if view.complete:
            out.fail("Setup.postal is set but no PaperIssue is on the record")
        else:
            out.not_applicable("no PaperIssue yet (incomplete record)")
        return
    event, issue = issues[0]
    assert isinstance(issue, PaperIssue)
    authority = setup.credential_authority
    if issue.scrutineer != authority.name:
        out.fail(
            f"scrutineer {issue.scrutineer!r} is not credential authority {authority.name!r}", event
        )
    if not is_signed(
        view, authority.key, issue.signature, PAPER_ISSUE_PURPOSE, issue.signed_digest()
    ):
        out.fail(
            f"PaperIssue not signed by the scrutineer {authority.name!r} "
            f"(purpose {PAPER_ISSUE_PURPOSE})",
            event,
        )
    if issue.papers != setup.roll.eligible:
        out.fail(
            f"{issue.papers} papers issued, but the roll has {setup.roll.eligible} members "
            "entitled to vote",
            event,
        )
    asked = [q.contest for q in issue.content.questions]
    if asked != [c.id for c in setup.contests]:
        out.fail(
            f"questions {asked}: expected one per contest in Setup order",
            event,
        )
    expected, first = [], issue.first
    for workplace in setup.postal.workplaces:
        expected.append((workplace.name, first, workplace.eligible))
        first += workplace.eligible
    ranges = [(r.workplace, r.first, r.papers) for r in issue.ranges]
    if ranges != expected:
        out.fail(f"ranges {ranges}: expected consecutive numbers per workplace {expected}", event)
    _check_replacements(view, out, issue)
    if setup.postal.method == "postal":
        for seq in view.ballot_seqs:
            out.fail_at("an online Ballot in a postal-only ballot", seq, "Ballot")
    out.detail = f"{issue.papers} papers numbered {issue.first}..{issue.last}"


def _check_replacements(view: RecordView, out: Collector, issue: PaperIssue) -> None:
    key = facts.setup(view).credential_authority.key
    live = set(range(issue.first, issue.last + 1))
    following = issue.last + 1
    for event, replacement in facts.bodies(view, "PaperReplacement"):
        assert isinstance(replacement, PaperReplacement)
        if not is_signed(
            view, key, replacement.signature, REPLACEMENT_PURPOSE, replacement.signed_digest()
        ):
            out.fail(
                f"replacement of paper {replacement.voided} not signed by the scrutineer", event
            )
        if replacement.voided not in live:
            out.fail(
                f"paper {replacement.voided} replaced, but it is not a live issued paper", event
            )
        if replacement.number != following:
            out.fail(
                f"replacement paper {replacement.number}: expected the next number {following}",
                event,
            )
        live.discard(replacement.voided)
        live.add(replacement.number)
        following = max(following, replacement.number) + 1


def _postal_batches(view: RecordView) -> list[tuple[Event, PaperBatch]]:
    return [(e, b) for e, b in facts.bodies(view, "PaperBatch") if b.channel == "postal"]


def check_returns(view: RecordView, out: Collector) -> None:
    """V-POSTAL-2 (spec §11.12.2): the tellers' signed returns; each number issued, listed once,
    not replaced; the postal batches come after them and hold exactly the counted papers."""
    setup = facts.setup(view)
    returns = facts.bodies(view, "PaperReturns")
    if setup.postal is None or _issue(view) is None:
        for event, _ in returns:
            out.fail("PaperReturns without postal rules and a PaperIssue", event)
        if not returns:
            out.not_applicable("no postal papers")
        return
    if not returns:
        if view.complete:
            out.fail("papers were issued but no PaperReturns is on the record")
        else:
            out.not_applicable("no PaperReturns yet (incomplete record)")
        return
    event, body = returns[0]
    assert isinstance(body, PaperReturns)
    for name, signature in zip(body.tellers, body.signatures, strict=True):
        keys = {t.name: t.key for t in setup.tellers}
        if name not in keys:
            out.fail(f"teller {name!r} is not a teller of the Setup", event)
        elif not is_signed(view, keys[name], signature, RETURNS_PURPOSE, body.signed_digest()):
            out.fail(
                f"PaperReturns not signed by teller {name!r} (purpose {RETURNS_PURPOSE})", event
            )
    issued = issued_numbers(view)
    voided = {r.voided for _, r in facts.bodies(view, "PaperReplacement")}
    seen: dict[int, str] = {}
    for name, numbers in body.lists().items():
        for number in numbers:
            if name == "superseded":
                continue
            if number in seen:
                out.fail(f"paper {number} listed as {seen[number]} and as {name}", event)
            seen.setdefault(number, name)
            if number not in issued:
                out.fail(f"paper {number} ({name}) was never issued", event)
            elif (number in voided) != (name == "voided"):
                out.fail(
                    f"paper {number} is listed as {name} but was "
                    f"{'' if number in voided else 'not '}replaced",
                    event,
                )
    if not set(body.superseded) <= set(body.counted):
        out.fail("superseded papers must be counted papers", event)
    _check_batches(view, out, event, body, issued)
    out.detail = (
        f"returned: {len(body.counted)} counted, {len(body.spoilt)} spoilt, {len(body.late)} "
        f"late, {len(body.voided)} voided, {len(body.superseded)} superseded"
    )


def _check_batches(
    view: RecordView,
    out: Collector,
    event: Event,
    body: PaperReturns,
    issued: Mapping[int, str | None],
) -> None:
    setup = facts.setup(view)
    expected: dict[str | None, int] = {}
    superseded = set(body.superseded)
    for number in body.counted:
        if number not in superseded:
            workplace = issued.get(number)
            expected[workplace] = expected.get(workplace, 0) + 1
    batches = _postal_batches(view)
    for batch_event, _ in batches:
        if batch_event.seq < event.seq:
            out.fail("postal PaperBatch before the PaperReturns it must follow", batch_event)
    for spec in setup.contests:
        found: dict[str | None, int] = {}
        for _, batch in batches:
            if batch.contest == spec.id:
                found[batch.workplace] = found.get(batch.workplace, 0) + len(batch.ballots)
        if {k: v for k, v in found.items() if v} != {k: v for k, v in expected.items() if v}:
            out.fail_at(
                f"contest {spec.id!r}: postal papers per workplace {found}, but the returns "
                f"count {expected}",
                event.seq,
                "PaperReturns",
            )


def _contest(spec: ContestSpec, tallies: Sequence[int], papers: int) -> Contest:
    ballots = [Paper(((i,),), t) for i, t in enumerate(tallies) if t]
    blank = papers - sum(tallies)
    if spec.max_selections == 1 and blank > 0:
        ballots.append(Paper((), blank))
    return Contest(spec.candidates, tuple(ballots), seats=spec.seats, title=spec.title)


def check_workplaces(view: RecordView, out: Collector) -> None:
    """V-WORKPLACE-1 (spec §11.12.3): each workplace's figures recounted from its papers."""
    setup = facts.setup(view)
    results = facts.bodies(view, "Result")
    workplaces = () if setup.postal is None else setup.postal.workplaces
    if not workplaces or not results:
        for event, result in results:
            assert isinstance(result, Result)
            if any(c.workplaces for c in result.contests):
                out.fail("per-workplace results without separate workplaces in Setup", event)
        out.not_applicable("no separate-workplace ballot with a Result")
        return
    event, result = results[0]
    assert isinstance(result, Result)
    batches = _postal_batches(view)
    declared = {c.id: c for c in result.contests}
    for spec in setup.contests:
        contest = declared.get(spec.id)
        if contest is None:
            continue
        names = [w.workplace for w in contest.workplaces]
        if spec.kind != "homomorphic" or names != [w.name for w in workplaces]:
            out.fail(
                f"contest {spec.id!r}: workplaces {names}, expected {[w.name for w in workplaces]}",
                event,
            )
            continue
        for workplace, figures in zip(workplaces, contest.workplaces, strict=True):
            papers = [
                p
                for _, b in batches
                if b.contest == spec.id and b.workplace == workplace.name
                for p in b.ballots
            ]
            tallies = [sum(1 for p in papers if i in p.marks) for i in range(len(spec.candidates))]
            where = f"contest {spec.id!r}, workplace {workplace.name!r}"
            if (figures.entitled, figures.papers, list(figures.tallies)) != (
                workplace.eligible,
                len(papers),
                tallies,
            ):
                out.fail(
                    f"{where}: declared entitled {figures.entitled}, papers {figures.papers}, "
                    f"tallies {list(figures.tallies)}; the record gives {workplace.eligible}, "
                    f"{len(papers)}, {tallies}",
                    event,
                )
                continue
            options = workplace_options(setup.roll, spec, workplace.eligible)
            recount = result_body(count(spec.method, _contest(spec, tallies, len(papers)), options))
            if result_decisions(recount, spec.candidates) != result_decisions(
                figures.result, spec.candidates
            ):
                out.fail(
                    f"{where}: the declared count's numbers or decisions differ from a recount",
                    event,
                )
    out.detail = f"{len(workplaces)} workplaces recounted"


CHECKS: Mapping[str, Callable[[RecordView, Collector], None]] = {
    "V-POSTAL-1": check_issue,
    "V-POSTAL-2": check_returns,
    "V-WORKPLACE-1": check_workplaces,
}
