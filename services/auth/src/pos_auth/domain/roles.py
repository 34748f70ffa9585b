"""Staff roles and who may manage whom."""

from __future__ import annotations

from enum import StrEnum

from pos_kit.errors import Forbidden


class Role(StrEnum):
    OWNER = "owner"
    MANAGER = "manager"
    CASHIER = "cashier"
    WAITER = "waiter"
    KITCHEN = "kitchen"


# A manager runs the floor and hires the crew but cannot appoint managers or owners;
# only an owner hands out the keys to the restaurant.
_MAY_MANAGE: dict[Role, frozenset[Role]] = {
    Role.OWNER: frozenset(Role),
    Role.MANAGER: frozenset({Role.CASHIER, Role.WAITER, Role.KITCHEN}),
}

STAFF_ADMINS = (Role.OWNER.value, Role.MANAGER.value)
STAFF_ROLES = frozenset(role.value for role in Role)

# The scope a service account needs to manage a restaurant's staff logins.
USERS_WRITE_SCOPE = "users:write"


def ensure_may_manage(actor: Role | None, target: Role) -> None:
    """`actor` None is a service account acting for the restaurant (the restaurant
    service managing its staff): it may manage every login but an owner's."""
    if actor is None:
        if target is Role.OWNER:
            raise Forbidden("A service account may not manage an owner's login.")
        return
    if target not in _MAY_MANAGE.get(actor, frozenset()):
        raise Forbidden(f"A {actor.value} may not manage a {target.value}'s login.")
