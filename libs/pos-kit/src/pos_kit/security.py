"""FastAPI dependencies for the caller: the verified principal and role or scope checks.

A service puts a `TokenVerifier` on `app.state.token_verifier` (the app factory does);
routers then declare `principal: CurrentPrincipal` or
`Depends(require_roles("owner", "manager"))`; an endpoint only another service may call
(never a person, whatever their role) declares `Depends(require_service_scope(scope))`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from pos_kit import context
from pos_kit.errors import Forbidden, Unauthorized
from pos_kit.tokens import Principal, TokenVerifier

_bearer = HTTPBearer(auto_error=False, description="An access token issued by auth.")


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("Send an access token as 'Authorization: Bearer <token>'.")
    verifier: TokenVerifier = request.app.state.token_verifier
    principal = await verifier.verify(credentials.credentials)
    # From here on every log line, outbound call and event of this request names the tenant.
    context.bind_tenant(principal.tenant_id, user_id=principal.subject)
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def require_roles(*roles: str) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency that lets only staff with one of `roles` through (403 otherwise)."""
    allowed = frozenset(roles)

    async def check(principal: CurrentPrincipal) -> Principal:
        if principal.role not in allowed:
            raise Forbidden(f"This needs one of the roles: {', '.join(sorted(allowed))}.")
        return principal

    return check


def require_scope(scope: str) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency for service-to-service endpoints: the token must carry `scope`."""

    async def check(principal: CurrentPrincipal) -> Principal:
        if scope not in principal.scopes:
            raise Forbidden(f"This needs the scope '{scope}'.")
        return principal

    return check


def require_role_or_scope(*roles: str, scope: str) -> Callable[[Principal], Awaitable[Principal]]:
    """Staff with one of `roles`, or a service account acting for one tenant with `scope`."""
    allowed = frozenset(roles)

    async def check(principal: CurrentPrincipal) -> Principal:
        if principal.role in allowed:
            return principal
        if principal.is_service and scope in principal.scopes and principal.tenant_id:
            return principal
        raise Forbidden(
            f"This needs one of the roles {', '.join(sorted(allowed))} "
            f"or a service token with the scope '{scope}' for this restaurant."
        )

    return check


def require_service_scope(scope: str) -> Callable[[Principal], Awaitable[Principal]]:
    """Only a service account acting for one tenant with `scope`: staff and guests are
    refused whatever their role (403), and so is a service token that names no tenant."""

    async def check(principal: CurrentPrincipal) -> Principal:
        if principal.is_service and scope in principal.scopes and principal.tenant_id:
            return principal
        raise Forbidden(
            "This is for a service account: it needs a service token with the scope "
            f"'{scope}' for this restaurant."
        )

    return check
