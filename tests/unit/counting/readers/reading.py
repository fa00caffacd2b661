"""Shared by the reader equivalence tests: a reader's contest, or its error as comparable data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from clearcount.core.errors import ClearcountError
from clearcount.counting.ballots import Contest, compress


def read_or_error(reader: Callable[[str, str], Contest], text: str) -> Contest | tuple[str, str]:
    """What `reader` makes of `text`: the contest, or (error type, message)."""
    try:
        return reader(text, "gen.file")
    except ClearcountError as error:
        return type(error).__name__, str(error)


def assert_reads_as(
    new_reader: Callable[[str, str], Contest],
    old_reader: Callable[[str, str], Contest],
    text: str,
    keeps_ids: bool = True,
) -> None:
    """`new_reader` gives what `old_reader` gives: the same error, the same contest, or (where the
    old one kept no ids, or the new one `keeps_ids` never) that contest with its papers merged by
    `ballots.compress`."""
    new, old = read_or_error(new_reader, text), read_or_error(old_reader, text)
    if not isinstance(old, Contest) or not isinstance(new, Contest):
        assert new == old
        return
    if keeps_ids and any(b.ballot_id is not None for b in old.ballots):
        assert new == old
    else:
        assert new in (replace(old, ballots=compress(old.ballots)), old)
