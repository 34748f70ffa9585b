"""Owners and managers manage their staff's logins: create, list, look up, deactivate."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from pos_auth.adapters.passwords import Passwords
from pos_auth.adapters.repositories import RefreshTokenRepository, UserRepository
from pos_auth.adapters.tables import outbox
from pos_auth.domain import events
from pos_auth.domain.errors import EmailTaken
from pos_auth.domain.roles import Role, ensure_may_manage
from pos_auth.domain.users import User, normalise_email
from pos_kit.clock import utcnow
from pos_kit.errors import NotFound
from pos_kit.pagination import PageRequest, Slice
from pos_kit.tokens import Principal
from pos_kit.uow import UnitOfWork


@dataclass
class StaffLogins:
    passwords: Passwords

    async def _actor(self, uow: UnitOfWork, principal: Principal) -> User | None:
        """The member of staff acting, or None for a service account acting for the tenant."""
        if principal.is_service:
            return None
        actor = await UserRepository(uow.session).get(
            tenant_id=principal.tenant, user_id=uuid.UUID(principal.subject)
        )
        if actor is None or not actor.is_active:
            raise NotFound("Your login no longer exists or is deactivated.")
        return actor

    async def create(
        self,
        uow: UnitOfWork,
        *,
        principal: Principal,
        email: str,
        full_name: str,
        role: Role,
        password: str,
    ) -> User:
        actor = await self._actor(uow, principal)
        ensure_may_manage(actor.role if actor else None, role)
        users = UserRepository(uow.session)
        email = normalise_email(email)
        if await users.email_taken(email):
            raise EmailTaken()
        user = User(
            id=uuid.uuid4(),
            tenant_id=principal.tenant,
            email=email,
            full_name=full_name,
            role=role,
            password_hash=await self.passwords.hash(password),
            is_active=True,
            created_at=utcnow(),
        )
        await users.add(user)
        await outbox.record_event(
            uow, type=events.USER_CREATED, tenant_id=user.tenant_id, data=events.user_created(user)
        )
        return user

    async def get(self, uow: UnitOfWork, *, principal: Principal, user_id: uuid.UUID) -> User:
        user = await UserRepository(uow.session).get(tenant_id=principal.tenant, user_id=user_id)
        if user is None:
            raise NotFound("No such login.")
        return user

    async def list(
        self, uow: UnitOfWork, *, principal: Principal, page: PageRequest
    ) -> Slice[User]:
        return await UserRepository(uow.session).list_page(tenant_id=principal.tenant, page=page)

    async def deactivate(
        self, uow: UnitOfWork, *, principal: Principal, user_id: uuid.UUID
    ) -> User:
        actor = await self._actor(uow, principal)
        users = UserRepository(uow.session)
        user = await users.get(tenant_id=principal.tenant, user_id=user_id)
        if user is None:
            raise NotFound("No such login.")
        now = utcnow()
        user.deactivate(by=actor, now=now)
        await users.save_status(user)
        # Access tokens die within their short TTL; refresh tokens are cut at once.
        await RefreshTokenRepository(uow.session).revoke_all_for_user(
            tenant_id=user.tenant_id, user_id=user.id, now=now
        )
        await outbox.record_event(
            uow,
            type=events.USER_DEACTIVATED,
            tenant_id=user.tenant_id,
            data=events.user_deactivated(user, at=now),
        )
        return user
