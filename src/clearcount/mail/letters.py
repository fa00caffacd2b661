"""Printed credential letters for postal voters: one A4 page each, as PDF (spec §11.3).

`service.delivery.compose_letter` writes what a letter says; this module lays it out with fpdf2:
the address where a DL window envelope (C5/6, window 20 mm from the left, 45 mm from the top)
shows it, the credential code boxed in a monospace font on two lines, the instructions below.
`render_letters` makes one merged PDF (each letter starts a new page) for a print shop;
`write_letters` writes one file per member. Either holds credential secrets: files are written
with permissions 0600, and nothing is logged.

The built-in PDF fonts cover Latin-1 only. For names or addresses beyond it, pass a Unicode
TrueType font (`font=`, e.g. DejaVuSans.ttf); otherwise the letter is refused with an error
naming the member and the character, rather than printed with a wrong address.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from clearcount.service.delivery import Letter
from clearcount.service.errors import ConflictError, ValidationError

__all__ = ["render_letters", "write_letters", "write_private"]

_LEFT, _WIDTH = 20.0, 170.0
_WINDOW = (25.0, 50.0, 85.0)  # x, y, width of the address block (mm)


def _check_latin1(letter: Letter) -> None:
    texts = (*letter.address, letter.sender, letter.heading, letter.salutation,
             *letter.before, *letter.after, letter.date)  # fmt: skip
    for text in texts:
        for char in text:
            if ord(char) > 0xFF:
                raise ValidationError(
                    f"letter for member {letter.member_id}",
                    "text",
                    "Latin-1 characters, or a Unicode font (--font FILE.ttf)",
                    char,
                )


def _pdf(font: Path | None) -> tuple[FPDF, str, str]:
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_margins(_LEFT, 15, _LEFT)
    pdf.set_auto_page_break(True, margin=15)
    pdf.set_creator("clearcount")
    pdf.set_title("Voting credentials")
    if font is None:
        return pdf, "Helvetica", "Courier"
    try:
        pdf.add_font("Letter", "", str(font))
        pdf.add_font("Letter", "B", str(font))
    except (OSError, RuntimeError) as error:
        raise ValidationError("letters", "font", "a readable TrueType font file", str(font)) from (
            error
        )
    return pdf, "Letter", "Courier"


def _paragraph(pdf: FPDF, text: str, height: float = 5.0) -> None:
    pdf.multi_cell(_WIDTH, height, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2.5)


def _page(pdf: FPDF, letter: Letter, face: str, mono: str) -> None:
    pdf.add_page()
    pdf.set_font(face, "", 8.5)
    pdf.set_xy(_LEFT, 18)
    pdf.multi_cell(_WIDTH, 4, letter.sender, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    x, y, width = _WINDOW
    pdf.set_font(face, "", 11)
    pdf.set_xy(x, y)
    pdf.multi_cell(width, 5.5, "\n".join(letter.address), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_xy(_LEFT, 92)
    pdf.cell(_WIDTH, 5, letter.date, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(6)
    pdf.set_font(face, "B", 13)
    _paragraph(pdf, letter.heading, 6.5)
    pdf.set_font(face, "", 10.5)
    _paragraph(pdf, letter.salutation)
    for text in letter.before:
        _paragraph(pdf, text)
    groups = letter.code.split("-")
    half = (len(groups) + 1) // 2
    lines = ["-".join(groups[:half]), "-".join(groups[half:])]
    pdf.set_font(face, "B", 10.5)
    pdf.cell(_WIDTH, 6, "Your voting credential:", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(mono, "B", 15)
    top = pdf.get_y() + 1
    pdf.set_y(top + 3)
    for line in lines:
        pdf.cell(_WIDTH, 8, line, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.rect(_LEFT, top, _WIDTH, pdf.get_y() - top + 3)
    pdf.set_y(pdf.get_y() + 7)
    pdf.set_font(face, "", 10.5)
    for text in letter.after:
        _paragraph(pdf, text)


def render_letters(letters: Sequence[Letter], *, font: Path | None = None) -> bytes:
    """One PDF with every letter, each starting on a new A4 page."""
    if not letters:
        raise ValidationError("letters", "letters", "at least one letter", 0)
    pdf, face, mono = _pdf(font)
    for letter in letters:
        if font is None:
            _check_latin1(letter)
        _page(pdf, letter, face, mono)
    return bytes(pdf.output())


def write_private(path: Path, data: bytes) -> None:
    """Write `data` to a new file readable by its owner only (0600); never overwrites."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise ConflictError(f"{path}: already exists; move it away first") from None
    with os.fdopen(fd, "wb") as handle:
        os.fchmod(handle.fileno(), 0o600)
        handle.write(data)


def write_letters(
    letters: Sequence[Letter], folder: Path, *, font: Path | None = None
) -> tuple[Path, ...]:
    """One PDF per member in `folder`, named after the member id ("/" becomes "_")."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for letter in letters:
        name = re.sub(r"[^A-Za-z0-9._-]", "_", letter.member_id) + ".pdf"
        path = folder / name
        write_private(path, render_letters([letter], font=font))
        paths.append(path)
    return tuple(paths)
