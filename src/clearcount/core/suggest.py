"""Naming the nearest known id when a typed one is unknown ("did you mean 'nm-garage'?").

An official who types `--entitled-unit nm-garrage` should be told at once that no such unit
exists and which one they probably meant, not find out from an empty roll (issue 11). difflib's
ratio is enough for ids of a few dozen characters; callers pass the ids that exist.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["did_you_mean", "no_such"]


def did_you_mean(value: str, known: Iterable[str]) -> str:
    """ "; did you mean 'x'?" (or "'x' or 'y'") for the nearest known ids, or "" if none is near."""
    near = difflib.get_close_matches(value, sorted(set(known)), n=2, cutoff=0.7)
    if not near:
        return ""
    return "; did you mean " + " or ".join(repr(n) for n in near) + "?"


def no_such(kind: str, value: str, known: Iterable[str], where: str = "") -> str:
    """The one-line message for an unknown id: "no such unit 'x' in Org; did you mean 'y'?"."""
    known = list(known)
    place = f" in {where}" if where else ""
    hint = did_you_mean(value, known)
    if not hint and not known:
        hint = f" (there is no {kind} yet)"
    return f"no such {kind} {value!r}{place}{hint}"
