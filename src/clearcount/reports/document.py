"""The document model every statutory notice, report and declaration is built as (issue 10).

A document is a title, its statutory basis, the verifier's verdict on the record it came from
(with the record's hash, so a member can check the notice they were sent against the public
record), and a sequence of blocks: headings, paragraphs, labelled facts, tables and figures.
`reports` builds it from the record alone; the renderers (HTML and JSON/CSV here, PDF in
`clearcount.documents`) only lay it out, so every format says the same thing and re-renders
byte for byte from the same record.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from clearcount.reports.sankey import Sankey

__all__ = [
    "Block",
    "CheckLine",
    "Document",
    "Facts",
    "Figure",
    "Heading",
    "Paragraph",
    "Table",
    "Verification",
]


@dataclass(frozen=True, slots=True)
class CheckLine:
    """One of the verifier's checks as the documents show it (spec §12.1)."""

    id: str
    section: str
    title: str
    status: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Verification:
    """What the independent verifier said about the record a document is made from.

    The caller (`clearcount.documents.build`) runs the verifier and fills this in: the reports
    layer never imports the verifier (import-linter), it only states its verdict.
    """

    verified: bool
    record_hash: str
    """The hash of the record's last event (spec §10.2), or a declaration's SHA-256."""
    events: int
    checks: tuple[CheckLine, ...] = ()
    fingerprint: str | None = None
    """The Setup event's hash (spec §11.1): the election's fingerprint."""

    @property
    def verdict(self) -> str:
        failed = [c.id for c in self.checks if c.status == "failed"]
        passed = sum(1 for c in self.checks if c.status == "passed")
        if self.verified:
            return f"VERIFIED: {passed} checks of the independent verifier passed, none failed"
        return "NOT VERIFIED: failed " + (", ".join(failed) or "an essential check")


@dataclass(frozen=True, slots=True)
class Heading:
    text: str


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str
    strong: bool = False


@dataclass(frozen=True, slots=True)
class Facts:
    """Labelled values, one per line: "Members entitled to vote: 2,500"."""

    rows: tuple[tuple[str, str], ...]
    title: str = ""


@dataclass(frozen=True, slots=True)
class Table:
    """A table with a header row; `marks` flags rows to set in bold (totals, the elected)."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    title: str = ""
    bold_rows: frozenset[int] = frozenset()
    first_column_width: float = 0.28
    """The first column's share of the width (the rest share what is left equally)."""


@dataclass(frozen=True, slots=True)
class Figure:
    """The transfers chart: its geometry (`reports.sankey`), drawn by each renderer."""

    chart: Sankey
    caption: str


Block = Heading | Paragraph | Facts | Table | Figure


@dataclass(frozen=True, slots=True)
class Document:
    """One document of one kind, made from one record (module docstring)."""

    kind: str
    title: str
    organisation: str
    basis: tuple[str, ...]
    """The statute or rule each part relies on ("TULRCA 1992 s.231", ...)."""
    dated: str
    """The document's date (ISO), taken from the record: its only date, so it re-renders alike."""
    verification: Verification
    blocks: tuple[Block, ...] = field(default_factory=tuple)
    election_id: str = ""

    def with_blocks(self, blocks: Sequence[Block]) -> Document:
        return Document(
            self.kind,
            self.title,
            self.organisation,
            self.basis,
            self.dated,
            self.verification,
            tuple(blocks),
            self.election_id,
        )
