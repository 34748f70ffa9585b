"""Sign-up, sign-in, refresh and sign-out."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog

from pos_auth.adapters.passwords import Passwords
from pos_auth.adapters.repositories import (
    LoginFailureRepository,
    RefreshTokenRepository,
    TenantRepository,
    UserRepository,
)
from pos_auth.adapters.tables import outbox
from pos_auth.config import AuthSettings
from pos_auth.domain import events
from pos_auth.domain.errors import (
    AccountExists,
    EmailTaken,
    InvalidCredentials,
    LoginThrottled,
    RefreshTokenRejected,
    SignUpThrottled,
)
from pos_auth.domain.refresh_tokens import RefreshToken, RefreshVerdict
from pos_auth.domain.roles import Role
from pos_auth.domain.throttling import GrowingDelay, ThrottlePolicy
from pos_auth.domain.users import User, normalise_email
from pos_auth.use_cases.tokens import TokenIssuer, hash_refresh_token, new_refresh_token
from pos_kit import context
from pos_kit.clock import utcnow
from pos_kit.uow import UnitOfWork

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Session:
    user: User
    access_token: str
    refresh_token: str
    expires_in: int

    @property
    def tenant_id(self) -> uuid.UUID:
        """The restaurant the session is in: its user's."""
        return self.user.tenant_id


@dataclass
class Accounts:
    settings: AuthSettings
    passwords: Passwords
    tokens: TokenIssuer

    async def _start_session(
        self, uow: UnitOfWork, user: User, now: datetime, family_id: uuid.UUID | None = None
    ) -> Session:
        refresh = new_refresh_token()
        await RefreshTokenRepository(uow.session).add(
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
        uow: UnitOfWork,
        *,
        restaurant_name: str,
        email: str,
        password: str,
        full_name: str,
        client_address: str,
    ) -> Session:
        now = utcnow()
        await self._count_sign_up(uow, client_address, now)
        email = normalise_email(email)
        users = UserRepository(uow.session)
        if await users.email_taken(email):
            raise AccountExists()
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
        await TenantRepository(uow.session).add(
            tenant_id=tenant_id, restaurant_name=restaurant_name, now=now
        )
        try:
            await users.add(owner)
        except EmailTaken as exc:  # lost a race with a concurrent sign-up
            raise AccountExists() from exc
        await outbox.record_event(
            uow,
            type=events.TENANT_REGISTERED,
            tenant_id=tenant_id,
            data=events.tenant_registered(
                tenant_id=tenant_id, restaurant_name=restaurant_name, owner=owner, at=now
            ),
        )
        await outbox.record_event(
            uow, type=events.USER_CREATED, tenant_id=tenant_id, data=events.user_created(owner)
        )
        log.info("tenant_registered", user_id=str(owner.id))
        return await self._start_session(uow, owner, now)

    async def _count_sign_up(self, uow: UnitOfWork, client_address: str, now: datetime) -> None:
        """Count the attempt, in a step of its own so that it counts whatever the answer
        (a 409 for a registered e-mail is what an enumeration reads); refuse it once the
        address has used its sign-ups for the window."""
        window = timedelta(seconds=self.settings.login_throttle_window_seconds)
        key = "signup:" + client_address
        async with uow.step():
            attempts = LoginFailureRepository(uow.session)
            wait = ThrottlePolicy(
                limit=self.settings.max_signups_per_address, window=window
            ).retry_after_seconds(await attempts.window(key, now - window), now)
            if wait is not None:
                log.warning("sign_up_throttled", retry_after=wait)
                raise SignUpThrottled(retry_after_seconds=wait)
            await attempts.record([key], now, now - window)

    async def log_in(
        self, uow: UnitOfWork, *, email: str, password: str, client_address: str
    ) -> Session:
        now = utcnow()
        email = normalise_email(email)
        settings = self.settings
        policy_window = timedelta(seconds=settings.login_throttle_window_seconds)
        # The account's failures from this address only (see domain/throttling.py).
        account_key = "account:" + hashlib.sha256(email.encode()).hexdigest() + "@" + client_address
        address_key = "address:" + client_address
        failures = LoginFailureRepository(uow.session)
        account_failures = await failures.window(account_key, now - policy_window)
        delay = GrowingDelay(
            free=settings.login_free_failures,
            base_seconds=settings.login_delay_base_seconds,
            cap_seconds=settings.login_delay_cap_seconds,
        )
        for throttle, wait in (
            ("account_delay", delay.retry_after_seconds(account_failures, now)),
            (
                "account",
                ThrottlePolicy(
                    limit=settings.max_failed_logins_per_account, window=policy_window
                ).retry_after_seconds(account_failures, now),
            ),
            (
                "address",
                ThrottlePolicy(
                    limit=settings.max_failed_logins_per_address, window=policy_window
                ).retry_after_seconds(await failures.window(address_key, now - policy_window), now),
            ),
        ):
            if wait is not None:
                log.warning("login_throttled", throttle=throttle, retry_after=wait)
                raise LoginThrottled(retry_after_seconds=wait)

        users = UserRepository(uow.session)
        user = await users.by_email(email)
        matched = await self.passwords.verify(user.password_hash if user else None, password)
        if user is None or not matched or not user.is_active:
            # Counted although the answer is an error: InvalidCredentials commits.
            await failures.record([account_key, address_key], now, now - policy_window)
            log.info("login_failed", reason="bad credentials or inactive")
            raise InvalidCredentials()

        context.bind_tenant(str(user.tenant_id), user_id=str(user.id))
        await failures.forget(account_key)
        if self.passwords.needs_rehash(user.password_hash):
            user.password_hash = await self.passwords.hash(password)
            await users.save_password_hash(user)
        log.info("login_succeeded")
        return await self._start_session(uow, user, now)

    async def refresh(self, uow: UnitOfWork, *, refresh_token: str) -> Session:
        now = utcnow()
        tokens = RefreshTokenRepository(uow.session)
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
        user = await UserRepository(uow.session).get(
            tenant_id=token.tenant_id, user_id=token.user_id
        )
        if user is None or not user.is_active:
            await tokens.revoke_family(
                tenant_id=token.tenant_id, family_id=token.family_id, now=now
            )
            raise RefreshTokenRejected()
        return await self._start_session(uow, user, now, family_id=token.family_id)

    async def log_out(self, uow: UnitOfWork, *, refresh_token: str) -> None:
        tokens = RefreshTokenRepository(uow.session)
        token = await tokens.by_hash(hash_refresh_token(refresh_token))
        if token is None:
            return  # signing out twice is not an error
        await tokens.revoke_family(
            tenant_id=token.tenant_id, family_id=token.family_id, now=utcnow()
        )
