"""A Result read back from its record body (spec §11.9.1), for reports of a published count.

The Result event stores `counting.result.result_layout` with exact numbers as strings ("12",
"3.25", "1/3"); this is the inverse, so the stage table and the transfers chart of a published
election are drawn from exactly what the record says, not from a recount.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from clearcount.core.errors import RecordError
from clearcount.counting.result import Result, Stage, TieBreak

__all__ = ["result_from_body"]


def _number(value: object, path: str) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise RecordError(f"{path}: expected an exact number, got {value!r}")
    try:
        return Fraction(value)
    except (ValueError, ZeroDivisionError):
        raise RecordError(f"{path}: expected an exact number, got {value!r}") from None


def _optional(value: object, path: str) -> Fraction | None:
    return None if value is None else _number(value, path)


def _map(value: object, path: str) -> dict[str, Fraction]:
    if not isinstance(value, Mapping):
        raise RecordError(f"{path}: expected an object, got {type(value).__name__}")
    return {str(k): _number(v, f"{path}.{k}") for k, v in value.items()}


def _names(value: object, path: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise RecordError(f"{path}: expected an array, got {type(value).__name__}")
    return tuple(str(v) for v in value)


def _object(value: object, path: str) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise RecordError(f"{path}: expected an object, got {type(value).__name__}")
    return value


def _int(value: object, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise RecordError(f"{path}: expected an integer, got {value!r}")
    return value


def _stage(value: object, path: str) -> Stage:
    s = _object(value, path)
    return Stage(
        number=_int(s.get("stage"), f"{path}.stage"),
        action=str(s.get("action", "")),
        tallies=_map(s.get("tallies", {}), f"{path}.tallies"),
        non_transferable=_number(s.get("non_transferable", 0), f"{path}.non_transferable"),
        exhausted=_number(s.get("exhausted", 0), f"{path}.exhausted"),
        transfers=_map(s.get("transfers", {}), f"{path}.transfers"),
        elected=_names(s.get("elected", []), f"{path}.elected"),
        excluded=_names(s.get("excluded", []), f"{path}.excluded"),
        quota=_optional(s.get("quota"), f"{path}.quota"),
        inactive=_map(s.get("inactive", {}), f"{path}.inactive"),
        notes=_names(s.get("notes", []), f"{path}.notes"),
    )


def _tie(value: object, path: str) -> TieBreak:
    t = _object(value, path)
    seed = t.get("seed")
    return TieBreak(
        stage=_int(t.get("stage"), f"{path}.stage"),
        purpose=str(t.get("purpose", "")),
        tied=_names(t.get("tied", []), f"{path}.tied"),
        chosen=_names(t.get("chosen", []), f"{path}.chosen"),
        method=str(t.get("method", "")),
        reason=str(t.get("reason", "")),
        seed=None if seed is None else str(seed),
    )


def result_from_body(body: Mapping[str, object], path: str = "result") -> Result:
    """The Result a record's result body describes; RecordError naming a malformed field."""
    stages = body.get("stages", [])
    ties = body.get("tie_breaks", [])
    decimals = body.get("decimals")
    if not isinstance(stages, list) or not isinstance(ties, list):
        raise RecordError(f"{path}: expected arrays of stages and tie_breaks")
    return Result(
        method=str(body.get("method", "")),
        seats=_int(body.get("seats"), f"{path}.seats"),
        candidates=_names(body.get("candidates"), f"{path}.candidates"),
        elected=_names(body.get("elected", []), f"{path}.elected"),
        stages=tuple(_stage(s, f"{path}.stages[{i}]") for i, s in enumerate(stages)),
        valid_votes=_number(body.get("valid_votes", 0), f"{path}.valid_votes"),
        quota=_optional(body.get("quota"), f"{path}.quota"),
        tie_breaks=tuple(_tie(t, f"{path}.tie_breaks[{i}]") for i, t in enumerate(ties)),
        invalid_ballots=_int(body.get("invalid_ballots", 0), f"{path}.invalid_ballots"),
        decimals=None if decimals is None else _int(decimals, f"{path}.decimals"),
        outcome=_object(body.get("outcome", {}), f"{path}.outcome"),
        options=_object(body.get("options", {}), f"{path}.options"),
    )
