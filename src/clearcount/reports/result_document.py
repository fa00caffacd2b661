"""A count's result as a plain document (dict/list/str/int/Fraction), and its JSON text.

Numbers stay exact: a value with a finite decimal expansion is written as a JSON number with the
rule set's places (never through a float); anything else as the string "p/q".
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from fractions import Fraction

from clearcount.counting.numbers import decimal_text
from clearcount.counting.result import Result, Stage, TieBreak

__all__ = ["result_document", "to_json"]


def _stage(stage: Stage) -> dict[str, object]:
    return {
        "stage": stage.number,
        "action": stage.action,
        "quota": stage.quota,
        "tallies": dict(stage.tallies),
        "transfers": dict(stage.transfers),
        "non_transferable": stage.non_transferable,
        "exhausted": stage.exhausted,
        "inactive": dict(stage.inactive),
        "elected": list(stage.elected),
        "excluded": list(stage.excluded),
        "notes": list(stage.notes),
    }


def _tie(tie: TieBreak) -> dict[str, object]:
    return {
        "stage": tie.stage,
        "purpose": tie.purpose,
        "tied": list(tie.tied),
        "chosen": list(tie.chosen),
        "method": tie.method,
        "reason": tie.reason,
        "seed": tie.seed,
    }


def result_document(result: Result) -> dict[str, object]:
    """Everything in a Result, in a stable key order."""
    return {
        "method": result.method,
        "seats": result.seats,
        "candidates": list(result.candidates),
        "elected": list(result.elected),
        "quota": result.quota,
        "valid_votes": result.valid_votes,
        "invalid_ballots": result.invalid_ballots,
        "decimals": result.decimals,
        "outcome": dict(result.outcome),
        "options": dict(result.options),
        "tie_breaks": [_tie(t) for t in result.tie_breaks],
        "stages": [_stage(s) for s in result.stages],
    }


def to_json(document: object, places: int | None = None, indent: int = 2) -> str:
    """JSON text with exact numbers; `places` fixes the digits of Fractions (None: as needed)."""
    return _emit(document, places, indent, 0)


def _emit(value: object, places: int | None, indent: int, level: int) -> str:
    pad = "\n" + " " * (indent * (level + 1)) if indent else ""
    end = "\n" + " " * (indent * level) if indent else ""
    if isinstance(value, bool) or value is None or isinstance(value, (str, int)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Fraction):
        text = decimal_text(value, places)
        return text if "/" not in text else json.dumps(text)
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        items = [
            f"{pad}{json.dumps(str(k), ensure_ascii=False)}: {_emit(v, places, indent, level + 1)}"
            for k, v in value.items()
        ]
        return "{" + ",".join(items) + end + "}"
    if isinstance(value, Sequence):
        if not value:
            return "[]"
        items = [f"{pad}{_emit(v, places, indent, level + 1)}" for v in value]
        return "[" + ",".join(items) + end + "]"
    if isinstance(value, float):
        raise TypeError("floats have no place in a count's result")
    return json.dumps(str(value), ensure_ascii=False)
