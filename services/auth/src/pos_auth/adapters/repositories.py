"""All of auth's SQL. Every query on tenant data filters on the tenant."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, delete, func, or_, select, update

from pos_auth.adapters.signing import SigningKey
from pos_auth.adapters.tables import (
    LoginFailureRow,
    RefreshTokenRow,
    ServiceClientRow,
    SigningKeyRow,
    TenantRow,
    UserRow,
)
from pos_auth.domain.errors import EmailTaken
from pos_auth.domain.refresh_tokens import RefreshToken
from pos_auth.domain.throttling import FailureWindow
from pos_auth.domain.users import User
from pos_kit.mapping import build
from pos_kit.pagination import PageRequest, Slice
from pos_kit.repository import Repository, column_values, rowcount


def _user(row: UserRow) -> User:
    return build(User, row)


class TenantRepository(Repository):
    async def add(self, *, tenant_id: uuid.UUID, restaurant_name: str, now: datetime) -> None:
        self.session.add(TenantRow(id=tenant_id, restaurant_name=restaurant_name, created_at=now))
        await self.session.flush()

    async def exists(self, tenant_id: uuid.UUID) -> bool:
        return await self.session.get(TenantRow, tenant_id) is not None


class UserRepository(Repository):
    async def add(self, user: User) -> None:
        async with self.unique(EmailTaken, marker="email"):
            self.session.add(UserRow(**column_values(user, UserRow)))

    async def email_taken(self, email: str) -> bool:
        found = await self.session.scalar(select(UserRow.id).where(UserRow.email == email))
        return found is not None

    async def by_email(self, email: str) -> User | None:
        """The only lookup without a tenant: sign-in, where the tenant is not yet known."""
        row = await self.session.scalar(select(UserRow).where(UserRow.email == email))
        return _user(row) if row else None

    async def get(self, *, tenant_id: uuid.UUID, user_id: uuid.UUID) -> User | None:
        row = await self.session.scalar(
            select(UserRow).where(UserRow.tenant_id == tenant_id, UserRow.id == user_id)
        )
        return _user(row) if row else None

    async def list_page(self, *, tenant_id: uuid.UUID, page: PageRequest) -> Slice[User]:
        """The restaurant's logins, oldest first."""
        query = select(UserRow).where(UserRow.tenant_id == tenant_id)
        rows = await self.keyset_page(query, key=[UserRow.created_at, UserRow.id], page=page)
        return rows.map(_user)

    async def save_status(self, user: User) -> None:
        await self.session.execute(
            update(UserRow)
            .where(UserRow.tenant_id == user.tenant_id, UserRow.id == user.id)
            .values(is_active=user.is_active, deactivated_at=user.deactivated_at)
        )

    async def save_password_hash(self, user: User) -> None:
        await self.session.execute(
            update(UserRow)
            .where(UserRow.tenant_id == user.tenant_id, UserRow.id == user.id)
            .values(password_hash=user.password_hash)
        )


class RefreshTokenRepository(Repository):
    async def add(self, token: RefreshToken, *, token_hash: str, issued_at: datetime) -> None:
        values = column_values(token, RefreshTokenRow, token_hash=token_hash, issued_at=issued_at)
        self.session.add(RefreshTokenRow(**values))
        await self.session.flush()

    async def by_hash(self, token_hash: str) -> RefreshToken | None:
        row = await self.session.scalar(
            select(RefreshTokenRow).where(RefreshTokenRow.token_hash == token_hash)
        )
        return build(RefreshToken, row) if row else None

    async def mark_used(self, token: RefreshToken, now: datetime) -> bool:
        """True if this call used the token; False if a concurrent refresh got there first."""
        result = await self.session.execute(
            update(RefreshTokenRow)
            .where(
                RefreshTokenRow.id == token.id,
                RefreshTokenRow.used_at.is_(None),
                RefreshTokenRow.revoked_at.is_(None),
            )
            .values(used_at=now)
        )
        return rowcount(result) > 0

    async def revoke_family(
        self, *, tenant_id: uuid.UUID, family_id: uuid.UUID, now: datetime
    ) -> None:
        await self._revoke(tenant_id, RefreshTokenRow.family_id == family_id, now=now)

    async def revoke_all_for_user(
        self, *, tenant_id: uuid.UUID, user_id: uuid.UUID, now: datetime
    ) -> None:
        await self._revoke(tenant_id, RefreshTokenRow.user_id == user_id, now=now)

    async def _revoke(
        self, tenant_id: uuid.UUID, which: ColumnElement[bool], *, now: datetime
    ) -> None:
        """Revoke the tenant's tokens that `which` selects and that are not revoked yet."""
        await self.session.execute(
            update(RefreshTokenRow)
            .where(
                RefreshTokenRow.tenant_id == tenant_id,
                which,
                RefreshTokenRow.revoked_at.is_(None),
            )
            .values(revoked_at=now)
        )


class LoginFailureRepository(Repository):
    async def window(self, throttle_key: str, since: datetime) -> FailureWindow:
        count, oldest, newest = (
            await self.session.execute(
                select(
                    func.count(LoginFailureRow.id),
                    func.min(LoginFailureRow.failed_at),
                    func.max(LoginFailureRow.failed_at),
                ).where(
                    LoginFailureRow.throttle_key == throttle_key,
                    LoginFailureRow.failed_at > since,
                )
            )
        ).one()
        return FailureWindow(count=int(count), oldest=_utc(oldest), newest=_utc(newest))

    async def record(
        self, throttle_keys: list[str], now: datetime, forget_before: datetime
    ) -> None:
        self.session.add_all(LoginFailureRow(throttle_key=k, failed_at=now) for k in throttle_keys)
        # Failures older than the window no longer count; drop them as we go.
        await self.session.execute(
            delete(LoginFailureRow).where(
                LoginFailureRow.throttle_key.in_(throttle_keys),
                LoginFailureRow.failed_at <= forget_before,
            )
        )
        await self.session.flush()

    async def forget(self, throttle_key: str) -> None:
        await self.session.execute(
            delete(LoginFailureRow).where(LoginFailureRow.throttle_key == throttle_key)
        )


class SigningKeyRepository(Repository):
    async def add(self, key: SigningKey) -> None:
        values = column_values(
            key,
            SigningKeyRow,
            algorithm=key.public_jwk["alg"],
            public_jwk=json.dumps(key.public_jwk),
        )
        self.session.add(SigningKeyRow(**values))
        await self.session.flush()

    async def usable(self, retired_after: datetime) -> list[SigningKey]:
        """The active keys and those retired recently enough to still verify."""
        rows = await self.session.scalars(
            select(SigningKeyRow)
            .where(
                or_(SigningKeyRow.retired_at.is_(None), SigningKeyRow.retired_at > retired_after)
            )
            .order_by(SigningKeyRow.created_at.desc())
        )
        return [build(SigningKey, r, public_jwk=json.loads(r.public_jwk)) for r in rows]

    async def retire_all_active(self, now: datetime) -> None:
        await self.session.execute(
            update(SigningKeyRow).where(SigningKeyRow.retired_at.is_(None)).values(retired_at=now)
        )


class ServiceClientRepository(Repository):
    async def get(self, client_id: str) -> ServiceClientRow | None:
        return await self.session.get(ServiceClientRow, client_id)

    async def upsert(
        self, *, client_id: str, secret_hash: str, scopes: list[str], now: datetime
    ) -> None:
        row = await self.session.get(ServiceClientRow, client_id)
        if row is None:
            self.session.add(
                ServiceClientRow(
                    client_id=client_id,
                    secret_hash=secret_hash,
                    scopes=" ".join(scopes),
                    is_active=True,
                    created_at=now,
                )
            )
        else:
            row.secret_hash = secret_hash
            row.scopes = " ".join(scopes)
            row.is_active = True
        await self.session.flush()


def _utc(moment: datetime | None) -> datetime | None:
    # Aggregates bypass the column type on SQLite; the value is UTC all the same.
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment
