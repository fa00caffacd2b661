"""Printed credential letters for postal voters: one A4 page each, as PDF (spec §11.3).

`service.roles.delivery.compose_letter` writes what a letter says; this module lays it out with
fpdf2: the address where a DL window envelope (C5/6, window 20 mm from the left, 45 mm from the top)
shows it, the credential code boxed in a monospace font on two lines, the instructions below.
`render_letters` makes one merged PDF (each letter starts a new page) for a print shop;
`write_letters` writes one file per member. Either holds credential secrets: files are written
with permissions 0600, and nothing is logged.

Every name on a roll must print (Siobhán O'Neill, Zoë, Łukasz, Nguyễn): the built-in PDF fonts
cover Latin-1 only, so letters are set in DejaVu Sans (full Latin, Greek and Cyrillic), which
ships inside this package (`mail/fonts/`, Bitstream Vera licence, copied from Debian's
fonts-dejavu-core 2.37): no user ever has to supply or install a font, and every machine sets the
same letter. `font=` overrides it. A character the font lacks is refused with an error naming
the member and the character, rather than printed as a blank box in a wrong address.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import TTFFont

from clearcount.core.errors import ConfigError
from clearcount.service.errors import ConflictError, ValidationError
from clearcount.service.roles.delivery import Letter

__all__ = ["letter_font", "render_letters", "write_letters", "write_private"]

_LEFT, _WIDTH = 20.0, 170.0
_WINDOW = (25.0, 50.0, 85.0)  # x, y, width of the address block (mm)


# the packaged copy first; then where system packages put DejaVu Sans (a damaged install)
_FONT_DIRS = (
    str(Path(__file__).with_name("fonts")),
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu-sans-fonts",
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/TTF",
    "/usr/share/fonts/ttf-dejavu",
    "/usr/local/share/fonts/dejavu",
    "/opt/homebrew/share/fonts",
    "/Library/Fonts",
)
_REGULAR, _BOLD = "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"


def letter_font(dirs: Sequence[str] = _FONT_DIRS) -> tuple[Path, Path]:
    """DejaVu Sans (regular, bold): the packaged copy; ConfigError if the install lost it."""
    for folder in dirs:
        regular = Path(folder) / _REGULAR
        if regular.is_file():
            bold = regular.with_name(_BOLD)
            return regular, bold if bold.is_file() else regular
    raise ConfigError(
        f"letters need the DejaVu Sans font ({_REGULAR}), not found in {', '.join(dirs)}: "
        "reinstall clearcount (it ships the font in clearcount/mail/fonts), install the "
        "fonts-dejavu-core package, or give a TrueType font with --font FILE.ttf"
    )


def _check_glyphs(pdf: FPDF, face: str, letter: Letter) -> None:
    """Refuse a letter with a character the font cannot draw (it would print as a box)."""
    loaded = pdf.fonts[face.lower()]
    cmap = loaded.cmap if isinstance(loaded, TTFFont) else range(256)
    texts = (*letter.address, letter.sender, letter.heading, letter.salutation,
             *letter.before, *letter.after, letter.date)  # fmt: skip
    for text in texts:
        for char in text:
            if not char.isspace() and ord(char) not in cmap:
                raise ValidationError(
                    f"letter for member {letter.member_id}",
                    "text",
                    "characters the letter font has (DejaVu Sans, or --font FILE.ttf)",
                    char,
                )


def _pdf(font: Path | None) -> tuple[FPDF, str, str]:
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_margins(_LEFT, 15, _LEFT)
    pdf.set_auto_page_break(True, margin=15)
    pdf.set_creator("clearcount")
    pdf.set_title("Voting credentials")
    regular, bold = (font, font) if font is not None else letter_font()
    try:
        pdf.add_font("Letter", "", str(regular))
        pdf.add_font("Letter", "B", str(bold))
    except (OSError, RuntimeError) as error:
        _close_fonts(pdf)
        raise ValidationError(
            "letters", "font", "a readable TrueType font file", str(regular)
        ) from error
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
    try:
        for letter in letters:
            _check_glyphs(pdf, face, letter)
            _page(pdf, letter, face, mono)
        return bytes(pdf.output())
    finally:
        _close_fonts(pdf)


def _close_fonts(pdf: FPDF) -> None:
    """fpdf2 reads TrueType fonts lazily and leaves their files open: close them."""
    for loaded in pdf.fonts.values():
        ttfont = getattr(loaded, "ttfont", None)
        if ttfont is not None:
            ttfont.close()


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
