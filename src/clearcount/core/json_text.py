"""JSON from outside (files, request bodies): `load_json`, json.loads with one failure type.

`json.loads` raises RecursionError, not ValueError, on input nested deeper than the interpreter's
recursion limit (`[[[[...`); a reader that caught ValueError for bad JSON crashed on it (found
by tests/fuzz), and a plain ValueError on an integer of more than 4300 digits. `load_json`
turns both into a `json.JSONDecodeError` (a ValueError), so every
caller's existing handling of bad JSON covers it.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["load_json"]


def load_json(data: str | bytes) -> Any:
    """`json.loads(data)`; nesting too deep to parse is a JSONDecodeError like any bad JSON."""
    try:
        return json.loads(data)
    except json.JSONDecodeError:
        raise
    except (RecursionError, ValueError) as error:  # ValueError: an integer over 4300 digits
        what = "nested too deeply" if isinstance(error, RecursionError) else "a number too long"
        raise json.JSONDecodeError(what, data if isinstance(data, str) else "", 0) from None
