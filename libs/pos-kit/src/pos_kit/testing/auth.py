"""auth's client-credentials endpoint for a service's tests: service tokens signed by the
test key.

A service that calls another as itself (`pos_kit.http.ServiceTokens`) asks auth for a
token bound to a restaurant. `StandinTokenIssuer` answers `POST /api/v1/auth/token` as auth
does, for the clients it is given, with tokens that `TestTokens` signs: the app under test
and the stand-ins that verify with the same `TestTokens` accept them as auth's. Serve it on
a real port (`with StandinTokenIssuer(...) as auth:`) for an app that builds its own client
of auth, or hand `issuer.service_tokens(...)` to a client under test (in process, no port).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from pos_kit.http import ResilientClient, ServiceTokens
from pos_kit.http.service_tokens import TOKEN_PATH
from pos_kit.testing.servers import Standin, ThreadedServer
from pos_kit.testing.tokens import TestTokens

PROBLEM = "application/problem+json"


@dataclass(frozen=True)
class Issued:
    """A token the stand-in issued: to whom, with what scope, for which restaurant."""

    client_id: str
    scope: str
    tenant_id: str | None


class StandinTokenIssuer(Standin):
    """`POST /api/v1/auth/token` (grant `client_credentials`) for `clients`: client id ->
    (its secret, the scopes it may ask for). A wrong id or secret is 401, a scope the client
    may not have is 403, as at auth; every token issued is kept in `issued`."""

    def __init__(
        self,
        tokens: TestTokens,
        clients: Mapping[str, tuple[str, Collection[str]]],
        *,
        port: int | None = None,
        ttl_seconds: int = 600,
    ) -> None:
        self.tokens = tokens
        self.clients = {name: (secret, frozenset(may)) for name, (secret, may) in clients.items()}
        self.ttl_seconds = ttl_seconds
        self.issued: list[Issued] = []
        self.app = Starlette(routes=[Route(TOKEN_PATH, self._token, methods=["POST"])])
        self.server = ThreadedServer(self.app, port=port)

    def issued_for(self, tenant_id: str) -> list[Issued]:
        return [issued for issued in self.issued if issued.tenant_id == tenant_id]

    def service_tokens(self, client_id: str, scope: str) -> ServiceTokens:
        """`client_id`'s tokens with `scope`, fetched from this stand-in in process (whoever
        holds them closes `tokens.auth` if they like; it holds no socket)."""
        secret, _ = self.clients[client_id]
        auth = ResilientClient(
            "auth", "http://auth.test", transport=httpx.ASGITransport(app=self.app)
        )
        return ServiceTokens(auth, client_id=client_id, client_secret=secret, scope=scope)

    async def _token(self, request: Request) -> JSONResponse:
        body = await request.json()
        client_id = str(body.get("client_id") or "")
        known = self.clients.get(client_id)
        if (
            body.get("grant_type") != "client_credentials"
            or known is None
            or body.get("client_secret") != known[0]
        ):
            return _problem(401, "The client id or secret is not correct.")
        scopes = sorted(set(str(body.get("scope") or "").split()))
        if not scopes or not set(scopes) <= known[1]:
            return _problem(403, "This client may not ask for that scope.")
        tenant_id = body.get("tenant_id")
        if tenant_id is not None:
            tenant_id = str(uuid.UUID(str(tenant_id)))
        token = self.tokens.service(client_id, scopes, self.ttl_seconds, tenant_id=tenant_id)
        scope = " ".join(scopes)
        self.issued.append(Issued(client_id, scope, tenant_id))
        return JSONResponse(
            {
                "access_token": token,
                "token_type": "Bearer",
                "expires_in": self.ttl_seconds,
                "scope": scope,
            }
        )


def _problem(status: int, detail: str) -> JSONResponse:
    body = {"type": "about:blank", "title": "Refused", "status": status, "detail": detail}
    return JSONResponse(body, status_code=status, media_type=PROBLEM)
