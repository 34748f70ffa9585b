"""`ServiceTokens`: a service's own client-credentials tokens from auth, one per restaurant.

A service that calls another for one restaurant on its own account (restaurant
managing staff logins or issuing guest links, the chatbot reading a menu) asks auth
for a token bound to that restaurant (`POST /api/v1/auth/token` with `tenant_id`),
so the service it calls takes the tenant from the token, as from any other. A
token is kept per restaurant until shortly before it expires; callers for the same
restaurant who find none wait for one fetch instead of each asking auth, while
other restaurants' callers are not held up.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Unpack

import httpx
import structlog

from pos_kit.http.client import CallOptions, ClientPolicy, ResilientClient
from pos_kit.http.errors import DownstreamUnavailable, answer_detail
from pos_kit.settings import ServiceAccountSettings

log = structlog.get_logger(__name__)

TOKEN_PATH = "/api/v1/auth/token"  # noqa: S105 - a path, not a secret
# How long our 503 asks callers to wait when auth will not give us a token: an
# operator has to fix the credentials first, so retrying at once is pointless.
REFUSED_RETRY_AFTER_SECONDS = 60


class ServiceTokenRefused(DownstreamUnavailable):
    """auth answered the token request without a token: the client id, secret, scope or
    restaurant was refused. `status_code` is auth's answer."""


@dataclass(frozen=True)
class _Token:
    value: str
    renew_at: float


def auth_client(settings: ServiceAccountSettings) -> ResilientClient:
    """The client of auth a service fetches its own tokens through (`auth_url`, within
    `auth_timeout_seconds`); whoever builds it closes it."""
    budget = settings.auth_timeout_seconds
    return ResilientClient(
        "auth",
        settings.auth_url,
        policy=ClientPolicy(total_timeout=budget, attempt_timeout=min(budget, 2.0)),
    )


class ServiceTokens:
    """Tokens with `scope` for `client_id`, fetched from auth through `auth` per restaurant.

    `auth` is a `ResilientClient` on auth's base URL; whoever built it closes it.
    """

    @classmethod
    def from_settings(
        cls, auth: ResilientClient, settings: ServiceAccountSettings, *, scope: str
    ) -> ServiceTokens:
        """The service's own tokens with `scope`, as its settings name its client."""
        return cls(
            auth,
            client_id=settings.auth_client_id,
            client_secret=settings.auth_client_secret.get_secret_value(),
            scope=scope,
            refresh_margin_seconds=settings.auth_token_refresh_margin_seconds,
        )

    def __init__(
        self,
        auth: ResilientClient,
        *,
        client_id: str,
        client_secret: str,
        scope: str,
        refresh_margin_seconds: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.auth = auth
        self.client_id = client_id
        self._client_secret = client_secret
        self.scope = scope
        self.refresh_margin_seconds = refresh_margin_seconds
        self._clock = clock
        self._tokens: dict[uuid.UUID, _Token] = {}
        self._fetching: dict[uuid.UUID, asyncio.Lock] = {}

    async def for_tenant(self, tenant_id: uuid.UUID) -> str:
        """A token acting for `tenant_id`: the kept one, or a new one from auth.

        `ServiceTokenRefused` if auth will not issue it; `DownstreamError` if auth
        cannot be reached or answers unreadably.
        """
        if (token := self._fresh(tenant_id)) is not None:
            return token
        async with self._fetching.setdefault(tenant_id, asyncio.Lock()):
            if (token := self._fresh(tenant_id)) is not None:
                return token  # fetched by the caller this one waited behind
            fetched = await self._fetch(tenant_id)
            self._tokens[tenant_id] = fetched
            return fetched.value

    def forget(self, tenant_id: uuid.UUID, token: str) -> None:
        """Drop `token` (rejected by the service it was sent to) unless already replaced."""
        kept = self._tokens.get(tenant_id)
        if kept is not None and kept.value == token:
            del self._tokens[tenant_id]

    async def send(
        self,
        client: ResilientClient,
        method: str,
        path: str,
        *,
        tenant_id: uuid.UUID,
        **options: Unpack[CallOptions],
    ) -> httpx.Response:
        """`method path` on `client` with the restaurant's token; a 401 is tried once more
        with a fresh token, and a second 401 is returned to the caller.

        A 401 means the request was refused before anything was done (a rotated key, a
        revoked client), so resending it cannot repeat an effect.
        """
        token = await self.for_tenant(tenant_id)
        response = await client.request(method, path, token=token, **options)
        if response.status_code != 401:
            return response
        self.forget(tenant_id, token)
        return await client.request(method, path, token=await self.for_tenant(tenant_id), **options)

    def _fresh(self, tenant_id: uuid.UUID) -> str | None:
        kept = self._tokens.get(tenant_id)
        return kept.value if kept is not None and self._clock() < kept.renew_at else None

    async def _fetch(self, tenant_id: uuid.UUID) -> _Token:
        response = await self.auth.post(
            TOKEN_PATH,
            json={
                "grant_type": "client_credentials",
                "client_id": self.client_id,
                "client_secret": self._client_secret,
                "scope": self.scope,
                "tenant_id": str(tenant_id),
            },
        )
        if response.status_code != 200:
            log.error(
                "auth_refused_client_credentials",
                client_id=self.client_id,
                scope=self.scope,
                status_code=response.status_code,
                detail=answer_detail(response),
            )
            raise ServiceTokenRefused(
                self.auth.name,
                f"{self.auth.name} refused this service's token request "
                f"(client '{self.client_id}', scope '{self.scope}'): "
                f"answered {response.status_code}.",
                reason="refused",
                retry_after_seconds=REFUSED_RETRY_AFTER_SECONDS,
                status_code=response.status_code,
            )
        try:
            payload = response.json()
            token, expires_in = payload["access_token"], payload["expires_in"]
        except (ValueError, TypeError, KeyError):
            token = expires_in = None
        if not isinstance(token, str) or not token or not isinstance(expires_in, int):
            raise DownstreamUnavailable(
                self.auth.name,
                f"{self.auth.name} answered the token request unreadably.",
                reason="bad_answer",
                retry_after_seconds=self.auth.policy.retry_after_seconds,
            )
        # Renew a little before expiry, so that a token never dies in flight.
        margin = min(self.refresh_margin_seconds, expires_in / 2)
        return _Token(value=token, renew_at=self._clock() + expires_in - margin)
