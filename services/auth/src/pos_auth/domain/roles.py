"""Staff roles and who may manage whom."""

from __future__ import annotations

from enum import StrEnum

from pos_kit.problems import Forbidden


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


def ensure_may_manage(actor: Role, target: Role) -> None:
    if target not in _MAY_MANAGE.get(actor, frozenset()):
        raise Forbidden(f"A {actor.value} may not manage a {target.value}'s login.")
