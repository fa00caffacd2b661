"""The `[rate_limits]` settings (service.rate_limits; docs/service/server.md):

    [rate_limits]
    login = [10, 300]     # an official's sign-in steps: at most 10 per 300 seconds per address
    code = [5, 600]       # a voter's sign-in code requests
    cast = [20, 600]      # casts and audited ballots

    [rate_limits.address."192.0.2.10"]   # one address's own limits (a load test's client)
    cast = [1000000, 600]
    code = [1000000, 600]

Every limit is optional (the defaults above); counted per client address in the database, so
every server process and machine shares them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from clearcount.core.errors import ConfigError
from clearcount.service.rate_limits import LIMIT_NAMES, Limit, RateLimits

__all__ = ["rate_limits"]


def _limit(value: object, where: str) -> Limit:
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in value)
    ):
        raise ConfigError(
            f"config {where}: expected [requests, seconds], two whole numbers of 1 or more, "
            f"got {value!r}"
        )
    return Limit(value[0], value[1])


def _limits(table: Mapping[str, Any], where: str) -> dict[str, Limit]:
    unknown = sorted(set(table) - set(LIMIT_NAMES))
    if unknown:
        raise ConfigError(
            f"config {where}.{unknown[0]}: no such limit; expected one of {', '.join(LIMIT_NAMES)}"
        )
    return {name: _limit(value, f"{where}.{name}") for name, value in table.items()}


def rate_limits(document: Mapping[str, Any]) -> RateLimits:
    """The limits the settings file gives (the defaults for any it does not)."""
    section = document.get("rate_limits", {})
    if not isinstance(section, dict):
        raise ConfigError("config [rate_limits]: expected a table")
    addresses = section.get("address", {})
    if not isinstance(addresses, dict) or not all(isinstance(v, dict) for v in addresses.values()):
        raise ConfigError('config [rate_limits.address."ADDRESS"]: expected a table per address')
    general = _limits({k: v for k, v in section.items() if k != "address"}, "rate_limits")
    own = {
        address: _limits(table, f'rate_limits.address."{address}"')
        for address, table in addresses.items()
    }
    return RateLimits(**general, addresses=own)
