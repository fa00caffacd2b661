import pytest
from tests.principals import officer
from tests.unit.service.world import OFFICER, World

from clearcount.service.errors import ConflictError, NotFoundError, ValidationError
from clearcount.service.membership.organisations import (
    Organisation,
    OrganisationKind,
    Unit,
    UnitKind,
)


def test_party_shape_is_kept_and_audited(world: World) -> None:
    org = world.party()
    organisation, units = world.organisations.get(org)
    assert organisation.kind is OrganisationKind.PARTY
    assert {u.unit_id: u.parent_id for u in units}["av-north"] == "ashby-vale-clp"
    actions = [e.action for e in world.audit.history(officer(), org)]
    assert actions == ["organisation.created"] + ["unit.created"] * 4


def test_a_branch_must_sit_in_a_constituency_party(world: World) -> None:
    org = world.party()
    with pytest.raises(ValidationError, match=r"unit.parent_id: expected a constituency_party"):
        world.organisations.add_unit(officer(OFFICER), Unit(org, "stray", "Stray", UnitKind.BRANCH))
    with pytest.raises(ValidationError, match=r"unit.kind"):
        world.organisations.add_unit(officer(OFFICER), Unit(org, "w", "Works", UnitKind.WORKPLACE))


def test_union_workplaces_and_errors(world: World) -> None:
    org = world.union()
    with pytest.raises(ConflictError):
        world.organisations.add_unit(
            officer(OFFICER), Unit(org, "tram-yard", "Again", UnitKind.WORKPLACE)
        )
    with pytest.raises(NotFoundError, match="--parent: no such unit 'nope'"):
        world.organisations.add_unit(
            officer(OFFICER), Unit(org, "x", "X", UnitKind.WORKPLACE, "nope")
        )
    with pytest.raises(NotFoundError, match=r"no such unit 'tram-yrd' .*did you mean 'tram-yard'"):
        world.organisations.add_unit(
            officer(OFFICER), Unit(org, "x", "X", UnitKind.WORKPLACE, "tram-yrd")
        )
    with pytest.raises(
        NotFoundError, match=r"no such organisation 'northfold-tw'.*'northfold-twu'"
    ):
        world.organisations.get("northfold-tw")
    with pytest.raises(ConflictError):
        world.organisations.create(
            officer(OFFICER), Organisation(org, "Twice", OrganisationKind.UNION)
        )
    with pytest.raises(NotFoundError):
        world.organisations.get("no-such-org")


@pytest.mark.parametrize("bad", ["", "Upper", "-lead", "a" * 65, "sp ace"])
def test_ids_are_checked(bad: str) -> None:
    with pytest.raises(ValidationError, match="organisation_id"):
        Organisation(bad, "Name", OrganisationKind.PARTY)
