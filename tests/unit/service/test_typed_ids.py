"""Every typed id is checked against what exists, and the nearest one is named (issue 11): a
unit in a ballot's rules (`--entitled-unit nm-garrage`), a member's units and a suspension's
unit, an organisation, an election."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from tests.principals import officer
from tests.unit.service.election_world import ELECTION, Lifecycle
from tests.unit.service.world import OFFICER, World

from clearcount.service.errors import NotFoundError
from clearcount.service.membership.eligibility import (
    EligibilityRules,
    EntitlementList,
    EntitlementOverride,
)
from clearcount.service.membership.members import Member, Suspension


def _rules(org: str, **kw: object) -> EligibilityRules:
    return EligibilityRules(
        ballot_id="ntwu-depot-2031",
        organisation_id=org,
        ballot_kind="industrial-action",
        basis="TULRCA s.227",
        qualifying_date=date(2031, 3, 1),
        **kw,  # type: ignore[arg-type]
    )


def test_a_mistyped_unit_in_a_ballots_rules_is_refused_naming_the_nearest(world: World) -> None:
    org = world.union()
    entitled = EntitlementList("members at the depot", frozenset({"northfold-dept"}))
    with pytest.raises(NotFoundError) as refused:
        world.eligibility.set_rules(officer(OFFICER), _rules(org, entitlement=entitled))
    assert str(refused.value) == (
        "--entitled-unit: no such unit 'northfold-dept' in northfold-twu; did you mean "
        "'northfold-depot'?"
    )
    with pytest.raises(NotFoundError, match=r"^--unit: no such unit 'tram-yrd'.*'tram-yard'"):
        world.eligibility.set_rules(officer(OFFICER), _rules(org, units=frozenset({"tram-yrd"})))
    with pytest.raises(NotFoundError, match="no such ballot"):  # nothing was stored
        world.eligibility.rules("ntwu-depot-2031")


def test_a_mistyped_unit_of_a_member_or_a_suspension_is_refused(world: World) -> None:
    org = world.union()
    base = Member(org, "NTW-1", "Ann", "Hale", date(2020, 1, 1))
    with pytest.raises(NotFoundError, match=r"member 'NTW-1' units: no such unit 'tram-yrd'"):
        world.members.add(
            officer(OFFICER), Member(**{**_fields(base), "units": frozenset({"tram-yrd"})})
        )
    barred = Suspension(date(2030, 1, 1), None, "branch minute 12", None, "northfold-brnch")
    with pytest.raises(NotFoundError, match=r"suspension: no such unit .*'northfold-branch'"):
        world.members.add(officer(OFFICER), Member(**{**_fields(base), "suspensions": (barred,)}))


def _fields(member: Member) -> dict[str, object]:
    return {f: getattr(member, f) for f in member.__dataclass_fields__}


def test_a_mistyped_election_or_organisation_says_no_such_and_names_the_nearest(
    world: World, tmp_path: Path
) -> None:
    life = Lifecycle(world, tmp_path / "keys")
    life.open()
    typo = ELECTION[:-1] + "3"
    with pytest.raises(NotFoundError) as refused:
        life.register.statistics(typo)
    assert str(refused.value) == f"no such election {typo!r}; did you mean {ELECTION!r}?"
    with pytest.raises(NotFoundError, match=r"^no such organisation 'northfold'.*'northfold-twu'"):
        world.organisations.get("northfold")


def test_a_mistyped_member_in_an_officers_command_names_the_nearest(world: World) -> None:
    org = world.union()
    world.members.add(officer(OFFICER), Member(org, "NTW-00417", "Ann", "Hale", date(2020, 1, 1)))
    with pytest.raises(NotFoundError, match=r"no such member 'NTW-0417' .*'NTW-00417'"):
        world.members.get(officer(OFFICER), org, "NTW-0417")
    entitled = EntitlementList(
        "members at the depot",
        frozenset({"northfold-depot"}),
        included=(EntitlementOverride("NTW-00471", "on the employer's list"),),
    )
    with pytest.raises(NotFoundError, match=r"^--include: no such member 'NTW-00471'.*NTW-00417"):
        world.eligibility.set_rules(officer(OFFICER), _rules(org, entitlement=entitled))
