"""Owners and managers manage their staff's logins: create, list, look up, deactivate."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from pos_auth.adapters.passwords import Passwords
from pos_auth.adapters.repositories import DuplicateEmail, RefreshTokenRepository, UserRepository
from pos_auth.adapters.tables import outbox
from pos_auth.domain.roles import Role, ensure_may_manage
from pos_auth.domain.users import User, normalise_email
from pos_auth.services.accounts import SOURCE, record_user_created
from pos_kit.dbtypes import utcnow
from pos_kit.events.outbox import record_event
from pos_kit.problems import Conflict, NotFound
from pos_kit.tokens import Principal


def _tenant(principal: Principal) -> uuid.UUID:
    assert principal.tenant_id is not None  # staff tokens always name their tenant
    return uuid.UUID(principal.tenant_id)


@dataclass
class StaffLogins:
    passwords: Passwords

    async def _actor(self, session: AsyncSession, principal: Principal) -> User | None:
        """The member of staff acting, or None for a service account acting for the tenant."""
        if principal.is_service:
            return None
        actor = await UserRepository(session).get(
            tenant_id=_tenant(principal), user_id=uuid.UUID(principal.subject)
        )
        if actor is None or not actor.is_active:
            raise NotFound("Your login no longer exists or is deactivated.")
        return actor

    async def create(
        self,
        session: AsyncSession,
        *,
        principal: Principal,
        email: str,
        full_name: str,
        role: Role,
        password: str,
    ) -> User:
        actor = await self._actor(session, principal)
        ensure_may_manage(actor.role if actor else None, role)
        users = UserRepository(session)
        email = normalise_email(email)
        if await users.email_taken(email):
            raise Conflict("A login with this e-mail already exists.")
        user = User(
            id=uuid.uuid4(),
            tenant_id=_tenant(principal),
            email=email,
            full_name=full_name,
            role=role,
            password_hash=await self.passwords.hash(password),
            is_active=True,
            created_at=utcnow(),
        )
        try:
            await users.add(user)
        except DuplicateEmail as exc:
            raise Conflict("A login with this e-mail already exists.") from exc
        await record_user_created(session, user)
        return user

    async def get(self, session: AsyncSession, *, principal: Principal, user_id: uuid.UUID) -> User:
        user = await UserRepository(session).get(tenant_id=_tenant(principal), user_id=user_id)
        if user is None:
            raise NotFound("No such login.")
        return user

    async def list_page(
        self,
        session: AsyncSession,
        *,
        principal: Principal,
        limit: int,
        after: tuple[datetime, uuid.UUID] | None,
    ) -> list[User]:
        return await UserRepository(session).list_page(
            tenant_id=_tenant(principal), limit=limit, after=after
        )

    async def deactivate(
        self, session: AsyncSession, *, principal: Principal, user_id: uuid.UUID
    ) -> User:
        actor = await self._actor(session, principal)
        users = UserRepository(session)
        user = await users.get(tenant_id=_tenant(principal), user_id=user_id)
        if user is None:
            raise NotFound("No such login.")
        now = utcnow()
        user.deactivate(by=actor, now=now)
        await users.save_status(user)
        # Access tokens die within their short TTL; refresh tokens are cut at once.
        await RefreshTokenRepository(session).revoke_all_for_user(
            tenant_id=user.tenant_id, user_id=user.id, now=now
        )
        await record_event(
            session,
            outbox,
            source=SOURCE,
            type="user.deactivated",
            tenant_id=str(user.tenant_id),
            data={"user_id": str(user.id), "deactivated_at": now.isoformat()},
        )
        return user
