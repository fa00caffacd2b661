"""The named rule sets. Each is a module with `count(contest, options) -> Result`."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Protocol

from clearcount.core.errors import ConfigError
from clearcount.counting.ballots import Contest
from clearcount.counting.result import Result

__all__ = ["METHODS", "count", "rule_set"]


class RuleSet(Protocol):
    METHOD: str

    def count(self, contest: Contest, options: Mapping[str, object] | None = None) -> Result: ...


METHODS: Mapping[str, str] = {
    "fptp": "clearcount.counting.fptp",
    "block": "clearcount.counting.block",
    "approval": "clearcount.counting.approval",
    "yes-no": "clearcount.counting.yes_no",
    "irv": "clearcount.counting.irv",
    "rctab": "clearcount.counting.rctab",
    "stv-scottish": "clearcount.counting.stv_scottish",
    "stv-ers97": "clearcount.counting.stv_ers97",
    "stv-meek": "clearcount.counting.stv_meek",
    "stv-wigm": "clearcount.counting.stv_wigm",
    "stv-minneapolis": "clearcount.counting.stv_minneapolis",
}
"""Method name -> module. `trigger-ballot` counts bodies, not ballots: see `trigger_ballot`."""


def rule_set(method: str) -> RuleSet:
    try:
        module_name = METHODS[method]
    except KeyError:
        raise ConfigError(
            f"unknown counting method {method!r}; expected one of {', '.join(sorted(METHODS))}"
        ) from None
    module: RuleSet = importlib.import_module(module_name)
    return module


def count(method: str, contest: Contest, options: Mapping[str, object] | None = None) -> Result:
    """Count `contest` under the named rule set."""
    return rule_set(method).count(contest, options or {})
