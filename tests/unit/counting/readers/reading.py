"""Shared by the reader equivalence tests: a reader's contest, or its error as comparable data."""

from __future__ import annotations

from collections.abc import Callable

from clearcount.core.errors import ClearcountError
from clearcount.counting.ballots import Contest


def read_or_error(reader: Callable[[str, str], Contest], text: str) -> Contest | tuple[str, str]:
    """What `reader` makes of `text`: the contest, or (error type, message)."""
    try:
        return reader(text, "gen.file")
    except ClearcountError as error:
        return type(error).__name__, str(error)
