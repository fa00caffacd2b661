"""The trigger ballot report: each branch's and affiliate's vote, the rule applied, the verdict.

Built from a trigger declaration (format clearcount-trigger-declaration/N) and its count as
`verifier.trigger_document.trigger_count` recomputes it from the branches' verified tallies and
the affiliates' signed votes: the caller (`clearcount.documents.build`) reads the declaration
through that module, so a change to the declaration's format follows here without a second
parser. A body's "yes" backs the sitting MP, "no" asks for an open selection
(docs/counting/trigger-ballot.md); a tied meeting's row says how the tie was resolved (the
chair's casting vote, or the rules' `body_tie` reading), from the count's `how`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from clearcount.reports.document import (
    Block,
    Document,
    Facts,
    Heading,
    Paragraph,
    Table,
    Verification,
)
from clearcount.reports.statutory_fields import BASIS, TITLES

__all__ = ["BranchLine", "trigger_report"]

BranchLine = tuple[str, int, int, str]
"""(branch name, members' Yes, members' No, its record's final event hash or its contest)."""

_READING: dict[str | None, str] = {
    "yes": "yes: backs the MP",
    "no": "no: asks for a selection",
    None: "abstained",
}


_TIE = "members tied; "
"""How the count says a tied meeting's vote was reached (`counting.trigger_ballot.body_vote`)."""


def _vote(value: object) -> str | None:
    return value if value == "yes" or value == "no" else None


def _reading(vote: str | None, how: str, members: tuple[int, int] | None) -> str:
    """The body's vote in words; a tied meeting's says how the tie was resolved, from the
    count's own `how`: the chair's casting vote, or the rules' `body_tie` reading."""
    reading = _READING.get(vote, "abstained")
    if not how.startswith(_TIE):
        return reading
    tied = f"members tied {members[0]} to {members[1]}" if members else "members tied"
    resolved = how.removeprefix(_TIE)
    if resolved == "chair's casting vote":
        return f"{reading} ({tied}; decided by the chair's casting vote)"
    return f"{reading} ({tied}; the rules' reading of a tie, {resolved})"


def _text(value: object) -> str:
    return "" if value is None else str(value)


def trigger_report(
    declaration: Mapping[str, object],
    branches: Sequence[BranchLine],
    affiliates: Sequence[tuple[str, str | None, str | None]],
    count: Mapping[str, object],
    v: Verification,
) -> Document:
    """The report; `affiliates` are (name, vote or None, officer who signed it)."""
    outcome = count.get("outcome")
    outcome = outcome if isinstance(outcome, Mapping) else {}
    listed = outcome.get("bodies")
    votes: dict[tuple[str, str], tuple[str | None, str]] = {
        (str(b.get("kind")), str(b.get("name"))): (_vote(b.get("vote")), _text(b.get("how")))
        for b in (listed if isinstance(listed, list) else [])
        if isinstance(b, Mapping)
    }
    bodies = declaration.get("bodies")
    officer = bodies.get("officer") if isinstance(bodies, Mapping) else None
    title = _text(declaration.get("title"))
    blocks: list[Block] = [
        Facts(
            (
                ("Trigger ballot", title),
                ("Organisation", _text(declaration.get("organisation"))),
                ("Returning officer", _text(officer)),
                ("Declared", _text(declaration.get("declared_at"))[:16].replace("T", " ")),
                ("Rule profile", _text(declaration.get("profile"))),
                *(
                    [("Election record (hash)", _text(declaration.get("record_head")))]
                    if declaration.get("record_head")
                    else []
                ),
            )
        ),
        Heading("Branches"),
        Table(
            ("Branch", "Members Yes", "Members No", "Branch vote", "Record (hash) or contest"),
            tuple(
                (
                    name,
                    str(yes),
                    str(no),
                    _reading(*votes.get(("branch", name), (None, "")), (yes, no)),
                    head[:16] + "…" if len(head) > 16 else head,
                )
                for name, yes, no, head in branches
            ),
            first_column_width=0.3,
        ),
        Heading("Affiliates"),
        Table(
            ("Affiliate", "Vote", "Given and signed by"),
            tuple(
                (
                    name,
                    _reading(vote, votes.get(("affiliate", name), (None, ""))[1], None),
                    _text(by),
                )
                for name, vote, by in affiliates
            ),
            first_column_width=0.4,
        ),
        Heading("Rule applied"),
        Paragraph(_text(outcome.get("rule"))),
    ]
    college = outcome.get("college")
    if isinstance(college, Mapping) and isinstance(college.get("sections"), Mapping):
        sections = college["sections"]
        blocks.append(
            Table(
                ("Section", "Bodies voting", "Asking for a selection", "Weight %", "Share %"),
                tuple(
                    (
                        str(name),
                        _text(s.get("voted")),
                        _text(s.get("asked")),
                        _text(s.get("weight")),
                        _text(s.get("share")),
                    )
                    for name, s in sections.items()
                    if isinstance(s, Mapping)
                ),
                "Electoral college",
            )
        )
        blocks.append(Paragraph(_text(college.get("summary"))))
    blocks.append(
        Facts(
            (
                ("Verdict", _text(outcome.get("verdict"))),
                ("A selection is triggered", "yes" if outcome.get("triggered") else "no"),
            )
        )
    )
    return Document(
        kind="trigger-report",
        title=f"{TITLES['trigger-report']}: {title}",
        organisation=_text(declaration.get("organisation")),
        basis=BASIS["trigger-report"],
        dated=_text(declaration.get("declared_at"))[:10],
        verification=v,
        blocks=tuple(blocks),
        election_id=_text(declaration.get("trigger_id")),
    )
