"""Authorisation (issue 8): one policy table, every role tried against every operation, the
table printed in docs/service/authorisation.md."""

from __future__ import annotations

import dataclasses
import inspect
import re
from pathlib import Path
from typing import Any, get_type_hints

import pytest

from clearcount.bootstrap.wiring import Services
from clearcount.service.authorisation import (
    KEY_AUTHENTICATED,
    POLICY,
    PUBLIC,
    Principal,
    Role,
    authorise,
)
from clearcount.service.errors import NotAuthorisedError, ValidationError

DOC = Path(__file__).parents[3] / "docs" / "service" / "authorisation.md"

SERVICES: dict[str, type] = {
    f.name: hint
    for f in dataclasses.fields(Services)
    if isinstance(hint := get_type_hints(Services)[f.name], type)
    and f.name not in {"store", "clock", "mailer"}
}


def checked_by_service(operation: str) -> bool:
    """The operation's method takes the caller's Principal as its first argument."""
    part, method = operation.split(".")
    parameters = list(inspect.signature(getattr(SERVICES[part], method)).parameters)
    return parameters[1:2] == ["principal"]


def how_checked(operation: str) -> str:
    if checked_by_service(operation):
        return "service"
    if operation in KEY_AUTHENTICATED:
        return "own key"
    assert POLICY[operation] == PUBLIC, f"{operation}: neither checked nor public"
    return "public"


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("operation", list(POLICY))
def test_every_role_against_every_operation(operation: str, role: Role) -> None:
    principal = Principal("Alex Doe", role)
    if role in POLICY[operation]:
        authorise(principal, operation)
        return
    needed = " or ".join(sorted(r.value for r in POLICY[operation]))
    with pytest.raises(NotAuthorisedError, match=f"expected a caller with the role {needed}"):
        authorise(principal, operation)


def no_storage() -> Any:
    raise AssertionError("the operation touched storage before checking its caller's role")


def service_operations() -> list[tuple[str, Role]]:
    return [
        (op, role)
        for op in POLICY
        if checked_by_service(op)
        for role in Role
        if role not in POLICY[op]
    ]


@pytest.mark.parametrize(("operation", "role"), service_operations())
def test_each_service_operation_refuses_a_wrong_role_before_touching_anything(
    operation: str, role: Role
) -> None:
    """The real methods, called with a caller of every role the table refuses: each raises
    NotAuthorisedError first (its storage is a trap that fails the test if reached)."""
    part, method = operation.split(".")
    cls = SERVICES[part]
    extra = len(inspect.signature(cls).parameters) - 1
    service = cls(no_storage, *([None] * extra))
    parameters = list(inspect.signature(getattr(service, method)).parameters.values())[1:]
    dummies = [
        "x" for p in parameters if p.default is p.empty and p.kind is p.POSITIONAL_OR_KEYWORD
    ]
    with pytest.raises(NotAuthorisedError, match=re.escape(repr(operation))):
        getattr(service, method)(Principal("Alex Doe", role), *dummies)


def test_every_operation_of_every_service_is_in_the_policy() -> None:
    methods = {
        f"{part}.{name}"
        for part, cls in SERVICES.items()
        for name, _ in inspect.getmembers(cls, inspect.isfunction)
        if not name.startswith("_")
    }
    assert methods == set(POLICY)


def test_an_unknown_operation_is_refused_to_everyone() -> None:
    with pytest.raises(NotAuthorisedError, match="not in the authorisation policy"):
        authorise(Principal("Jo Hale", Role.OFFICER), "ballots.rig")


def test_a_principal_needs_a_name_and_a_role() -> None:
    with pytest.raises(ValidationError, match="name"):
        Principal(" ", Role.VOTER)
    with pytest.raises(ValidationError, match="role"):
        Principal("Jo Hale", "officer")  # type: ignore[arg-type]


def test_a_voter_sees_only_their_own_register_lines() -> None:
    from clearcount.service.elections.register import RegisterService

    service = RegisterService(no_storage, None)  # type: ignore[arg-type]
    with pytest.raises(NotAuthorisedError, match="a voter sees only their own"):
        service.member_marks(Principal("NTW-00002", Role.VOTER), "e", "NTW-00001")


def test_a_voter_gets_only_their_own_roll_receipt() -> None:
    from clearcount.service.membership.roll_snapshot import RollService

    service = RollService(no_storage, None, None)  # type: ignore[arg-type]
    with pytest.raises(NotAuthorisedError, match="a voter gets only their own"):
        service.receipt(Principal("AV0002", Role.VOTER), "b", "AV0001")


def test_the_docs_print_the_same_matrix() -> None:
    """docs/service/authorisation.md's table: one row per operation, one column per role, and
    how the caller is checked."""
    roles = [r.value for r in Role]
    rows = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| operation"):
            assert cells == ["operation", *roles, "checked"]
        elif line.startswith("| `"):
            rows[cells[0].strip("`")] = (cells[1:-1], cells[-1])
    expected = {
        op: (["yes" if r in allowed else "-" for r in Role], how_checked(op))
        for op, allowed in POLICY.items()
    }
    assert rows == expected
