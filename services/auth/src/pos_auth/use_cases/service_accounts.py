"""Service accounts: client-credentials tokens for service-to-service calls."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from pos_auth.adapters.passwords import Passwords
from pos_auth.adapters.repositories import ServiceClientRepository, TenantRepository
from pos_auth.config import BootstrapClient
from pos_auth.use_cases.tokens import TokenIssuer
from pos_kit.clock import utcnow
from pos_kit.db import Database
from pos_kit.errors import Forbidden, NotFound, Unauthorized
from pos_kit.uow import UnitOfWork


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
        self, uow: UnitOfWork, *, client_id: str, secret: str, scopes: list[str]
    ) -> None:
        await ServiceClientRepository(uow.session).upsert(
            client_id=client_id,
            secret_hash=await self.passwords.hash(secret),
            scopes=scopes,
            now=utcnow(),
        )

    async def issue_token(
        self,
        uow: UnitOfWork,
        *,
        client_id: str,
        client_secret: str,
        requested_scopes: list[str] | None,
        tenant_id: uuid.UUID | None = None,
    ) -> ServiceToken:
        client = await ServiceClientRepository(uow.session).get(client_id)
        valid = await self.passwords.verify(client.secret_hash if client else None, client_secret)
        if client is None or not valid or not client.is_active:
            raise Unauthorized("The client id or secret is not correct.")
        granted = client.scopes.split()
        scopes = granted if requested_scopes is None else requested_scopes
        refused = sorted(set(scopes) - set(granted))
        if refused:
            raise Forbidden(f"This client may not ask for: {', '.join(refused)}.")
        if tenant_id is not None and not await TenantRepository(uow.session).exists(tenant_id):
            raise NotFound("No such tenant.")
        token = await self.tokens.service_token_for(client_id, scopes, utcnow(), tenant_id)
        return ServiceToken(
            access_token=token,
            expires_in=self.tokens.settings.service_token_ttl_seconds,
            scopes=scopes,
        )


@dataclass
class BootstrapClients:
    """Registers the service accounts the settings name as auth starts (local runs, compose).

    A start-up job for the kernel's background workers: it opens its own unit of work.
    """

    database: Database
    accounts: ServiceAccounts
    clients: list[BootstrapClient]

    async def start(self) -> None:
        async with self.database.unit_of_work() as uow:
            for client in self.clients:
                await self.accounts.register(
                    uow, client_id=client.client_id, secret=client.secret, scopes=client.scopes
                )

    async def stop(self) -> None:
        """Nothing keeps running after start-up."""
