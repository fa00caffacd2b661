"""Organisations and their units: a party with constituency parties, branches and affiliates; a
union with branches and workplaces.

Units matter for eligibility (a CLP's selection is for the members of its branches; an industrial
action ballot is for members at named workplaces) and for suspensions scoped to a unit. The shape
is checked when a unit is added: a party's branch or affiliate sits in a constituency party, a
union's workplace sits in a branch or directly in the union.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from clearcount.core.suggest import no_such
from clearcount.service.audit import AuditedWork, Change, append_events
from clearcount.service.authorisation import Principal, authorise
from clearcount.service.errors import ConflictError, NotFoundError, ValidationError
from clearcount.service.ports import Clock

__all__ = [
    "Organisation",
    "OrganisationKind",
    "OrganisationRepository",
    "OrganisationService",
    "OrganisationWork",
    "Unit",
    "UnitKind",
    "check_id",
    "require_organisation",
    "require_units",
    "upward_closure",
]

_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")


def check_id(obj: str, field: str, value: str) -> str:
    if not _ID.fullmatch(value):
        raise ValidationError(
            obj, field, "1-64 of a-z, 0-9 and '-', starting with a letter or digit", value
        )
    return value


class OrganisationKind(StrEnum):
    PARTY = "party"
    UNION = "union"


class UnitKind(StrEnum):
    CONSTITUENCY_PARTY = "constituency_party"  # a CLP
    BRANCH = "branch"  # a party's ward branch, or a union's branch
    AFFILIATE = "affiliate"  # a union branch or society affiliated to a CLP
    WORKPLACE = "workplace"  # a union's workplace (TULRCA s.228: separate workplace ballots)


# kind of organisation -> kind of unit -> the kinds its parent may have (None: no parent)
_SHAPE: Mapping[OrganisationKind, Mapping[UnitKind, frozenset[UnitKind | None]]] = {
    OrganisationKind.PARTY: {
        UnitKind.CONSTITUENCY_PARTY: frozenset({None}),
        UnitKind.BRANCH: frozenset({UnitKind.CONSTITUENCY_PARTY}),
        UnitKind.AFFILIATE: frozenset({UnitKind.CONSTITUENCY_PARTY}),
    },
    OrganisationKind.UNION: {
        UnitKind.BRANCH: frozenset({None}),
        UnitKind.WORKPLACE: frozenset({None, UnitKind.BRANCH}),
    },
}


@dataclass(frozen=True, slots=True)
class Organisation:
    organisation_id: str
    name: str
    kind: OrganisationKind

    def __post_init__(self) -> None:
        check_id("organisation", "organisation_id", self.organisation_id)
        if not self.name.strip():
            raise ValidationError("organisation", "name", "a non-empty name", self.name)

    def to_json(self) -> dict[str, object]:
        return {"organisation_id": self.organisation_id, "name": self.name, "kind": str(self.kind)}


@dataclass(frozen=True, slots=True)
class Unit:
    organisation_id: str
    unit_id: str
    name: str
    kind: UnitKind
    parent_id: str | None = None

    def __post_init__(self) -> None:
        check_id("unit", "unit_id", self.unit_id)
        if not self.name.strip():
            raise ValidationError("unit", "name", "a non-empty name", self.name)

    def to_json(self) -> dict[str, object]:
        return {
            "unit_id": self.unit_id,
            "name": self.name,
            "kind": str(self.kind),
            "parent_id": self.parent_id,
        }


def upward_closure(units: Iterable[Unit], unit_ids: Iterable[str]) -> frozenset[str]:
    """The given units and every unit above them (a branch's members are in its CLP)."""
    parent = {u.unit_id: u.parent_id for u in units}
    out: set[str] = set()
    for start in unit_ids:
        current: str | None = start
        while current is not None and current not in out:
            out.add(current)
            current = parent.get(current)
    return frozenset(out)


class OrganisationRepository(Protocol):
    def add(self, organisation: Organisation) -> None: ...
    def get(self, organisation_id: str) -> Organisation | None: ...
    def ids(self) -> Sequence[str]:
        """Every organisation's id (to name the nearest to a mistyped one)."""
        ...

    def add_unit(self, unit: Unit) -> None: ...
    def units(self, organisation_id: str) -> Sequence[Unit]: ...


class OrganisationWork(AuditedWork, Protocol):
    """What organisations need of a unit of work."""

    organisations: OrganisationRepository


class OrganisationService:
    def __init__(self, uow: Callable[[], OrganisationWork], clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def create(self, principal: Principal, organisation: Organisation) -> None:
        authorise(principal, "organisations.create")
        actor = principal.name
        with self._uow() as uow:
            if uow.organisations.get(organisation.organisation_id) is not None:
                raise ConflictError(f"organisation {organisation.organisation_id!r} already exists")
            uow.organisations.add(organisation)
            append_events(
                uow,
                at=self._clock.now(),
                actor=actor,
                action="organisation.created",
                organisation_id=organisation.organisation_id,
                subject=f"organisation:{organisation.organisation_id}",
                changes=[Change("organisation", None, organisation)],
            )
            uow.commit()

    def add_unit(self, principal: Principal, unit: Unit) -> None:
        authorise(principal, "organisations.add_unit")
        actor = principal.name
        with self._uow() as uow:
            org = require_organisation(uow, unit.organisation_id)
            existing = {u.unit_id: u for u in uow.organisations.units(org.organisation_id)}
            if unit.unit_id in existing:
                raise ConflictError(f"unit {unit.unit_id!r} already exists in {org.name}")
            allowed = _SHAPE[org.kind].get(unit.kind)
            if allowed is None:
                raise ValidationError(
                    "unit", "kind", f"one of {sorted(_SHAPE[org.kind])} in a {org.kind}", unit.kind
                )
            if unit.parent_id is not None and unit.parent_id not in existing:
                raise NotFoundError(
                    "--parent: " + no_such("unit", unit.parent_id, existing, org.name)
                )
            parent = None if unit.parent_id is None else existing[unit.parent_id]
            if (None if parent is None else parent.kind) not in allowed:
                want = " or ".join(
                    "no parent" if k is None else f"a {k}" for k in sorted(allowed, key=str)
                )
                raise ValidationError(
                    "unit", "parent_id", f"{want} for a {unit.kind}", unit.parent_id
                )
            uow.organisations.add_unit(unit)
            append_events(
                uow,
                at=self._clock.now(),
                actor=actor,
                action="unit.created",
                organisation_id=org.organisation_id,
                subject=f"unit:{unit.unit_id}",
                changes=[Change("unit", None, unit)],
            )
            uow.commit()

    def get(self, organisation_id: str) -> tuple[Organisation, Sequence[Unit]]:
        with self._uow() as uow:
            org = require_organisation(uow, organisation_id)
            return org, list(uow.organisations.units(organisation_id))


def require_organisation(uow: OrganisationWork, organisation_id: str) -> Organisation:
    """The organisation, or NotFoundError naming the nearest existing id."""
    org = uow.organisations.get(organisation_id)
    if org is None:
        raise NotFoundError(no_such("organisation", organisation_id, uow.organisations.ids()))
    return org


def require_units(uow: OrganisationWork, organisation_id: str, unit_ids: Iterable[str],
                  option: str) -> None:  # fmt: skip
    """NotFoundError unless every id in `unit_ids` is a unit of the organisation: typed unit ids
    are checked when given, with the nearest unit named (`--entitled-unit nm-garrage`)."""
    units = uow.organisations.units(organisation_id)
    known = {u.unit_id for u in units}
    for unit_id in sorted(set(unit_ids) - known):
        raise NotFoundError(f"{option}: " + no_such("unit", unit_id, known, organisation_id))
