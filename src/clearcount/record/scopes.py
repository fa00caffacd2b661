"""Contests scoped to part of the roll: who may vote in which contest (spec §10.4.1).

A trigger ballot is one election with a yes/no contest per party branch, each decided by its
own branch's members only. The roll commits each eligible member's contests in the member's
leaf, Setup.roll.scopes says how many members (of each weight) each scope has, and the
credential authority names each credential's scope on the signed Credentials list (§11.3), so
the verifier can check, from the record alone, that each scope has exactly as many credentials
as the roll has members in it and that every ballot holds exactly its credential's contests.
Both the protocol and the verifier use these functions (the verifier never imports protocol).
"""

from __future__ import annotations

from collections import Counter

from clearcount.core.errors import RecordError
from clearcount.record.events import Credentials, RollCommitment

__all__ = ["check_credential_scopes", "credential_scopes"]


def check_credential_scopes(roll: RollCommitment, credentials: Credentials) -> None:
    """A scoped roll's credentials each name a scope, each scope holding as many credentials of
    each weight as the roll commits; an unscoped roll's name none. RecordError otherwise."""
    scopes = roll.scopes
    if credentials.scopes is None:
        if scopes:
            raise RecordError(
                "Credentials.scopes: expected each credential's scope (the roll is scoped to "
                "contests, spec §10.4.1), got none"
            )
        return
    if not scopes:
        raise RecordError("Credentials.scopes: expected none (the roll is not scoped), got some")
    if any(not 0 <= x < len(scopes) for x in credentials.scopes):
        raise RecordError(
            f"Credentials.scopes: expected indices 0..{len(scopes) - 1} of Setup.roll.scopes"
        )
    pairs = list(zip(credentials.weights, credentials.scopes, strict=True))
    for index, scope in enumerate(scopes):
        histogram = tuple(sorted(Counter(w for w, x in pairs if x == index).items()))
        if histogram != scope.weights:
            raise RecordError(
                f"Credentials.scopes: scope {index} (contests {list(scope.contests)}): expected "
                f"the roll's (weight, members) {[list(p) for p in scope.weights]}, got "
                f"{[list(p) for p in histogram]} (a credential moved to another scope)"
            )


def credential_scopes(
    roll: RollCommitment, credentials: Credentials
) -> dict[bytes, tuple[str, ...]]:
    """Public credential encoding -> the contests its ballot holds; empty when unscoped."""
    if credentials.scopes is None:
        return {}
    return {
        c.to_bytes(): roll.scopes[x].contests
        for c, x in zip(credentials.credentials, credentials.scopes, strict=True)
        if 0 <= x < len(roll.scopes)
    }
