"""Service accounts: client-credentials tokens for service-to-service calls."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from pos_auth.adapters.passwords import Passwords
from pos_auth.adapters.repositories import ServiceClientRepository, TenantRepository
from pos_auth.config import BootstrapClient
from pos_auth.services.tokens import TokenIssuer
from pos_kit.dbtypes import utcnow
from pos_kit.problems import Forbidden, NotFound, Unauthorized


@dataclass(frozen=True)
class ServiceToken:
    access_token: str
    expires_in: int
    scopes: list[str]


@dataclass
class ServiceAccounts:
    passwords: Passwords
    tokens: TokenIssuer

    async def register(
        self, session: AsyncSession, *, client_id: str, secret: str, scopes: list[str]
    ) -> None:
        await ServiceClientRepository(session).upsert(
            client_id=client_id,
            secret_hash=await self.passwords.hash(secret),
            scopes=scopes,
            now=utcnow(),
        )

    async def register_bootstrap(
        self, session: AsyncSession, clients: list[BootstrapClient]
    ) -> None:
        for client in clients:
            await self.register(
                session, client_id=client.client_id, secret=client.secret, scopes=client.scopes
            )

    async def issue_token(
        self,
        session: AsyncSession,
        *,
        client_id: str,
        client_secret: str,
        requested_scopes: list[str] | None,
        tenant_id: uuid.UUID | None = None,
    ) -> ServiceToken:
        client = await ServiceClientRepository(session).get(client_id)
        valid = await self.passwords.verify(client.secret_hash if client else None, client_secret)
        if client is None or not valid or not client.is_active:
            raise Unauthorized("The client id or secret is not correct.")
        granted = client.scopes.split()
        scopes = granted if requested_scopes is None else requested_scopes
        refused = sorted(set(scopes) - set(granted))
        if refused:
            raise Forbidden(f"This client may not ask for: {', '.join(refused)}.")
        if tenant_id is not None and not await TenantRepository(session).exists(tenant_id):
            raise NotFound("No such tenant.")
        token = await self.tokens.service_token_for(client_id, scopes, utcnow(), tenant_id)
        return ServiceToken(
            access_token=token,
            expires_in=self.tokens.settings.service_token_ttl_seconds,
            scopes=scopes,
        )
