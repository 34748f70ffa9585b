"""The people who work at the restaurant, their roles, and who may manage whom."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import Enum, StrEnum

from pos_kit.errors import Conflict, Forbidden
from pos_restaurant.domain.errors import InvalidValue

MAX_FULL_NAME = 200
# Digits with the usual separators and an optional leading +; what a person writes.
_PHONE_RE = re.compile(r"^\+?[0-9 ()./-]{3,31}$")
_MIN_PHONE_DIGITS = 3


class Role(StrEnum):
    OWNER = "owner"
    MANAGER = "manager"
    CASHIER = "cashier"
    WAITER = "waiter"
    KITCHEN = "kitchen"


ALL_ROLES = tuple(r.value for r in Role)
STAFF_ADMINS = (Role.OWNER.value, Role.MANAGER.value)
# Who seats guests and moves them between tables.
FRONT_OF_HOUSE = (Role.OWNER.value, Role.MANAGER.value, Role.CASHIER.value, Role.WAITER.value)

# A manager runs the floor and hires the crew but cannot appoint managers or owners.
_MAY_MANAGE: dict[Role, frozenset[Role]] = {
    Role.OWNER: frozenset(Role),
    Role.MANAGER: frozenset({Role.CASHIER, Role.WAITER, Role.KITCHEN}),
}


def ensure_may_manage(actor: Role, target: Role) -> None:
    if target not in _MAY_MANAGE.get(actor, frozenset()):
        raise Forbidden(f"A {actor.value} may not manage a {target.value}.")


def ensure_may_lay_out_floors(actor: Role) -> None:
    """Floors and tables are drawn by an owner or a manager; the crew only seats guests."""
    if actor.value not in STAFF_ADMINS:
        raise Forbidden(f"A {actor.value} may seat guests but not change the floor plan.")


def ensure_may_have_login_made(role: Role) -> None:
    """Logins made here are made by a service account, which auth lets make any but an owner's."""
    if role is Role.OWNER:
        raise InvalidValue(
            "login",
            "An owner's login is made when the restaurant signs up; "
            "add this owner without a login.",
        )


def check_full_name(name: str) -> str:
    name = name.strip()
    if not 1 <= len(name) <= MAX_FULL_NAME:
        raise InvalidValue("full_name", f"The name needs 1 to {MAX_FULL_NAME} characters.")
    return name


def check_phone(phone: str | None) -> str | None:
    if phone is None or not phone.strip():
        return None
    phone = phone.strip()
    if not _PHONE_RE.match(phone) or sum(c.isdigit() for c in phone) < _MIN_PHONE_DIGITS:
        raise InvalidValue("phone", "A phone number has digits, spaces, ( ) . / - and a leading +.")
    return phone


class _Keep(Enum):
    KEEP = "keep"


KEEP = _Keep.KEEP
"""Marks a field an edit leaves as it is (None means "clear it")."""


@dataclass(frozen=True)
class Actor:
    """The member of staff doing something: their restaurant, role and auth user id."""

    tenant_id: uuid.UUID
    role: Role
    user_id: str


@dataclass(frozen=True)
class Login:
    """The auth login a member of staff signs in with."""

    user_id: uuid.UUID
    email: str


@dataclass
class StaffMember:
    id: uuid.UUID
    tenant_id: uuid.UUID
    full_name: str
    role: Role
    phone: str | None
    email: str | None
    is_active: bool
    login: Login | None
    created_at: datetime
    updated_at: datetime
    deactivated_at: datetime | None = None

    @classmethod
    def hire(
        cls,
        *,
        tenant_id: uuid.UUID,
        full_name: str,
        role: Role,
        phone: str | None,
        email: str | None,
        login: Login | None,
        now: datetime,
    ) -> StaffMember:
        return cls(
            id=uuid.uuid4(),
            tenant_id=tenant_id,
            full_name=check_full_name(full_name),
            role=role,
            phone=check_phone(phone),
            email=email,
            is_active=True,
            login=login,
            created_at=now,
            updated_at=now,
        )

    def edit(
        self,
        *,
        by: Role,
        now: datetime,
        full_name: str | _Keep = KEEP,
        role: Role | _Keep = KEEP,
        phone: str | _Keep | None = KEEP,
        email: str | _Keep | None = KEEP,
    ) -> None:
        ensure_may_manage(by, self.role)
        if role is not KEEP and role is not self.role:
            ensure_may_manage(by, role)
            if self.login is not None:
                # auth holds the role the login's tokens carry and has no way yet to
                # change it; two roles for one person would be worse than none.
                raise Conflict(
                    "This person signs in with a login whose role cannot be changed yet; "
                    "deactivate them and add them again with the new role."
                )
        new_name = self.full_name if full_name is KEEP else check_full_name(full_name)
        new_phone = self.phone if phone is KEEP else check_phone(phone)
        if role is not KEEP:
            self.role = role
        if email is not KEEP:
            self.email = email
        self.full_name, self.phone, self.updated_at = new_name, new_phone, now

    def ensure_may_deactivate(self, *, by: Role, by_user_id: str) -> None:
        """Checked before auth is asked to stop the login, so a refusal changes nothing."""
        ensure_may_manage(by, self.role)
        if self.login is not None and str(self.login.user_id) == by_user_id:
            raise Conflict("You cannot deactivate yourself; ask an owner.")
        if not self.is_active:
            raise Conflict("This person is already deactivated.")

    def deactivate(self, *, by: Role, by_user_id: str, now: datetime) -> None:
        self.ensure_may_deactivate(by=by, by_user_id=by_user_id)
        self.is_active = False
        self.deactivated_at = now
        self.updated_at = now
