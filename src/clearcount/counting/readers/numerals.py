"""Whole numbers as ballot files write them: ASCII digits, at most 4000 of them.

`str.isdigit` also accepts superscripts and other scripts' digits that `int` refuses, and `int`
refuses more than 4300 digits with a ValueError; a reader that checked `isdigit` and then called
`int` crashed on either (found by tests/fuzz). Weights beyond 64 bits stay readable (the
readers count them without the ranking matrix).
"""

from __future__ import annotations

__all__ = ["MAX_DIGITS", "numeral"]

MAX_DIGITS = 4000


def numeral(token: str) -> int | None:
    """The whole number `token` spells, or None if it is not 1 to 4000 ASCII digits."""
    if token.isascii() and token.isdigit() and len(token) <= MAX_DIGITS:
        return int(token)
    return None
