"""A count's Result as canonical JSON for the Result event (spec §11.9.1).

Canonical JSON has no floats (spec §10.1), so exact numbers are written as strings: every
`Fraction` becomes its exact decimal text ("12", "3.25", "-0.5") or, when it has no finite
decimal expansion, "p/q" (lowest terms). Integers stay JSON integers, tuples become arrays, dates
become ISO 8601 strings, mapping keys become strings. The layout is
`counting.result.result_layout`, shared with the reports, so the protocol writes it and the
verifier recomputes it with the same function.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from fractions import Fraction

from clearcount.core.errors import RecordError
from clearcount.counting.numbers import decimal_text
from clearcount.counting.result import Result, result_layout

__all__ = ["exact_value", "result_body"]


def exact_value(value: object, path: str = "result") -> object:
    """`value` made canonical-JSON-able without losing exactness (spec §11.9.1)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Fraction):
        return decimal_text(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): exact_value(v, f"{path}.{k}") for k, v in value.items()}
    if isinstance(value, Sequence | frozenset | set) and not isinstance(value, bytes):
        items = sorted(value, key=str) if isinstance(value, frozenset | set) else value
        return [exact_value(v, f"{path}[{i}]") for i, v in enumerate(items)]
    raise RecordError(
        f"{path}: expected an exact value (int, Fraction, str, ...), got {type(value).__name__}"
    )


def result_body(result: Result) -> dict[str, object]:
    """Everything in `result` (every stage, every tie-break), exact and canonical-JSON-able."""
    converted = exact_value(result_layout(result))
    if not isinstance(converted, dict):  # result_layout returns a dict; exact_value keeps it one
        raise RecordError("result: expected an object")
    return converted
