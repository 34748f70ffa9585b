"""Minting access tokens (staff, guests and service accounts) and opaque refresh tokens."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import datetime, timedelta

from pos_auth.config import AuthSettings
from pos_auth.domain.guests import GUEST_ROLE
from pos_auth.domain.users import User
from pos_auth.use_cases.keys import KeyRing


def hash_refresh_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_refresh_token() -> str:
    return secrets.token_urlsafe(32)


class TokenIssuer:
    def __init__(self, settings: AuthSettings, keys: KeyRing) -> None:
        self.settings = settings
        self.keys = keys

    @property
    def access_ttl(self) -> timedelta:
        return timedelta(seconds=self.settings.access_token_ttl_seconds)

    @property
    def refresh_ttl(self) -> timedelta:
        return timedelta(seconds=self.settings.refresh_token_ttl_seconds)

    async def access_token_for(self, user: User, now: datetime) -> str:
        key = await self.keys.signing_key()
        return key.sign(
            {
                "iss": self.settings.jwt_issuer,
                "aud": self.settings.jwt_audience,
                "sub": str(user.id),
                "tenant_id": str(user.tenant_id),
                "role": user.role.value,
                "email": user.email,
                "iat": int(now.timestamp()),
                "exp": int((now + self.access_ttl).timestamp()),
                "jti": str(uuid.uuid4()),
            }
        )

    async def service_token_for(
        self, client_id: str, scopes: list[str], now: datetime, tenant_id: uuid.UUID | None = None
    ) -> str:
        """A service account's token; with a tenant, it acts for that restaurant only."""
        key = await self.keys.signing_key()
        tenant_claim = {"tenant_id": str(tenant_id)} if tenant_id else {}
        return key.sign(
            {
                **tenant_claim,
                "iss": self.settings.jwt_issuer,
                "aud": self.settings.jwt_audience,
                "sub": f"service:{client_id}",
                "scope": " ".join(scopes),
                "iat": int(now.timestamp()),
                "exp": int(
                    (now + timedelta(seconds=self.settings.service_token_ttl_seconds)).timestamp()
                ),
                "jti": str(uuid.uuid4()),
            }
        )

    async def guest_token_for(
        self,
        *,
        tenant_id: uuid.UUID,
        table_id: uuid.UUID,
        subject: str,
        now: datetime,
        expires_at: datetime,
    ) -> str:
        """A guest's token: one restaurant, one table, no scopes; verified like every token."""
        key = await self.keys.signing_key()
        return key.sign(
            {
                "iss": self.settings.jwt_issuer,
                "aud": self.settings.jwt_audience,
                "sub": subject,
                "tenant_id": str(tenant_id),
                "role": GUEST_ROLE,
                "table_id": str(table_id),
                "iat": int(now.timestamp()),
                "exp": int(expires_at.timestamp()),
                "jti": str(uuid.uuid4()),
            }
        )
