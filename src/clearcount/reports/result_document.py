"""A count's result as a plain document (dict/list/str/int/Fraction), and its JSON text.

Numbers stay exact: a value with a finite decimal expansion is written as a JSON number with the
rule set's places (never through a float); anything else as the string "p/q".
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from fractions import Fraction

from clearcount.counting.numbers import decimal_text
from clearcount.counting.result import Result, result_layout

__all__ = ["result_document", "to_json"]


def result_document(result: Result) -> dict[str, object]:
    """Everything in a Result, in a stable key order (`counting.result.result_layout`)."""
    return result_layout(result)


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
