"""What every fuzzed file reader must do, and the inputs it is fed (issue 12).

A reader fed arbitrary bytes, or a valid file damaged the ways real files and attackers damage
them (cut short, a byte flipped, a huge number, deep nesting, an enormous line, a segment
repeated), either returns a value or raises `ClearcountError` with a one-line message; never
another exception, and never memory out of proportion to the input (`tracemalloc` peak).

Two hypothesis profiles: `ci` (few examples, derandomized, what `pytest` runs) and `long` (the
bench run, `bench/fuzz/run.py`); `CLEARCOUNT_FUZZ_PROFILE` picks one.
"""

from __future__ import annotations

import json
import os
import tracemalloc
from collections.abc import Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clearcount.core.errors import ClearcountError

__all__ = ["FUZZ", "assert_reads_or_refuses", "damaged", "fuzz_reader", "hostile", "inputs"]

settings.register_profile(
    "ci",
    max_examples=25,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.function_scoped_fixture],
)  # fmt: skip
settings.register_profile(
    "long",
    max_examples=int(os.environ.get("CLEARCOUNT_FUZZ_EXAMPLES", "2000")),
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
FUZZ = settings.get_profile(os.environ.get("CLEARCOUNT_FUZZ_PROFILE", "ci"))
"""The settings every fuzz test runs under (not loaded globally: other tests keep theirs)."""

HUGE = (b"9" * 5000, b"1e999999", b"-0", b"NaN", b"Infinity", b"18446744073709551617")
"""Numbers that overflow, are not finite, or are far longer than any real count."""

MEMORY_BASE = 64 * 2**20
MEMORY_PER_BYTE = 200
"""A reader may use at most 64 MiB plus 200 bytes per input byte (Python objects are large)."""


@st.composite
def damaged(draw: st.DrawFn, valid: bytes) -> bytes:
    """`valid` with one or two of the damages real and hostile files have."""
    data = valid
    for _ in range(draw(st.integers(1, 2))):
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(
            ["truncate", "flip", "huge", "nest", "long_line", "repeat", "delete", "byte"]
        ))  # fmt: skip
        if kind == "truncate":
            data = data[:at]
        elif kind == "flip" and data:
            i = min(at, len(data) - 1)
            data = data[:i] + bytes([data[i] ^ (1 << draw(st.integers(0, 7)))]) + data[i + 1 :]
        elif kind == "huge":
            data = data[:at] + draw(st.sampled_from(HUGE)) + data[at:]
        elif kind == "nest":
            depth = draw(st.sampled_from([100, 5000, 100_000]))
            data = data[:at] + b"[" * depth + b"{" * 10 + data[at:]
        elif kind == "long_line":
            data = data[:at] + b"x" * draw(st.sampled_from([70_000, 300_000])) + data[at:]
        elif kind == "repeat":
            end = draw(st.integers(at, min(len(data), at + 200)))
            data = data[:at] + data[at:end] * draw(st.integers(2, 50)) + data[at:]
        elif kind == "delete":
            data = data[:at] + data[at + draw(st.integers(1, 40)) :]
        else:
            data = data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
    return data


_HUGE = "<a number of 5000 digits>"
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
    | st.sampled_from([_HUGE, -1, 0, 2**64, 1e308, "", "roll", "0" * 40]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                max_size=4),
    max_leaves=8,
)  # fmt: skip
"""Any JSON value, with the awkward ones (huge, negative, empty) often."""


def _paths(value: object, path: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, inner in value.items():
            found += _paths(inner, (*path, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += _paths(inner, (*path, index))
    return found


def _replaced(value: object, path: tuple[object, ...], new: object) -> object:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: _replaced(value[head], rest, new)}
    assert isinstance(value, list)
    assert isinstance(head, int)
    return [*value[:head], _replaced(value[head], rest, new), *value[head + 1 :]]


@st.composite
def reshaped(draw: st.DrawFn, document: object) -> bytes:
    """`document` with one value (a field, an item, the whole) replaced by any JSON value, or
    a field removed: the wrong types and missing fields a hand-edited file has."""
    path = draw(st.sampled_from(_paths(document)))
    changed = _replaced(document, path, draw(JSON_VALUES))
    if path and draw(st.integers(0, 3)) == 0:  # or remove it from its parent
        *above, last = path
        holder = document
        for key in above:
            holder = holder[key]  # type: ignore[index]
        if isinstance(holder, dict):
            changed = _replaced(document, tuple(above), {k: v for k, v in holder.items()
                                                         if k != last})  # fmt: skip
    return json.dumps(changed).encode().replace(f'"{_HUGE}"'.encode(), b"9" * 5000)


def inputs(valid: bytes) -> st.SearchStrategy[bytes]:
    """Arbitrary bytes, the valid file itself, the valid file damaged, and for a JSON file the
    document with one value replaced by any JSON value."""
    choices = [st.binary(max_size=2000), st.just(valid), damaged(valid)]
    try:
        document = json.loads(valid)
    except ValueError:
        pass
    else:
        choices += [reshaped(document), reshaped(document)]  # twice: the likeliest to go deep
    return st.one_of(choices)


def hostile(valid: bytes) -> list[bytes]:
    """The classic hostile inputs, always tried (a few examples may not draw them)."""
    middle = len(valid) // 2
    return [
        b"", b"\x00", b"\xff\xfe", valid[:middle], b"[" * 100_000, b"{\"a\":" * 100_000,
        valid[:middle] + b"[" * 100_000 + valid[middle:],
        valid[:middle] + b"9" * 5000 + valid[middle:],
        valid[:middle] + b"x" * 300_000 + valid[middle:],
        valid.replace(b"\n", b"\r"), valid * 20,
    ]  # fmt: skip


def fuzz_reader(read: Callable[[bytes], object], valid: bytes) -> None:
    """`read` on `valid`, on the hostile inputs, then on FUZZ's examples of `inputs(valid)`."""
    for data in [valid, *hostile(valid)]:
        assert_reads_or_refuses(read, data)

    @FUZZ
    @given(inputs(valid))
    def fuzzed(data: bytes) -> None:
        assert_reads_or_refuses(read, data)

    fuzzed()


def assert_reads_or_refuses(read: Callable[[bytes], object], data: bytes) -> object:
    """`read(data)`'s value, or None if it raised a ClearcountError with a one-line message;
    anything else (another exception, a multi-line message, a memory peak out of proportion
    to the input) fails the test."""
    message = None
    tracemalloc.start()
    try:
        value = read(data)
    except ClearcountError as error:
        value, message = None, f"{type(error).__name__}: {str(error).strip()}"
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    allowed = MEMORY_BASE + MEMORY_PER_BYTE * len(data)
    assert peak <= allowed, f"peak {peak} bytes reading {len(data)} bytes"
    if message is not None:
        assert not message.endswith(":"), f"an empty message: {message}"
        assert "\n" not in message, f"a multi-line message: {message[:500]!r}"
    return value
