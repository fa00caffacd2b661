"""Printed voting papers for a postal or hybrid ballot: one A4 page each, as PDF (spec §11.12).

A paper carries what TULRCA s.229 requires: the scrutineer's name, the return address and the
date by which it must be returned, its consecutive number, a separate Yes/No question for strike
and for action short of a strike, who may call the action, and the statutory statement. The home
address sits where a DL window envelope shows it (as `mail.letters`); in a hybrid ballot the
member's online credential is printed too, so the member may vote online instead. Papers are
rendered in issue order (by number). `render_sample` makes the sample paper for the employer
(s.226A(2)(c)): the same layout with no number, address or credential.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from clearcount.mail.letters import letter_font
from clearcount.record.postal_body import PaperContent
from clearcount.service.errors import ValidationError
from clearcount.service.roles.postal_papers import VotingPaper

__all__ = ["VotingPaper", "render_papers", "render_sample"]

_LEFT, _WIDTH = 20.0, 170.0
_WINDOW = (25.0, 50.0, 85.0)


def _when(instant: str) -> str:
    """2031-05-15T17:00:00Z as "17:00 UTC on 15 May 2031" (the deadline as people read it)."""
    at = datetime.fromisoformat(instant)
    zone = "UTC" if at.utcoffset() == timedelta(0) else at.strftime("UTC%z")
    return f"{at:%H:%M} {zone} on {at.day} {at:%B %Y}"


def _pdf() -> FPDF:
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_margins(_LEFT, 15, _LEFT)
    pdf.set_auto_page_break(True, margin=12)
    pdf.set_creator("clearcount")
    pdf.set_title("Voting papers")
    regular, bold = letter_font()
    pdf.add_font("Paper", "", str(regular))
    pdf.add_font("Paper", "B", str(bold))
    return pdf


def _text(pdf: FPDF, text: str, size: float = 10, style: str = "", height: float = 5) -> None:
    pdf.set_font("Paper", style, size)
    pdf.multi_cell(_WIDTH, height, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _page(
    pdf: FPDF, scrutineer: str, title: str, content: PaperContent, paper: VotingPaper | None
) -> None:
    pdf.add_page()
    pdf.set_font("Paper", "B", 11)
    pdf.set_xy(_LEFT, 15)
    label = "SAMPLE VOTING PAPER" if paper is None else f"Voting paper No. {paper.number:06d}"
    pdf.cell(_WIDTH, 6, label, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if paper is not None:
        x, y, width = _WINDOW
        pdf.set_font("Paper", "", 11)
        pdf.set_xy(x, y)
        pdf.multi_cell(width, 5.5, "\n".join(paper.address), new_x=XPos.LMARGIN)
    pdf.set_xy(_LEFT, 92)
    _text(pdf, title, 13, "B", 6.5)
    pdf.ln(1)
    _text(pdf, f"Independent scrutineer: {scrutineer}")
    _text(pdf, f"Issued on {content.issued_on}.")
    _text(pdf, f"Return this paper to: {content.return_address}")
    when = _when(content.return_by)
    _text(pdf, f"It must be received by {when}; papers received later are not counted.", 10, "B")
    pdf.ln(3)
    for question in content.questions:
        _text(pdf, question.text, 11, "B", 6)
        top = pdf.get_y() + 1
        pdf.set_font("Paper", "", 11)
        for i, answer in enumerate(("YES", "NO")):
            pdf.rect(_LEFT + 10 + i * 50, top, 8, 8)
            pdf.set_xy(_LEFT + 20 + i * 50, top + 1.5)
            pdf.cell(25, 5, answer)
        pdf.set_xy(_LEFT, top + 12)
    _text(pdf, "Place a cross (X) in one box for each question.", 9.5)
    pdf.ln(2)
    _text(pdf, f"The person(s) authorised to call industrial action: {content.who_may_call}.", 9.5)
    pdf.ln(1)
    _text(pdf, content.statement, 9.5, "B")
    if paper is not None and paper.credential is not None:
        pdf.ln(2)
        _text(
            pdf, "You may vote online instead of returning this paper, with this credential:", 9.5
        )
        groups = paper.credential.split("-")
        half = (len(groups) + 1) // 2
        pdf.set_font("Courier", "B", 12)
        for line in ("-".join(groups[:half]), "-".join(groups[half:])):
            pdf.cell(_WIDTH, 6, line, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        _text(pdf, "If you do both, the paper counts as the published precedence rule says.", 8.5)


def render_papers(
    scrutineer: str, title: str, content: PaperContent, papers: Sequence[VotingPaper]
) -> bytes:
    """One PDF with every member's paper, in issue order (ascending number), one page each."""
    if not papers:
        raise ValidationError("voting papers", "papers", "at least one paper", 0)
    pdf = _pdf()
    for paper in sorted(papers, key=lambda p: p.number):
        _page(pdf, scrutineer, title, content, paper)
    return bytes(pdf.output())


def render_sample(scrutineer: str, title: str, content: PaperContent) -> bytes:
    """The sample voting paper for the employer: no number, address or credential."""
    pdf = _pdf()
    _page(pdf, scrutineer, title, content, None)
    return bytes(pdf.output())
