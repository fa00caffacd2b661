"""The membership part's unit of work: every repository of organisations, members, rules and rolls.

Each service module names only what it needs (`OrganisationWork`, `MemberWork`, `RulesWork`,
`SnapshotWork`, next to the data they store), so no module imports a port that imports it back;
this module gathers them for storage to implement and for the other parts to extend.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from clearcount.service.audit import AuditRepository
from clearcount.service.membership.eligibility import BallotRulesRepository
from clearcount.service.membership.members import MemberRepository
from clearcount.service.membership.organisations import OrganisationRepository
from clearcount.service.membership.roll_snapshot import SnapshotRepository, SnapshotWork

__all__ = [
    "AuditRepository",
    "BallotRulesRepository",
    "MemberRepository",
    "OrganisationRepository",
    "SnapshotRepository",
    "UnitOfWork",
    "UnitOfWorkFactory",
]


class UnitOfWork(SnapshotWork, Protocol):
    """One transaction over every membership repository and the audit log."""


UnitOfWorkFactory = Callable[[], UnitOfWork]
