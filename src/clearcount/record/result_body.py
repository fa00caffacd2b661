"""A count's Result as canonical JSON for the Result event (spec §11.9.1).

Canonical JSON has no floats (spec §10.1), so exact numbers are written as strings: every
`Fraction` becomes its exact decimal text ("12", "3.25", "-0.5") or, when it has no finite
decimal expansion, "p/q" (lowest terms). Integers stay JSON integers, tuples become arrays, dates
become ISO 8601 strings, mapping keys become strings. The layout is
`counting.result.result_layout`, shared with the reports, so the protocol writes it and the
verifier recomputes it with the same function.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from fractions import Fraction

from clearcount.core.errors import RecordError
from clearcount.counting.numbers import decimal_text
from clearcount.counting.result import Result, result_layout

__all__ = ["RESULT_FIELDS", "STAGE_FIELDS", "exact_value", "result_body", "result_decisions"]


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


RESULT_FIELDS = (
    "method", "seats", "candidates", "elected", "quota", "valid_votes", "invalid_ballots",
)  # fmt: skip
"""Top-level fields of a result body that V-RESULT-2 compares (spec §11.9.2)."""

STAGE_FIELDS = ("stage", "quota", "tallies", "non_transferable", "exhausted", "elected", "excluded")
"""Fields of each stage that V-RESULT-2 compares (spec §11.9.2)."""

_EXACT_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?(/[0-9]+)?")


def result_decisions(body: Mapping[str, object], candidates: Sequence[str]) -> dict[str, object]:
    """The numbers and decisions of a result body: what a verifier compares (spec §11.9.2).

    Wording (stage actions, notes, tie-break reasons, a yes/no test's rule and legal section),
    the effective options and the tie-break log are explanation for people, versioned with the
    software; a verifier written from the spec compares only what the rules determine. Works on
    any declared body: a field of the wrong shape is kept as it is, so it differs.
    """
    decided: dict[str, object] = {name: body.get(name) for name in RESULT_FIELDS}
    stages = body.get("stages")
    decided["stages"] = [_stage(stage) for stage in stages] if isinstance(stages, list) else stages
    decided["outcome"] = dict(_facts(body.get("outcome"), "outcome", frozenset(candidates)))
    return decided


def _stage(stage: object) -> object:
    if not isinstance(stage, Mapping):
        return stage
    return {name: stage.get(name) for name in STAGE_FIELDS}


def _facts(value: object, path: str, names: frozenset[str]) -> Iterator[tuple[str, object]]:
    """Every boolean, integer, exact number and candidate name below `value`, by its path."""
    if isinstance(value, Mapping):
        for key in sorted(value, key=str):
            yield from _facts(value[key], f"{path}.{key}", names)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _facts(item, f"{path}[{index}]", names)
    elif _is_fact(value, names):
        yield path, value


def _is_fact(value: object, names: frozenset[str]) -> bool:
    if isinstance(value, str):
        return value in names or _EXACT_NUMBER.fullmatch(value) is not None
    return isinstance(value, bool | int)
