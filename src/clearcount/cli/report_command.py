"""`clearcount report RECORD --kind ...`: a statutory document re-made from the public record.

docs/documents.md. The record is verified first; a record that does not verify, or a kind that
does not fit the election (an s.231 result of an STV election), is refused with one line. The
same record gives the same bytes, so a member can check the notice they were sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click

from clearcount.reports.statutory_fields import KINDS, TITLES

from .choices import FORMATS

__all__ = ["report_command", "write_documents"]


def write_documents(
    record: Path, kinds: Sequence[str], folder: Path, stem: str, formats: Sequence[str] = ("pdf",)
) -> list[Path]:
    """Write each kind (in each format) made from `record` into `folder`; the paths written."""
    from clearcount.documents.build import make_document, read_verified, render, suffix

    folder.mkdir(parents=True, exist_ok=True)
    verified = None if "trigger-report" in kinds else read_verified(record)
    written = []
    for kind in kinds:
        document = make_document(verified or record, kind)
        for fmt in formats:
            path = folder / f"{stem}-{kind}{suffix(fmt)}"
            path.write_bytes(render(document, fmt))
            written.append(path)
    return written


@click.command("report")
@click.argument("record", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--kind",
    type=click.Choice(KINDS),
    required=True,
    help="; ".join(f"{k}: {TITLES[k]}" for k in KINDS) + ".",
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="pdf", show_default=True)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The file to write (default: KIND.FORMAT in the current folder).",
)
@click.option(
    "--branch-record",
    "branch_records",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    help="trigger-report: the trigger ballot's election record (default: the folder named by "
    "its election id beside the declaration).",
)
@click.option(
    "--evidence",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="appeal-bundle: the panel's evidence zip (`clearcount appeal evidence`) of this "
    "record, to add the complaint, the decision and the audit log's entries.",
)
def report_command(
    record: Path,
    kind: str,
    fmt: str,
    out: Path | None,
    branch_records: tuple[Path, ...],
    evidence: Path | None,
) -> None:
    """Make a statutory notice, report or declaration from a verified election RECORD.

    RECORD is the election's record (a trigger ballot: its declaration). It is verified first;
    the document states the verifier's verdict and the record's hash, and re-renders byte for
    byte from the record alone.
    """
    from clearcount.documents.build import make_document, render, suffix

    document = make_document(record, kind, branch_records=branch_records, evidence=evidence)
    target = out or Path(f"{kind}{suffix(fmt)}")
    target.write_bytes(render(document, fmt))
    click.echo(f"{target}: {document.title} ({document.verification.verdict})")
