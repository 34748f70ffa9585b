"""Staff rules: who may manage whom, logins, and what cannot change once a login exists."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from pos_kit.errors import Conflict, Forbidden
from pos_restaurant.domain.errors import InvalidValue
from pos_restaurant.domain.staff import (
    Login,
    Role,
    StaffMember,
    check_phone,
    ensure_may_have_login_made,
    ensure_may_lay_out_floors,
    ensure_may_manage,
)

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def a_member(role: Role = Role.WAITER, login: Login | None = None) -> StaffMember:
    return StaffMember.hire(
        tenant_id=uuid.uuid4(),
        full_name="Sam Server",
        role=role,
        phone="+33 1 23 45 67 89",
        email=None,
        login=login,
        now=NOW,
    )


@pytest.mark.parametrize("target", list(Role))
def test_an_owner_manages_everyone(target: Role) -> None:
    ensure_may_manage(Role.OWNER, target)


@pytest.mark.parametrize(
    ("target", "allowed"),
    [
        (Role.OWNER, False),
        (Role.MANAGER, False),
        (Role.CASHIER, True),
        (Role.WAITER, True),
        (Role.KITCHEN, True),
    ],
)
def test_a_manager_hires_the_crew_but_not_managers_or_owners(target: Role, allowed: bool) -> None:
    if allowed:
        ensure_may_manage(Role.MANAGER, target)
    else:
        with pytest.raises(Forbidden):
            ensure_may_manage(Role.MANAGER, target)


@pytest.mark.parametrize("actor", [Role.CASHIER, Role.WAITER, Role.KITCHEN])
def test_the_crew_manages_nobody_and_draws_no_floor_plan(actor: Role) -> None:
    with pytest.raises(Forbidden):
        ensure_may_manage(actor, Role.KITCHEN)
    with pytest.raises(Forbidden):
        ensure_may_lay_out_floors(actor)


def test_an_owners_login_is_not_made_here() -> None:
    with pytest.raises(InvalidValue):
        ensure_may_have_login_made(Role.OWNER)
    ensure_may_have_login_made(Role.MANAGER)


def test_the_role_of_someone_with_a_login_cannot_change_here() -> None:
    member = a_member(login=Login(user_id=uuid.uuid4(), email="sam@bistro.example"))
    with pytest.raises(Conflict):
        member.edit(by=Role.OWNER, now=NOW, role=Role.CASHIER)
    member.edit(by=Role.OWNER, now=NOW, full_name="Samuel Server", phone=None)
    assert (member.role, member.full_name, member.phone) == (Role.WAITER, "Samuel Server", None)


def test_a_manager_cannot_promote_anyone_to_manager() -> None:
    member = a_member()
    with pytest.raises(Forbidden):
        member.edit(by=Role.MANAGER, now=NOW, role=Role.MANAGER)
    member.edit(by=Role.MANAGER, now=NOW, role=Role.CASHIER)
    assert member.role is Role.CASHIER


def test_deactivation_is_once_and_never_of_oneself() -> None:
    me = uuid.uuid4()
    myself = a_member(Role.OWNER, login=Login(user_id=me, email="me@bistro.example"))
    with pytest.raises(Conflict):
        myself.deactivate(by=Role.OWNER, by_user_id=str(me), now=NOW)
    waiter = a_member()
    waiter.deactivate(by=Role.MANAGER, by_user_id=str(me), now=NOW)
    assert (waiter.is_active, waiter.deactivated_at) == (False, NOW)
    with pytest.raises(Conflict):
        waiter.deactivate(by=Role.MANAGER, by_user_id=str(me), now=NOW)
    with pytest.raises(Forbidden):
        a_member(Role.MANAGER).deactivate(by=Role.MANAGER, by_user_id=str(me), now=NOW)


@pytest.mark.parametrize("phone", ["+44 20 7946 0958", "(555) 010-9999", "0612345678"])
def test_phone_numbers_as_people_write_them(phone: str) -> None:
    assert check_phone(phone) == phone


@pytest.mark.parametrize("phone", ["call me", "12", "+", "555-CALL-NOW"])
def test_what_is_not_a_phone_number(phone: str) -> None:
    with pytest.raises(InvalidValue):
        check_phone(phone)
