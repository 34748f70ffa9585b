"""Sign-up, sign-in, refresh and sign-out."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from pos_auth.adapters.passwords import Passwords
from pos_auth.adapters.repositories import (
    DuplicateEmail,
    LoginFailureRepository,
    RefreshTokenRepository,
    TenantRepository,
    UserRepository,
)
from pos_auth.adapters.tables import outbox
from pos_auth.config import AuthSettings
from pos_auth.domain.refresh_tokens import RefreshToken, RefreshVerdict
from pos_auth.domain.roles import Role
from pos_auth.domain.throttling import ThrottlePolicy
from pos_auth.domain.users import User, normalise_email
from pos_auth.services.tokens import TokenIssuer, hash_refresh_token, new_refresh_token
from pos_kit import context
from pos_kit.dbtypes import utcnow
from pos_kit.events.outbox import record_event
from pos_kit.problems import Conflict, TooManyRequests, Unauthorized

log = structlog.get_logger(__name__)

SOURCE = "auth"


class InvalidCredentials(Unauthorized):
    """Unknown e-mail, wrong password and deactivated login all answer exactly alike."""

    commit_changes = True  # the failed attempt must be counted

    def __init__(self) -> None:
        super().__init__("The e-mail or password is not correct.")


class LoginThrottled(TooManyRequests):
    commit_changes = True


class RefreshTokenRejected(Unauthorized):
    # A replay revokes the whole family; that revocation must survive the 401.
    commit_changes = True

    def __init__(self, detail: str = "The refresh token is not valid. Sign in again.") -> None:
        super().__init__(detail)


@dataclass(frozen=True)
class Session:
    user: User
    access_token: str
    refresh_token: str
    expires_in: int


@dataclass
class AccountServices:
    settings: AuthSettings
    passwords: Passwords
    tokens: TokenIssuer

    async def _start_session(
        self, session: AsyncSession, user: User, now: datetime, family_id: uuid.UUID | None = None
    ) -> Session:
        refresh = new_refresh_token()
        await RefreshTokenRepository(session).add(
            RefreshToken(
                id=uuid.uuid4(),
                tenant_id=user.tenant_id,
                user_id=user.id,
                family_id=family_id or uuid.uuid4(),
                expires_at=now + self.tokens.refresh_ttl,
                used_at=None,
                revoked_at=None,
            ),
            token_hash=hash_refresh_token(refresh),
            issued_at=now,
        )
        return Session(
            user=user,
            access_token=await self.tokens.access_token_for(user, now),
            refresh_token=refresh,
            expires_in=int(self.tokens.access_ttl.total_seconds()),
        )

    async def sign_up(
        self,
        session: AsyncSession,
        *,
        restaurant_name: str,
        email: str,
        password: str,
        full_name: str,
    ) -> Session:
        now = utcnow()
        email = normalise_email(email)
        users = UserRepository(session)
        if await users.email_taken(email):
            raise Conflict("An account with this e-mail already exists.")
        tenant_id = uuid.uuid4()
        context.bind_tenant(str(tenant_id))
        owner = User(
            id=uuid.uuid4(),
            tenant_id=tenant_id,
            email=email,
            full_name=full_name,
            role=Role.OWNER,
            password_hash=await self.passwords.hash(password),
            is_active=True,
            created_at=now,
        )
        await TenantRepository(session).add(
            tenant_id=tenant_id, restaurant_name=restaurant_name, now=now
        )
        try:
            await users.add(owner)
        except DuplicateEmail as exc:  # lost a race with a concurrent sign-up
            raise Conflict("An account with this e-mail already exists.") from exc
        await record_event(
            session,
            outbox,
            source=SOURCE,
            type="tenant.registered",
            tenant_id=str(tenant_id),
            data={
                "tenant_id": str(tenant_id),
                "restaurant_name": restaurant_name,
                "owner_user_id": str(owner.id),
                "owner_email": owner.email,
                "owner_full_name": owner.full_name,
                "registered_at": now.isoformat(),
            },
        )
        await record_user_created(session, owner)
        log.info("tenant_registered", user_id=str(owner.id))
        return await self._start_session(session, owner, now)

    async def log_in(
        self, session: AsyncSession, *, email: str, password: str, client_address: str
    ) -> Session:
        now = utcnow()
        email = normalise_email(email)
        policy_window = timedelta(seconds=self.settings.login_throttle_window_seconds)
        account_key = "account:" + hashlib.sha256(email.encode()).hexdigest()
        address_key = "address:" + client_address
        failures = LoginFailureRepository(session)
        for key, limit in (
            (account_key, self.settings.max_failed_logins_per_account),
            (address_key, self.settings.max_failed_logins_per_address),
        ):
            wait = ThrottlePolicy(limit=limit, window=policy_window).retry_after_seconds(
                await failures.window(key, now - policy_window), now
            )
            if wait is not None:
                log.warning("login_throttled", throttle=key.split(":")[0], retry_after=wait)
                raise LoginThrottled(
                    "Too many failed sign-in attempts. Try again later.",
                    retry_after_seconds=wait,
                )

        user = await UserRepository(session).by_email(email)
        matched = await self.passwords.verify(user.password_hash if user else None, password)
        if user is None or not matched or not user.is_active:
            await failures.record([account_key, address_key], now, now - policy_window)
            log.info("login_failed", reason="bad credentials or inactive")
            raise InvalidCredentials()

        context.bind_tenant(str(user.tenant_id), user_id=str(user.id))
        await failures.forget(account_key)
        if self.passwords.needs_rehash(user.password_hash):
            user.password_hash = await self.passwords.hash(password)
            await UserRepository(session).save_password_hash(user)
        log.info("login_succeeded")
        return await self._start_session(session, user, now)

    async def refresh(self, session: AsyncSession, *, refresh_token: str) -> Session:
        now = utcnow()
        tokens = RefreshTokenRepository(session)
        token = await tokens.by_hash(hash_refresh_token(refresh_token))
        if token is None:
            raise RefreshTokenRejected()
        context.bind_tenant(str(token.tenant_id), user_id=str(token.user_id))
        verdict = token.judge(now)
        if verdict is RefreshVerdict.ROTATE and not await tokens.mark_used(token, now):
            verdict = RefreshVerdict.REUSED  # a concurrent refresh used it a moment ago
        if verdict is RefreshVerdict.REUSED:
            await tokens.revoke_family(
                tenant_id=token.tenant_id, family_id=token.family_id, now=now
            )
            log.warning("refresh_token_reused", family_id=str(token.family_id))
            raise RefreshTokenRejected(
                "This refresh token was already used; every session of its family is revoked."
            )
        if verdict is RefreshVerdict.EXPIRED:
            raise RefreshTokenRejected("The refresh token has expired. Sign in again.")
        user = await UserRepository(session).get(tenant_id=token.tenant_id, user_id=token.user_id)
        if user is None or not user.is_active:
            await tokens.revoke_family(
                tenant_id=token.tenant_id, family_id=token.family_id, now=now
            )
            raise RefreshTokenRejected()
        return await self._start_session(session, user, now, family_id=token.family_id)

    async def log_out(self, session: AsyncSession, *, refresh_token: str) -> None:
        tokens = RefreshTokenRepository(session)
        token = await tokens.by_hash(hash_refresh_token(refresh_token))
        if token is None:
            return  # signing out twice is not an error
        await tokens.revoke_family(
            tenant_id=token.tenant_id, family_id=token.family_id, now=utcnow()
        )


async def record_user_created(session: AsyncSession, user: User) -> None:
    await record_event(
        session,
        outbox,
        source=SOURCE,
        type="user.created",
        tenant_id=str(user.tenant_id),
        data={
            "user_id": str(user.id),
            "email": user.email,
            "full_name": user.full_name,
            "role": user.role.value,
        },
    )
