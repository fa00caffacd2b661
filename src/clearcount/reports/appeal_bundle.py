"""The appeal bundle: one document of parts, with an index, for an appeal panel or a court.

shared/rules/domain.md §4 (lesson 8): "a complaints and appeals record tied to evidence
exports". From the record alone: a summary of the record (who ran it, the roll, the channels,
the events), the independent verifier's report check by check, the declaration (with the stage
sheet and the transfers chart) or, for an industrial action ballot, the s.231 result, and the
record's audit entries (roll changes after the freeze date, eligibility rulings, notes); and,
given the panel's evidence bundle (`clearcount appeal evidence`), the complaint, the panel's
decision and the audit log's entries about the election (`AppealEvidence`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from clearcount.counting.yes_no import METHOD as YES_NO
from clearcount.reports.ballot_facts import BallotFacts
from clearcount.reports.declaration import declaration
from clearcount.reports.document import Block, Document, Facts, Paragraph, Table, Verification
from clearcount.reports.statutory_fields import BASIS, TITLES
from clearcount.reports.union_documents import IA_PROFILE, result_231

__all__ = ["AppealEvidence", "Bundle", "appeal_bundle"]


@dataclass(frozen=True, slots=True)
class AppealEvidence:
    """The complaint (appeal.json) and the audit log's entries (audit-log.jsonl) of an evidence
    bundle whose MANIFEST names this record's head (checked by the caller)."""

    appeal: Mapping[str, object]
    audit: tuple[Mapping[str, object], ...]


@dataclass(frozen=True, slots=True)
class Bundle:
    """A document made of parts; the renderers put an index (with page numbers) first."""

    title: str
    organisation: str
    dated: str
    verification: Verification
    parts: tuple[Document, ...]
    election_id: str = ""
    kind: str = "appeal-bundle"


def _part(facts: BallotFacts, v: Verification, title: str, blocks: Sequence[Block]) -> Document:
    return Document(
        "appeal-bundle", title, facts.organisation, BASIS["appeal-bundle"], facts.closes[:10], v,
        tuple(blocks), facts.election_id,
    )  # fmt: skip


def _summary(facts: BallotFacts, v: Verification) -> Document:
    counts = facts.event_counts or {}
    rows = [
        ("Election", f"{facts.title} ({facts.election_id})"),
        ("Organisation", facts.organisation),
        ("Voting period", f"{facts.opens} to {facts.closes}"),
        ("Election fingerprint (Setup event hash)", v.fingerprint or "none"),
        ("Members on the roll / entitled", f"{facts.roll_size:,} / {facts.eligible:,}"),
        ("Credentials published", f"{facts.credentials:,}"),
        ("Channels, in precedence order", ", ".join(facts.channels)),
        ("Returning officer", facts.officer),
        ("Credential authority (scrutineer)", facts.scrutineer),
        ("Tellers", ", ".join(facts.tellers)),
        ("Contests", "; ".join(f"{c.title} ({c.method})" for c in facts.contests)),
        ("Events", ", ".join(f"{kind} {n}" for kind, n in counts.items())),
    ]
    return _part(facts, v, "Record summary", [Facts(tuple(rows))])


def _verifier(facts: BallotFacts, v: Verification) -> Document:
    rows = tuple((c.id, c.section, c.title, c.status, c.detail) for c in v.checks)
    failed = frozenset(i for i, c in enumerate(v.checks) if c.status == "failed")
    blocks: list[Block] = [
        Paragraph(v.verdict, strong=True),
        Table(
            ("Check", "Spec", "What", "Status", "Detail"),
            rows,
            bold_rows=failed,
            first_column_width=0.16,
        ),
    ]
    return _part(facts, v, "Verifier's report", blocks)


def _audits(facts: BallotFacts, v: Verification) -> Document:
    if not facts.audits:
        blocks: list[Block] = [
            Paragraph(
                "The record holds no audit entries: no roll change after the freeze date, no "
                "eligibility ruling and no note was published for this election."
            )
        ]
    else:
        rows = tuple(
            (a.topic, a.statement, a.status or "", (a.commitment or "")[:16]) for a in facts.audits
        )
        blocks = [Table(("Topic", "Statement", "Status", "Roll entry"), rows,
                        first_column_width=0.16)]  # fmt: skip
    blocks.append(
        Paragraph(
            "Complaints and the panel's decisions are kept in the organisation's audit log "
            "(`clearcount appeal evidence` writes them with the record for the panel)."
        )
    )
    return _part(facts, v, "Audit entries", blocks)


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _appeal(facts: BallotFacts, v: Verification, evidence: AppealEvidence) -> Document:
    appeal = evidence.appeal
    rows = tuple(
        (label, _text(appeal.get(key)) or "(none yet)")
        for label, key in (
            ("Appeal", "appeal_id"),
            ("Lodged by", "appellant"),
            ("Lodged at", "lodged_at"),
            ("Grounds", "grounds"),
            ("Decision", "decision"),
            ("Reasons", "reasons"),
            ("Decided by", "decided_by"),
            ("Decided at", "decided_at"),
            ("Audit log chain", "audit_chain"),
        )
    )
    entries = tuple(
        (_text(e.get("at"))[:19].replace("T", " "), _text(e.get("actor")), _text(e.get("action")),
         " ".join(_text(e.get(k)) for k in ("field", "note") if e.get(k)))
        for e in evidence.audit
    )  # fmt: skip
    blocks: list[Block] = [
        Facts(rows, "The complaint and the panel's decision"),
        Table(
            ("When (UTC)", "Who", "Action", "Detail"),
            entries,
            "Audit log entries about the election",
            first_column_width=0.2,
        ),
    ]
    return _part(facts, v, "Appeal and audit log entries", blocks)


def appeal_bundle(
    facts: BallotFacts, v: Verification, evidence: AppealEvidence | None = None
) -> Bundle:
    """The bundle's parts, in the index's order."""
    industrial = any(
        c.method == YES_NO and c.options.get("profile") == IA_PROFILE for c in facts.contests
    )
    races = any(c.method not in (YES_NO, "trigger-ballot") for c in facts.contests)
    parts = [_summary(facts, v), _verifier(facts, v)]
    if races:
        parts.append(declaration(facts, v))
    if industrial:  # the result as declared to members, under the index's one heading
        result = result_231(facts, v)
        parts.append(replace(result, title=f"Declaration of result: {result.title}"))
    parts.append(_audits(facts, v))
    if evidence is not None:
        parts.append(_appeal(facts, v, evidence))
    return Bundle(
        f"{TITLES['appeal-bundle']}: {facts.title}",
        facts.organisation,
        facts.closes[:10],
        v,
        tuple(parts),
        facts.election_id,
    )
