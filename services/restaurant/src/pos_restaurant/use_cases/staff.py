"""Staff: the people who work at the restaurant, and their auth logins (owner or manager).

Adding someone who signs in touches two services. auth is asked first, with no
transaction open; only when it has made the login is the staff row written, in a
step of the request's unit of work that commits at once, so that if that commit
fails the login can be withdrawn again (best effort, logged either way). Nothing is
half-made when auth is down: no login, no row.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import structlog

from pos_kit.clock import utcnow
from pos_kit.pagination import PageRequest, Slice
from pos_kit.uow import UnitOfWork
from pos_restaurant.adapters.auth_logins import AuthLogins
from pos_restaurant.adapters.repositories import StaffRepository
from pos_restaurant.domain.errors import StaffNotFound
from pos_restaurant.domain.staff import (
    Actor,
    Login,
    Role,
    StaffMember,
    ensure_may_have_login_made,
    ensure_may_manage,
)

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class NewLogin:
    email: str
    password: str


@dataclass
class StaffRoster:
    logins: AuthLogins

    async def hire(
        self,
        uow: UnitOfWork,
        *,
        actor: Actor,
        full_name: str,
        role: Role,
        phone: str | None,
        email: str | None,
        login: NewLogin | None,
    ) -> StaffMember:
        ensure_may_manage(actor.role, role)
        if login is not None:
            ensure_may_have_login_made(role)
        # Every local rule is checked before auth is called, so a refusal here can
        # never leave a login behind.
        member = StaffMember.hire(
            tenant_id=actor.tenant_id,
            full_name=full_name,
            role=role,
            phone=phone,
            email=email,
            login=None,
            now=utcnow(),
        )
        made: Login | None = None
        if login is not None:
            made = await self.logins.create_login(
                tenant_id=actor.tenant_id,
                email=login.email,
                full_name=member.full_name,
                role=role,
                password=login.password,
            )
            member.login = made
        try:
            async with uow.step():
                await StaffRepository(uow.session).add(member)
        except Exception:
            if made is not None:
                await self._withdraw(actor.tenant_id, made)
            raise
        log.info("staff_hired", staff_id=str(member.id), role=role.value, has_login=bool(made))
        return member

    async def _withdraw(self, tenant_id: uuid.UUID, login: Login) -> None:
        """Deactivate a login whose staff row could not be saved, so it is not left usable."""
        try:
            await self.logins.deactivate_login(tenant_id=tenant_id, user_id=login.user_id)
        except Exception as exc:
            log.error(
                "staff_login_orphaned",
                auth_user_id=str(login.user_id),
                login_email=login.email,
                error=str(exc) or repr(exc),
                action="deactivate this login in auth by hand",
            )
        else:
            log.warning(
                "staff_login_withdrawn",
                auth_user_id=str(login.user_id),
                reason="the staff row could not be saved",
            )

    async def get(
        self,
        uow: UnitOfWork,
        *,
        tenant_id: uuid.UUID,
        staff_id: uuid.UUID,
        for_update: bool = False,
    ) -> StaffMember:
        """`for_update` locks the member until the transaction ends."""
        member = await StaffRepository(uow.session).get(
            tenant_id=tenant_id, staff_id=staff_id, for_update=for_update
        )
        if member is None:
            raise StaffNotFound()
        return member

    async def list_page(
        self, uow: UnitOfWork, *, tenant_id: uuid.UUID, page: PageRequest
    ) -> Slice[StaffMember]:
        return await StaffRepository(uow.session).list_page(tenant_id=tenant_id, page=page)

    async def edit(
        self, uow: UnitOfWork, *, actor: Actor, staff_id: uuid.UUID, changes: dict[str, Any]
    ) -> StaffMember:
        member = await self.get(uow, tenant_id=actor.tenant_id, staff_id=staff_id, for_update=True)
        member.edit(by=actor.role, now=utcnow(), **changes)
        await StaffRepository(uow.session).save(member)
        return member

    async def deactivate(
        self, uow: UnitOfWork, *, actor: Actor, staff_id: uuid.UUID
    ) -> StaffMember:
        """Stop someone working here; their login, if any, is stopped in auth first.

        The rules are checked, then auth is asked with no transaction open, then the
        row is changed under a lock (checked again: it may have changed meanwhile).
        If auth is down nothing changes (503). If auth stopped the login but this
        commit then fails, the person is still listed as active and cannot sign in;
        deactivating again finishes it (auth then answers "already deactivated").
        """
        async with uow.step():
            member = await self.get(uow, tenant_id=actor.tenant_id, staff_id=staff_id)
            member.ensure_may_deactivate(by=actor.role, by_user_id=actor.user_id)
        if member.login is not None:
            await self.logins.deactivate_login(
                tenant_id=actor.tenant_id, user_id=member.login.user_id
            )
        async with uow.step():
            member = await self.get(
                uow, tenant_id=actor.tenant_id, staff_id=staff_id, for_update=True
            )
            member.deactivate(by=actor.role, by_user_id=actor.user_id, now=utcnow())
            await StaffRepository(uow.session).save(member)
        return member
