"""A ballot file's bytes as text: UTF-8 (a leading byte order mark dropped), or a clear error."""

from __future__ import annotations

from clearcount.core.errors import InputFormatError

__all__ = ["BOM", "decode_text"]

BOM = b"\xef\xbb\xbf"
"""The UTF-8 byte order mark some editors write first; never part of the text."""


def decode_text(data: bytes, source: str) -> str:
    """`data` decoded as UTF-8 without its byte order mark; an error names the first bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFormatError(
            source,
            None,
            f"expected UTF-8 text, found byte {data[exc.start]:#04x} at offset {exc.start}",
        ) from None
