"""A party's declaration of result (a selection, an NEC election), built from a verified record.

What a returning officer reads out and pins up: the electorate, the papers counted by channel,
the valid vote, the quota, who is elected; then, for a preferential count (AV, STV), the stage
sheet in the council style (`reports.stage_table.stage_rows`: stages as columns, each stage's
transfers and totals, non-transferable, elected and excluded), each candidate's fate, every
tie-break with its reason, and the transfers chart (`reports.sankey`).
"""

from __future__ import annotations

from clearcount.counting.numbers import decimal_text
from clearcount.counting.result import Result
from clearcount.counting.yes_no import METHOD as YES_NO
from clearcount.record.events import ContestSpec
from clearcount.reports.ballot_facts import BallotFacts, paper_counts
from clearcount.reports.document import (
    Block,
    Document,
    Facts,
    Figure,
    Heading,
    Paragraph,
    Table,
    Verification,
)
from clearcount.reports.result_reading import result_from_body
from clearcount.reports.sankey import has_transfers, sankey
from clearcount.reports.stage_table import stage_rows
from clearcount.reports.statutory_fields import BASIS, TITLES
from clearcount.reports.union_documents import UnfitError

__all__ = ["candidate_contests", "declaration", "stage_sheet"]


def candidate_contests(facts: BallotFacts, kind: str) -> tuple[ContestSpec, ...]:
    """The record's elections of candidates; UnfitError when it has only yes-no questions."""
    races = tuple(c for c in facts.contests if c.method not in (YES_NO, "trigger-ballot"))
    if not races:
        raise UnfitError(
            f"--kind {kind}: a {TITLES[kind].lower()} is for an election of candidates (STV, "
            f"AV, plurality); record {facts.election_id} has only yes-no questions: use --kind "
            "result-231 (industrial action) or appeal-bundle"
        )
    return races


def _result(facts: BallotFacts, spec: ContestSpec) -> Result:
    body = facts.results.get(spec.id)
    if body is None:
        raise UnfitError(
            f"record {facts.election_id}: contest {spec.id!r} has no declared result yet; run "
            "the tally and declare first"
        )
    return result_from_body(body)


def _officer(name: str) -> str:
    return name if "returning officer" in name.lower() else f"{name}, the returning officer"


def stage_sheet(result: Result) -> Table:
    """The council-style stage sheet: stages as columns, then each candidate's fate."""
    rows = stage_rows(result)
    header = ("Candidate", *(f"Stage {s.number}: {s.action}" for s in result.stages), "Result")
    fate: dict[str, str] = {}
    for stage in result.stages:
        for name in stage.elected:
            fate.setdefault(name, f"ELECTED (stage {stage.number})")
        for name in stage.excluded:
            fate.setdefault(name, f"excluded (stage {stage.number})")
    body: list[tuple[str, ...]] = []
    bold: set[int] = set()
    for index, row in enumerate(rows[1:], start=1):
        mark = fate.get(row[0], "") if index <= len(result.candidates) else ""
        if mark.startswith("ELECTED"):
            bold.add(len(body))
        body.append((*row, mark))
    width = 0.22 if len(result.stages) > 3 else 0.28
    return Table(header, tuple(body), "Stage sheet", frozenset(bold), first_column_width=width)


def _contest_blocks(facts: BallotFacts, spec: ContestSpec) -> list[Block]:
    result = _result(facts, spec)
    places = result.decimals
    papers = int(result.valid_votes) + result.invalid_ballots
    by_channel = [f"{label[7:]}: {n:,}" for label, n in paper_counts(facts, spec.id)]
    rows = [
        (
            "Ballot papers counted",
            f"{papers:,}" + (f" (papers {'; '.join(by_channel)})" if by_channel else ""),
        ),
        ("Valid vote", decimal_text(result.valid_votes, places)),
        ("Invalid (rejected) papers", f"{result.invalid_ballots:,}"),
        ("Seats", str(result.seats)),
        ("Counting rules", result.method),
    ]
    if result.quota is not None:
        rows.append(("Quota", decimal_text(result.quota, places)))
    rows.append(("Elected", ", ".join(result.elected) or "nobody"))
    blocks: list[Block] = [Heading(spec.title), Facts(tuple(rows))]
    if result.elected:
        who = " and ".join(result.elected)
        verb = "is" if len(result.elected) == 1 else "are"
        blocks.append(
            Paragraph(
                f"I, {_officer(facts.officer)}, declare that {who} {verb} duly "
                f"elected as {spec.title}.",
                strong=True,
            )
        )
    blocks.append(stage_sheet(result))
    if has_transfers(result):
        caption = "Transfers between stages (band widths proportional to votes)"
        blocks.append(Figure(sankey(result), caption))
    for tie in result.tie_breaks:
        seed = f" (seed {tie.seed})" if tie.seed else ""
        blocks.append(
            Paragraph(
                f"Tie at stage {tie.stage} ({tie.purpose}) between {', '.join(tie.tied)}: "
                f"{', '.join(tie.chosen)} by {tie.method}{seed}: {tie.reason}"
            )
        )
    return blocks


def declaration(facts: BallotFacts, v: Verification) -> Document:
    """The declaration of every candidate election in the record."""
    races = candidate_contests(facts, "declaration")
    blocks: list[Block] = [
        Facts(
            (
                ("Election", facts.title),
                ("Organisation", facts.organisation),
                ("Voting period", f"{facts.opens[:10]} to {facts.closes[:10]}"),
                ("Voting by", ", ".join(facts.channels)),
                ("Electorate (members entitled to vote)", f"{facts.eligible:,}"),
                ("Returning officer", facts.officer),
                ("Independent scrutineer", facts.scrutineer),
            )
        )
    ]
    for spec in races:
        blocks += _contest_blocks(facts, spec)
    return Document(
        kind="declaration",
        title=f"{TITLES['declaration']}: {facts.title}",
        organisation=facts.organisation,
        basis=BASIS["declaration"],
        dated=facts.closes[:10],
        verification=v,
        blocks=tuple(blocks),
        election_id=facts.election_id,
    )
