"""A document laid out as PDF with fpdf2: A4, DejaVu Sans, the record hash on every page.

`reports` makes the document (`reports.document`); this module only lays it out. Set in DejaVu
Sans, shipped inside the package (clearcount/mail/fonts, found by path, not imported: `mail`
is a sibling layer), so every name on a roll prints. The PDF's creation date is the document's
own date (taken from the record) and its producer a fixed string, and fpdf2 derives the file
identifier from the content and that date: the same record gives the same bytes, every time,
on every machine. A bundle starts with an index giving each part's first page.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import TableBordersLayout, XPos, YPos
from fpdf.fonts import FontFace

from clearcount.core.errors import ConfigError
from clearcount.reports.appeal_bundle import Bundle
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
from clearcount.reports.sankey_svg import label, sankey_svg, stage_columns

__all__ = ["PRODUCER", "render_pdf"]

PRODUCER = "clearcount documents"
FONT_DIR = Path(__file__).resolve().parent.parent / "mail" / "fonts"
_FACE = "DejaVu"
_MARGIN = 18.0
_WIDTH = 210.0 - 2 * _MARGIN


class _Pdf(FPDF):
    """fpdf2 with the page footer every document carries: the record hash and the page."""

    def __init__(self, footer_text: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.footer_text = footer_text

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(_FACE, "", 7)
        self.set_text_color(90, 90, 90)
        self.cell(_WIDTH * 0.85, 4, self.footer_text, align="L")
        self.cell(_WIDTH * 0.15, 4, f"page {self.page_no()}/{{nb}}", align="R")
        self.set_text_color(0, 0, 0)


def _pdf(title: str, dated: str, v: Verification) -> _Pdf:
    regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
    if not regular.is_file():
        raise ConfigError(
            f"documents need the DejaVu Sans font shipped in {FONT_DIR}: reinstall clearcount"
        )
    pdf = _Pdf(f"Record hash {v.record_hash} · {'verified' if v.verified else 'NOT VERIFIED'}")
    pdf.set_margins(_MARGIN, 16, _MARGIN)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_font(_FACE, "", str(regular))
    pdf.add_font(_FACE, "B", str(bold if bold.is_file() else regular))
    pdf.set_title(title)
    pdf.set_author("clearcount")
    pdf.set_creator("clearcount report")
    pdf.set_producer(PRODUCER)
    pdf.set_creation_date(datetime.fromisoformat(dated[:10]).replace(hour=12, tzinfo=UTC))
    return pdf


def _line(pdf: FPDF, text: str, size: float, bold: bool = False, height: float = 5.0) -> None:
    pdf.set_font(_FACE, "B" if bold else "", size)
    pdf.multi_cell(_WIDTH, height, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _verdict(pdf: FPDF, v: Verification) -> None:
    top = pdf.get_y() + 1
    pdf.set_xy(_MARGIN + 2, top + 2)
    pdf.set_font(_FACE, "B", 9)
    pdf.multi_cell(_WIDTH - 4, 4.5, f"Verifier's verdict: {v.verdict}",
                   align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)  # fmt: skip
    pdf.set_x(_MARGIN + 2)
    pdf.set_font(_FACE, "", 8.5)
    pdf.multi_cell(_WIDTH - 4, 4.5, f"Record hash: {v.record_hash}",
                   align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)  # fmt: skip
    pdf.rect(_MARGIN, top, _WIDTH, pdf.get_y() - top + 2)
    pdf.set_y(pdf.get_y() + 5)


def _header(pdf: FPDF, doc: Document) -> None:
    _line(pdf, doc.organisation, 9)
    _line(pdf, doc.title, 14, bold=True, height=6.5)
    _line(pdf, f"Dated {doc.dated}", 9)
    _verdict(pdf, doc.verification)


def _facts(pdf: FPDF, block: Facts) -> None:
    if block.title:
        _line(pdf, block.title, 10, bold=True, height=6)
    pdf.set_font(_FACE, "", 9)
    with pdf.table(
        col_widths=(0.45, 0.55),
        first_row_as_headings=False,
        borders_layout=TableBordersLayout.HORIZONTAL_LINES,
        text_align="LEFT",
        line_height=4.6,
        width=_WIDTH,
        padding=1.2,
    ) as table:
        for label, value in block.rows:
            row = table.row()
            row.cell(label, style=FontFace(emphasis="BOLD"))
            row.cell(value)
    pdf.ln(3)


def _table(pdf: FPDF, block: Table) -> None:
    if block.title:
        _line(pdf, block.title, 10, bold=True, height=6)
    columns = len(block.header)
    rest = (1 - block.first_column_width) / max(columns - 1, 1)
    size = 8.5 if columns <= 5 else 7 if columns <= 8 else 6
    pdf.set_font(_FACE, "", size)
    with pdf.table(
        col_widths=(block.first_column_width, *([rest] * (columns - 1))),
        text_align=("LEFT", *(["RIGHT"] * (columns - 1))),
        line_height=size * 0.5,
        width=_WIDTH,
        padding=1,
        headings_style=FontFace(emphasis="BOLD", fill_color=(235, 235, 235)),
    ) as table:
        row = table.row()
        for heading in block.header:
            row.cell(heading)
        for index, values in enumerate(block.rows):
            row = table.row()
            style = FontFace(emphasis="BOLD") if index in block.bold_rows else None
            for value in values:
                row.cell(value, style=style)
    pdf.ln(3)


def _figure(pdf: FPDF, block: Figure) -> None:
    """The chart's bands and bars from its SVG (fpdf2 draws SVG paths), labels in DejaVu."""
    chart = block.chart
    width, height = float(chart.width), float(chart.height)
    scale = min(_WIDTH / width, 0.3)
    if pdf.get_y() + height * scale + 14 > pdf.h - 18:
        pdf.add_page()
    left = _MARGIN
    pdf.set_font(_FACE, "B", 7)
    for stage, x in stage_columns(chart).items():
        pdf.text(left + float(x) * scale, pdf.get_y() + 3, f"Stage {stage}")
    top = pdf.get_y() + 4
    svg = sankey_svg(chart, block.caption, labels=False).encode("utf-8")
    pdf.image(io.BytesIO(svg), x=left, y=top, w=width * scale, h=height * scale)
    pdf.set_font(_FACE, "", 7)
    for node in chart.nodes:
        text = f"{label(node.name)} {chart.votes(node.votes)}"
        pdf.text(left + float(node.label_x) * scale, top + float(node.label_y) * scale, text)
    pdf.set_y(top + height * scale + 2)
    _line(pdf, block.caption, 8)
    pdf.ln(2)


def _block(pdf: FPDF, block: Block) -> None:
    if isinstance(block, Heading):
        pdf.ln(1)
        _line(pdf, block.text, 11.5, bold=True, height=6)
    elif isinstance(block, Paragraph):
        _line(pdf, block.text, 9.5, bold=block.strong, height=4.8)
        pdf.ln(1.5)
    elif isinstance(block, Facts):
        _facts(pdf, block)
    elif isinstance(block, Table):
        _table(pdf, block)
    else:
        _figure(pdf, block)


def _document(pdf: FPDF, doc: Document) -> None:
    pdf.add_page()
    _header(pdf, doc)
    for block in doc.blocks:
        _block(pdf, block)
    pdf.ln(2)
    _line(pdf, "Basis: " + "; ".join(doc.basis), 8)


def _index(pdf: FPDF, bundle: Bundle, starts: Sequence[int]) -> None:
    pdf.add_page()
    _line(pdf, bundle.organisation, 9)
    _line(pdf, bundle.title, 14, bold=True, height=6.5)
    _line(pdf, f"Dated {bundle.dated}", 9)
    _verdict(pdf, bundle.verification)
    _line(pdf, "Index", 12, bold=True, height=7)
    pdf.set_font(_FACE, "", 10)
    for number, (part, page) in enumerate(zip(bundle.parts, starts, strict=True), start=1):
        pdf.cell(_WIDTH * 0.85, 6, f"{number}. {part.title}")
        pdf.cell(_WIDTH * 0.15, 6, f"page {page}", align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _close(pdf: FPDF) -> None:
    """fpdf2 leaves TrueType files open: close them (as mail.letters does)."""
    for loaded in pdf.fonts.values():
        ttfont = getattr(loaded, "ttfont", None)
        if ttfont is not None:
            ttfont.close()


def _bundle(bundle: Bundle, starts: Sequence[int]) -> tuple[bytes, list[int]]:
    pdf = _pdf(bundle.title, bundle.dated, bundle.verification)
    try:
        _index(pdf, bundle, starts)
        found = []
        for part in bundle.parts:
            found.append(pdf.page_no() + 1)
            _document(pdf, part)
        return bytes(pdf.output()), found
    finally:
        _close(pdf)


def render_pdf(doc: Document | Bundle) -> bytes:
    """The document's PDF bytes (a bundle: its index first, with each part's first page)."""
    if isinstance(doc, Bundle):
        _, starts = _bundle(doc, [0] * len(doc.parts))
        data, _ = _bundle(doc, starts)
        return data
    pdf = _pdf(doc.title, doc.dated, doc.verification)
    try:
        _document(pdf, doc)
        return bytes(pdf.output())
    finally:
        _close(pdf)
