"""Authenticated callers for tests (service.authorisation): one helper per role."""

from __future__ import annotations

from clearcount.service.authorisation import Principal, Role

__all__ = ["ANY_VOTER", "authority", "officer", "panel", "voter"]


def officer(name: str = "officer") -> Principal:
    return Principal(name, Role.OFFICER)


def voter(member_id: str) -> Principal:
    return Principal(member_id, Role.VOTER)


def panel(name: str = "appeal panel") -> Principal:
    return Principal(name, Role.APPEAL_PANEL)


def authority(name: str = "scrutineer") -> Principal:
    return Principal(name, Role.CREDENTIAL_AUTHORITY)


ANY_VOTER = voter("a voter")
"""For a Benaloh challenge, which marks nobody."""
