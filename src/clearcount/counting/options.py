"""Reading a rule set's options (from `--rules RULES.json`) with errors that name the key."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from fractions import Fraction
from typing import TypeVar

from clearcount.core.errors import ConfigError

__all__ = ["check_keys", "get_bool", "get_choice", "get_fraction", "get_int", "get_str"]

T = TypeVar("T", bound=str)


def check_keys(method: str, options: Mapping[str, object], allowed: Collection[str]) -> None:
    """Reject keys the rule set does not know: a typo must not silently change a count."""
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        raise ConfigError(
            f"{method}: unknown option(s) {', '.join(unknown)}; expected some of "
            f"{', '.join(sorted(allowed)) or '(none)'}"
        )


def get_int(
    method: str,
    options: Mapping[str, object],
    key: str,
    default: int,
    *,
    minimum: int | None = None,
) -> int:
    value = options.get(key, default)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{method}: option {key!r} must be an integer, got {value!r}")
    if minimum is not None and value < minimum:
        raise ConfigError(f"{method}: option {key!r} must be at least {minimum}, got {value}")
    return value


def get_bool(method: str, options: Mapping[str, object], key: str, default: bool) -> bool:
    value = options.get(key, default)
    if not isinstance(value, bool):
        raise ConfigError(f"{method}: option {key!r} must be true or false, got {value!r}")
    return value


def get_str(
    method: str, options: Mapping[str, object], key: str, default: str | None
) -> str | None:
    value = options.get(key, default)
    if value is not None and not isinstance(value, str):
        raise ConfigError(f"{method}: option {key!r} must be a string, got {value!r}")
    return value


def get_choice(
    method: str, options: Mapping[str, object], key: str, default: T, choices: Collection[T]
) -> T:
    value = options.get(key, default)
    for choice in choices:
        if value == choice:
            return choice
    raise ConfigError(
        f"{method}: option {key!r} must be one of {', '.join(sorted(choices))}, got {value!r}"
    )


def get_fraction(
    method: str, options: Mapping[str, object], key: str, default: Fraction
) -> Fraction:
    """An exact number from an int or a decimal string ("0.000001"); floats are refused."""
    value = options.get(key, default)
    if isinstance(value, (bool, float)):
        raise ConfigError(
            f"{method}: option {key!r} must be an integer or a decimal string, got {value!r}"
        )
    if isinstance(value, (int, Fraction)):
        return Fraction(value)
    if isinstance(value, str):
        try:
            return Fraction(value.strip())
        except (ValueError, ZeroDivisionError):
            pass
    raise ConfigError(f"{method}: option {key!r} must be a number, got {value!r}")
