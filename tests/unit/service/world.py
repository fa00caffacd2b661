"""Test support for the service layer: a fixed clock, counted salts, and `World`, which wires the
services over a real store as the composition root will."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from tests.principals import officer

from clearcount.service.audit import AuditService
from clearcount.service.membership.eligibility import EligibilityService
from clearcount.service.membership.members import MemberService
from clearcount.service.membership.organisations import (
    Organisation,
    OrganisationKind,
    OrganisationService,
    Unit,
    UnitKind,
)
from clearcount.service.membership.roll_import import RollImporter
from clearcount.service.membership.roll_snapshot import RollService
from clearcount.storage.store import SqlStore

FIXTURES = Path(__file__).parents[2] / "fixtures" / "members"
OFFICER = "returning officer R. Quayle"


@dataclass
class FixedClock:
    at: datetime = datetime(2021, 11, 1, 9, 30, tzinfo=UTC)

    def now(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)

    def set_day(self, day: date) -> None:
        self.at = datetime(day.year, day.month, day.day, 9, 30, tzinfo=UTC)


@dataclass
class CountingSalts:
    n: int = 0
    seen: list[bytes] = field(default_factory=list)

    def __call__(self, size: int) -> bytes:
        self.n += 1
        salt = self.n.to_bytes(size, "big")
        self.seen.append(salt)
        return salt


@dataclass
class World:
    store: SqlStore
    clock: FixedClock
    salts: CountingSalts

    def __post_init__(self) -> None:
        uow = self.store.unit_of_work
        self.organisations = OrganisationService(uow, self.clock)
        self.members = MemberService(uow, self.clock)
        self.importer = RollImporter(uow, self.clock)
        self.eligibility = EligibilityService(uow, self.clock)
        self.rolls = RollService(uow, self.clock, self.salts)
        self.audit = AuditService(uow, self.clock)

    def party(self, org: str = "ashby-labour") -> str:
        self.organisations.create(
            officer(OFFICER), Organisation(org, "Ashby Labour Party", OrganisationKind.PARTY)
        )
        for unit in (
            Unit(org, "ashby-vale-clp", "Ashby Vale CLP", UnitKind.CONSTITUENCY_PARTY),
            Unit(org, "av-north", "Ashby Vale North", UnitKind.BRANCH, "ashby-vale-clp"),
            Unit(org, "av-south", "Ashby Vale South", UnitKind.BRANCH, "ashby-vale-clp"),
            Unit(org, "av-unison", "Ashby Vale Unison", UnitKind.AFFILIATE, "ashby-vale-clp"),
        ):
            self.organisations.add_unit(officer(OFFICER), unit)
        return org

    def union(self, org: str = "northfold-twu") -> str:
        self.organisations.create(
            officer(OFFICER),
            Organisation(org, "Northfold Transport Workers' Union", OrganisationKind.UNION),
        )
        for unit in (
            Unit(org, "northfold-branch", "Northfold Branch", UnitKind.BRANCH),
            Unit(org, "northfold-depot", "Northfold Depot", UnitKind.WORKPLACE, "northfold-branch"),
            Unit(org, "tram-yard", "Northfold Tram Yard", UnitKind.WORKPLACE),
        ):
            self.organisations.add_unit(officer(OFFICER), unit)
        return org

    def load(self, org: str, name: str, **options: bool) -> object:
        data = (FIXTURES / name).read_bytes()
        return self.importer.import_csv(officer(OFFICER), org, data, name, **options)
