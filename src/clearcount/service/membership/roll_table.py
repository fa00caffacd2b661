"""Reading a membership system's export as a table of text cells, whatever it was saved as.

Real exports are Excel CSVs with a byte-order mark and Windows line endings, Windows-1252 files
from older systems, or XLSX workbooks. `read_table` turns any of them into one header row and
numbered data rows of NFC-normalised text (so "Siobhán" typed with a combining accent and with a
precomposed one are the same name), without guessing anything that could change a value:

- the encoding is UTF-8 (with or without BOM) when the bytes are valid UTF-8, otherwise
  Windows-1252 when every byte is defined there; `encoding=` forces one (`--encoding`);
- the delimiter is a comma, or a semicolon or tab when the header has no comma;
- an XLSX file (a ZIP starting "PK") is read with openpyxl, first worksheet, dates as dates.
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from datetime import date, datetime

from clearcount.core.errors import InputFormatError

__all__ = ["ENCODINGS", "RawTable", "nfc", "read_table"]

ENCODINGS = ("utf-8", "windows-1252")
_XLSX_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True, slots=True)
class RawTable:
    """The export's header cells and its non-blank rows, each with the line it starts on."""

    headers: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    encoding: str
    """What the file was read as: "utf-8", "utf-8 (BOM)", "windows-1252" or "xlsx"."""


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _decode(data: bytes, source: str, encoding: str | None) -> tuple[str, str]:
    if encoding is not None:
        try:
            name = codecs.lookup(encoding).name
        except LookupError:
            raise InputFormatError(
                source, None, f"unknown encoding {encoding!r}; use one of {', '.join(ENCODINGS)}"
            ) from None
        try:
            text = data.decode("utf-8-sig" if name == "utf-8" else name)
        except UnicodeDecodeError as exc:
            raise InputFormatError(
                source, None, f"not {encoding} (byte {exc.start}); check --encoding"
            ) from None
        return text, {"cp1252": "windows-1252", "utf_8": "utf-8"}.get(name, name)
    try:
        text = data.decode("utf-8-sig")
        return text, "utf-8 (BOM)" if data.startswith(codecs.BOM_UTF8) else "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("windows-1252"), "windows-1252"
    except UnicodeDecodeError as exc:
        raise InputFormatError(
            source,
            None,
            f"neither UTF-8 nor Windows-1252 (byte {exc.start}); give the file's encoding "
            "with --encoding",
        ) from None


def _delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    for candidate in (",", ";", "\t"):
        if candidate in header:
            return candidate
    return ","


def _csv(text: str, source: str) -> tuple[list[str], list[tuple[int, tuple[str, ...]]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    header: list[str] | None = None
    rows: list[tuple[int, tuple[str, ...]]] = []
    start = 1
    try:
        for row in reader:
            if header is None:
                header = row
            elif any(cell.strip() for cell in row):
                rows.append((start, tuple(nfc(c) for c in row)))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise InputFormatError(source, reader.line_num, f"CSV syntax: {exc}") from None
    if header is None:
        raise InputFormatError(source, 1, "empty file: expected a header row")
    return header, rows


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return nfc(str(value))


_UNREADABLE = (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError, zlib.error, SyntaxError)
"""What a damaged workbook raises from openpyxl or zipfile (zlib.error: a damaged deflate
stream; SyntaxError: xml.etree's ParseError, a part that is not XML; both found by tests/fuzz),
when it is opened or, read only, as its rows are read."""


def _unreadable(source: str, error: BaseException) -> InputFormatError:
    """The refusal of a damaged workbook, on one line (openpyxl's messages run to three)."""
    first = (str(error).strip().splitlines() or [type(error).__name__])[0]
    return InputFormatError(source, None, f"not a readable XLSX workbook: {first}")


def _xlsx(data: bytes, source: str) -> tuple[list[str], list[tuple[int, tuple[str, ...]]]]:
    import openpyxl  # lazily: only XLSX imports need it

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except _UNREADABLE as error:
        raise _unreadable(source, error) from None
    try:
        sheet = book.worksheets[0]
        header: list[str] | None = None
        rows: list[tuple[int, tuple[str, ...]]] = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_cell_text(v) for v in values]
            if header is None:
                if any(c.strip() for c in cells):
                    header = cells
            elif any(c.strip() for c in cells):
                rows.append((number, tuple(cells)))
    except _UNREADABLE as error:
        raise _unreadable(source, error) from None
    finally:
        book.close()
    if header is None:
        raise InputFormatError(source, 1, "empty worksheet: expected a header row")
    while header and not header[-1].strip():
        header.pop()
    return header, [(n, _trimmed(cells, len(header))) for n, cells in rows]


def _trimmed(cells: tuple[str, ...], width: int) -> tuple[str, ...]:
    """A worksheet row without the blank cells past the header (Excel's formatted columns)."""
    if len(cells) > width and not any(c.strip() for c in cells[width:]):
        return cells[:width]
    return cells


def read_table(data: bytes, source: str, *, encoding: str | None = None) -> RawTable:
    """The export as text cells; InputFormatError naming the file for what cannot be read."""
    if data.startswith(_XLSX_MAGIC):
        header, rows = _xlsx(data, source)
        used = "xlsx"
    else:
        text, used = _decode(data, source, encoding)
        header, rows = _csv(text, source)
    return RawTable(tuple(nfc(h).strip() for h in header), tuple(rows), used)
