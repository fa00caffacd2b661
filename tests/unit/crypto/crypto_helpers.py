"""Shared helpers for the crypto tests: fixed contexts, seeded keys and proof mutations."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from clearcount.core.errors import ProofError
from clearcount.crypto.group import Point, Scalar

CONTEXT = b"clearcount test election: Riverside Branch 2031"
OTHER_CONTEXT = b"clearcount test election: Hillcrest Branch 2031"


def scalar_fields(proof_bytes: bytes) -> Iterator[tuple[int, bytes]]:
    """Each 32-byte field of a proof encoding replaced by (field + 1) mod L, still canonical."""
    for offset in range(0, len(proof_bytes), 32):
        field = Scalar.from_bytes(proof_bytes[offset : offset + 32])
        bumped = (field + Scalar.from_int(1)).to_bytes()
        yield offset // 32, proof_bytes[:offset] + bumped + proof_bytes[offset + 32 :]


def mutate_value(value: Any) -> Any:
    """A different value of the same kind, for statement-mutation tests."""
    if isinstance(value, Point):
        return value + Point.generator()
    if isinstance(value, bytes):
        return value + b"!"
    if isinstance(value, int):
        return value + 1
    if isinstance(value, list | tuple):
        return [mutate_value(value[0]), *value[1:]]
    if hasattr(value, "pad") and hasattr(value, "data"):
        return type(value)(value.pad, value.data + Point.generator())
    if hasattr(value, "point"):
        return type(value)(value.point + Point.generator())
    raise TypeError(f"no mutation for {type(value).__name__}")


def assert_every_argument_matters(verify: Callable[..., None], **arguments: Any) -> list[str]:
    """Call verify once per argument with that argument mutated: each must raise ProofError."""
    verify(**arguments)  # the unmutated statement verifies
    checked = []
    for name, value in arguments.items():
        if name == "proof":
            continue
        mutated = dict(arguments, **{name: mutate_value(value)})
        with pytest.raises(ProofError):
            verify(**mutated)
        checked.append(name)
    return checked


def assert_every_field_matters(verify_bytes: Callable[[bytes], None], proof_bytes: bytes) -> int:
    """Every scalar field of the proof, bumped by one, makes verification fail."""
    verify_bytes(proof_bytes)
    count = 0
    for _, mutated in scalar_fields(proof_bytes):
        with pytest.raises(ProofError):
            verify_bytes(mutated)
        count += 1
    return count
