"""The turnout base of a yes/no contest comes from the committed roll, never from an option.

An industrial action ballot is valid only if turnout reaches a share of the members *entitled to
vote* (TULRCA s.226(2)(a)(iia)). If that number were a counting option, whoever wrote the Setup
could declare a 35% turnout as 70%. So the count's `entitled` is the roll commitment's eligible
count (its eligible weight in a weighted contest, spec §10.4, §11.9): `counting_options` puts it
in, and a contest whose options state another number is refused by the verifier (V-ENTITLED-1).
"""

from __future__ import annotations

from collections.abc import Mapping

from clearcount.core.errors import ClearcountError
from clearcount.counting.yes_no_profiles import resolve_profile
from clearcount.record.setup_body import ContestSpec, RollCommitment

__all__ = ["ENTITLED", "counting_options", "entitled", "workplace_options"]

ENTITLED = "entitled"
"""The yes-no counting option that holds the number of members entitled to vote."""


def entitled(roll: RollCommitment, spec: ContestSpec) -> int:
    """The members entitled to vote in `spec`: eligible count, or eligible weight if weighted;
    in a scoped election only the members of the scopes that vote in it (§10.4.1)."""
    if roll.scopes:
        scopes = roll.scope_of(spec.id)
        if spec.weighted:
            return sum(w * m for s in scopes for w, m in s.weights)
        return sum(s.eligible for s in scopes)
    return roll.eligible_weight if spec.weighted else roll.eligible


def _uses_entitled(spec: ContestSpec) -> bool:
    if spec.method != "yes-no":
        return False
    if ENTITLED in spec.options:
        return True
    try:
        return resolve_profile(spec.method, spec.options).needs_entitled
    except ClearcountError:
        return False  # the count itself will name the bad option


def counting_options(roll: RollCommitment, spec: ContestSpec) -> Mapping[str, object]:
    """`spec.options` with `entitled` set from the roll where the count uses it (spec §11.9)."""
    if not _uses_entitled(spec):
        return spec.options
    return {**spec.options, ENTITLED: entitled(roll, spec)}


def workplace_options(
    roll: RollCommitment, spec: ContestSpec, eligible: int
) -> Mapping[str, object]:
    """The options of one workplace's count (spec §11.12.3): `entitled` is the workplace's
    electorate from Setup.postal.workplaces, where the count uses it."""
    options = counting_options(roll, spec)
    if ENTITLED not in options:
        return options
    return {**options, ENTITLED: eligible}
