from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clearcount.service.errors import ValidationError
from clearcount.service.membership.eligibility import (
    EligibilityDecision,
    EligibilityRules,
    EntitlementList,
    EntitlementOverride,
    MemberFacts,
    add_months,
    decide,
)
from clearcount.service.membership.members import Suspension

Q = date(2021, 11, 9)  # the 2021/22 trigger round's qualifying date (domain.md §1.1)


def facts(member_id: str = "AV0001", **kw: object) -> MemberFacts:
    base: dict[str, object] = {
        "member_id": member_id,
        "joined": date(2015, 3, 2),
        "left": None,
        "paid_up_to": date(2022, 3, 31),
        "units": frozenset({"av-north", "ashby-vale-clp"}),
        "categories": frozenset(),
        "suspensions": (),
    }
    return MemberFacts(**(base | kw))  # type: ignore[arg-type]


def rules(**kw: object) -> EligibilityRules:
    base: dict[str, object] = {
        "ballot_id": "av-trigger-2021",
        "organisation_id": "ashby-labour",
        "ballot_kind": "trigger",
        "basis": "NEC procedural guidelines 2021",
        "qualifying_date": Q,
    }
    return EligibilityRules(**(base | kw))  # type: ignore[arg-type]


def failed(decision: EligibilityDecision) -> dict[str, str]:
    return {c.rule: c.reason for c in decision.checks if not c.passed}


def test_add_months_clamps_to_month_end() -> None:
    assert add_months(date(2021, 8, 31), -6) == date(2021, 2, 28)
    assert add_months(date(2020, 8, 31), -6) == date(2020, 2, 29)
    assert add_months(date(2021, 11, 9), -6) == date(2021, 5, 9)
    assert add_months(date(2021, 11, 30), 3) == date(2022, 2, 28)


def test_freeze_date_reason_names_both_dates() -> None:
    d = decide(facts(joined=date(2021, 6, 1)), rules(freeze_date=date(2021, 5, 9)))
    assert not d.eligible
    assert failed(d) == {"freeze": "joined 2021-06-01, after the freeze date 2021-05-09"}
    assert d.reason == "joined 2021-06-01, after the freeze date 2021-05-09"
    on_the_day = decide(facts(joined=date(2021, 5, 9)), rules(freeze_date=date(2021, 5, 9)))
    assert on_the_day.eligible


def test_continuous_membership_and_leavers() -> None:
    r = rules(minimum_membership_months=6)
    assert decide(facts(joined=date(2021, 5, 9)), r).eligible
    d = decide(facts(joined=date(2021, 5, 10)), r)
    assert "less than 6 months' continuous membership at 2021-11-09" in failed(d)["continuous"]
    gone = decide(facts(left=date(2021, 10, 1)), r)
    assert failed(gone) == {
        "membership": "left 2021-10-01, on or before the qualifying date 2021-11-09"
    }
    assert decide(facts(left=date(2021, 11, 10)), r).eligible


def test_arrears_with_grace_period() -> None:
    r = rules(arrears_grace_months=3)
    assert decide(facts(paid_up_to=date(2021, 8, 9)), r).eligible  # grace reaches 11-09
    d = decide(facts(paid_up_to=date(2021, 8, 8)), r)
    assert failed(d)["standing"] == (
        "in arrears: paid up to 2021-08-08; with 3 months' grace "
        "good standing ended 2021-11-08, before 2021-11-09"
    )
    assert failed(decide(facts(paid_up_to=None), r))["standing"] == (
        "in arrears: no subscription record"
    )
    assert decide(facts(paid_up_to=None), rules()).eligible  # standing not checked


def test_suspension_scope_and_dates() -> None:
    s = Suspension(
        date(2021, 8, 1),
        None,
        "NEC disputes panel 2021-08-01 #17",
        ballot_kinds=frozenset({"selection"}),
    )
    assert decide(facts(suspensions=(s,)), rules()).eligible  # a trigger ballot: not covered
    d = decide(facts(suspensions=(s,)), rules(ballot_kind="selection"))
    assert failed(d) == {
        "suspension": "suspended from ballots of kind selection from "
        "2021-08-01 (NEC disputes panel 2021-08-01 #17)"
    }
    lifted = Suspension(date(2021, 8, 1), date(2021, 11, 9), "ref 18")
    assert decide(facts(suspensions=(lifted,)), rules()).eligible  # lifted on the day
    later = Suspension(date(2021, 11, 10), None, "ref 19")
    assert decide(facts(suspensions=(later,)), rules()).eligible
    everywhere = Suspension(date(2021, 1, 1), date(2022, 1, 1), "ref 20")
    assert (
        "until 2022-01-01 (ref 20)"
        in failed(decide(facts(suspensions=(everywhere,)), rules()))["suspension"]
    )
    local = Suspension(date(2021, 1, 1), None, "ref 21", unit_id="av-south")
    assert decide(facts(suspensions=(local,)), rules()).eligible
    assert not decide(facts(suspensions=(local,)), rules(units=frozenset({"av-south"}))).eligible


def test_unit_membership_counts_units_above_the_members_own() -> None:
    r = rules(units=frozenset({"ashby-vale-clp"}))
    assert decide(facts(), r).eligible
    d = decide(facts(units=frozenset({"bx-east", "bexley-clp"})), r)
    assert failed(d) == {"unit": "not a member of any of ashby-vale-clp"}


def test_entitlement_list_for_a_union_ballot() -> None:
    ent = EntitlementList(
        basis="drivers at Northfold Depot, whom the union believes will be induced (s.227)",
        units=frozenset({"northfold-depot"}),
        categories=frozenset({"driver"}),
        included=(EntitlementOverride("NTW-00003", "covering driver rota from 2025-09"),),
        excluded=(EntitlementOverride("NTW-00006", "on employer's leaver list, 2025-11-30"),),
    )
    r = rules(ballot_kind="industrial-action", entitlement=ent)

    def at(member_id: str, unit: str, *cats: str) -> EligibilityDecision:
        return decide(facts(member_id, units=frozenset({unit}), categories=frozenset(cats)), r)

    assert at("NTW-00001", "northfold-depot", "driver").eligible
    assert (
        "entitled (northfold-depot, driver)" in at("NTW-00001", "northfold-depot", "driver").reason
    )
    assert failed(at("NTW-00005", "northfold-depot", "clerical")) == {
        "entitlement": "not entitled: not in any of the categories driver"
    }
    assert at("NTW-00003", "tram-yard", "engineer").eligible
    assert failed(at("NTW-00006", "northfold-depot", "driver")) == {
        "entitlement": "excluded from the entitlement list: on employer's leaver list, 2025-11-30"
    }
    with pytest.raises(ValidationError, match="included"):
        EntitlementList(
            "b",
            included=(EntitlementOverride("X", "r"),),
            excluded=(EntitlementOverride("X", "r"),),
        )


def test_rules_are_checked() -> None:
    with pytest.raises(ValidationError, match="freeze_date"):
        rules(freeze_date=Q + timedelta(days=1))
    with pytest.raises(ValidationError, match="basis"):
        rules(basis=" ")
    with pytest.raises(ValidationError, match="minimum_membership_months"):
        rules(minimum_membership_months=-1)


days = st.dates(date(2000, 1, 1), date(2021, 11, 9))
suspensions = st.builds(
    Suspension,
    start=days,
    end=st.none() | st.just(date(2021, 12, 1)),
    reference=st.just("ref"),
    ballot_kinds=st.none() | st.just(frozenset({"trigger"})) | st.just(frozenset({"selection"})),
    unit_id=st.none() | st.just("av-south"),
)
member_facts = st.builds(
    MemberFacts,
    member_id=st.from_regex(r"AV[0-9]{4}", fullmatch=True),
    joined=days,
    left=st.none() | days,
    paid_up_to=st.none() | days,
    units=st.frozensets(st.sampled_from(["av-north", "av-south", "ashby-vale-clp"])),
    categories=st.frozensets(st.sampled_from(["driver", "clerical"])),
    suspensions=st.lists(suspensions, max_size=2).map(tuple),
)
rule_sets = st.builds(
    rules,
    minimum_membership_months=st.integers(0, 24),
    arrears_grace_months=st.none() | st.integers(0, 6),
    units=st.none() | st.just(frozenset({"av-south"})),
    entitlement=st.none() | st.just(EntitlementList("drivers", categories=frozenset({"driver"}))),
)


@given(member_facts, rule_sets, days, days)
def test_eligibility_is_monotone_in_the_freeze_date(
    f: MemberFacts, r: EligibilityRules, d1: date, d2: date
) -> None:
    early, late = sorted((d1, d2))
    if decide(f, rules(**{**_fields(r), "freeze_date": early})).eligible:
        assert decide(f, rules(**{**_fields(r), "freeze_date": late})).eligible


@given(member_facts, rule_sets)
def test_decisions_reproduce_from_stored_json(f: MemberFacts, r: EligibilityRules) -> None:
    again = decide(MemberFacts.from_json(f.to_json()), EligibilityRules.from_json(r.to_json()))
    assert again == decide(f, r)
    assert EligibilityDecision.from_json(again.to_json()) == again


def _fields(r: EligibilityRules) -> dict[str, object]:
    return {name: getattr(r, name) for name in r.__dataclass_fields__}
