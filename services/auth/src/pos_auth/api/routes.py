"""auth's endpoints: sign-up, sign-in, refresh, sign-out, me, staff logins, service and
guest tokens, JWKS."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response, status

from pos_auth.api.dependencies import UseCases
from pos_auth.api.schemas import (
    ClientCredentialsIn,
    CreateUserIn,
    GuestTokenIn,
    GuestTokenOut,
    LogInIn,
    RefreshIn,
    ServiceTokenOut,
    SessionOut,
    SignUpIn,
    UserOut,
    UserPage,
)
from pos_auth.domain.guests import GUESTS_ISSUE_SCOPE
from pos_auth.domain.roles import STAFF_ADMINS, STAFF_ROLES, USERS_WRITE_SCOPE
from pos_kit.clientip import client_address
from pos_kit.dependencies import UoW
from pos_kit.errors import NotFound
from pos_kit.pagination import Keyset, PageRequest, page_request
from pos_kit.security import (
    CurrentPrincipal,
    require_role_or_scope,
    require_roles,
    require_scope,
)
from pos_kit.tokens import Principal

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])
jwks_router = APIRouter(tags=["keys"])

StaffAdmin = Annotated[Principal, Depends(require_roles(*STAFF_ADMINS))]
# The restaurant service manages its staff's logins with a tenant-bound service token.
LoginManager = Annotated[
    Principal, Depends(require_role_or_scope(*STAFF_ADMINS, scope=USERS_WRITE_SCOPE))
]

# The restaurant service issues its tables' guest links with a tenant-bound service token.
GuestIssuer = Annotated[Principal, Depends(require_scope(GUESTS_ISSUE_SCOPE))]

USERS = Keyset(datetime, uuid.UUID)  # oldest first by (created_at, id)


@router.post("/signup", status_code=status.HTTP_201_CREATED, response_model=SessionOut)
async def sign_up(body: SignUpIn, request: Request, uow: UoW, use_cases: UseCases) -> SessionOut:
    """Register a restaurant: mints its tenant id and creates its owner's login.

    At most `max_signups_per_address` an hour from one address (429 with Retry-After)."""
    session = await use_cases.accounts.sign_up(
        uow,
        restaurant_name=body.restaurant_name,
        email=str(body.email),
        password=body.password,
        full_name=body.full_name,
        client_address=client_address(request, request.app.state.settings.trusted_proxies),
    )
    return SessionOut.model_validate(session)


@router.post("/login", response_model=SessionOut)
async def log_in(body: LogInIn, request: Request, uow: UoW, use_cases: UseCases) -> SessionOut:
    address = client_address(request, request.app.state.settings.trusted_proxies)
    session = await use_cases.accounts.log_in(
        uow, email=body.email, password=body.password, client_address=address
    )
    return SessionOut.model_validate(session)


@router.post("/refresh", response_model=SessionOut)
async def refresh(body: RefreshIn, uow: UoW, use_cases: UseCases) -> SessionOut:
    """Trade a refresh token for a new pair. Each refresh token works once."""
    session = await use_cases.accounts.refresh(uow, refresh_token=body.refresh_token)
    return SessionOut.model_validate(session)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
async def log_out(body: RefreshIn, uow: UoW, use_cases: UseCases) -> Response:
    """End the session the refresh token belongs to (its whole family)."""
    await use_cases.accounts.log_out(uow, refresh_token=body.refresh_token)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me", response_model=UserOut)
async def me(principal: CurrentPrincipal, uow: UoW, use_cases: UseCases) -> UserOut:
    if principal.role not in STAFF_ROLES:
        raise NotFound("Only staff have a profile: a service account or a guest has none.")
    user = await use_cases.staff.get(uow, principal=principal, user_id=uuid.UUID(principal.subject))
    return UserOut.model_validate(user)


@router.post("/users", status_code=status.HTTP_201_CREATED, response_model=UserOut)
async def create_user(
    body: CreateUserIn, principal: LoginManager, uow: UoW, use_cases: UseCases
) -> UserOut:
    user = await use_cases.staff.create(
        uow,
        principal=principal,
        email=str(body.email),
        full_name=body.full_name,
        role=body.role,
        password=body.password,
    )
    return UserOut.model_validate(user)


@router.get("/users", response_model=UserPage)
async def list_users(
    principal: StaffAdmin,
    uow: UoW,
    use_cases: UseCases,
    page: Annotated[PageRequest, Depends(page_request(USERS))],
) -> UserPage:
    found = await use_cases.staff.list(uow, principal=principal, page=page)
    return UserPage.build(found, USERS, UserOut.model_validate)


@router.get("/users/{user_id}", response_model=UserOut)
async def get_user(
    user_id: uuid.UUID, principal: StaffAdmin, uow: UoW, use_cases: UseCases
) -> UserOut:
    user = await use_cases.staff.get(uow, principal=principal, user_id=user_id)
    return UserOut.model_validate(user)


@router.post("/users/{user_id}/deactivate", response_model=UserOut)
async def deactivate_user(
    user_id: uuid.UUID, principal: LoginManager, uow: UoW, use_cases: UseCases
) -> UserOut:
    """Stop a login: it cannot sign in again and its refresh tokens are revoked at once."""
    user = await use_cases.staff.deactivate(uow, principal=principal, user_id=user_id)
    return UserOut.model_validate(user)


@router.post("/token", response_model=ServiceTokenOut)
async def client_credentials_token(
    body: ClientCredentialsIn, uow: UoW, use_cases: UseCases
) -> ServiceTokenOut:
    """OAuth2 client credentials (JSON body) for service-to-service calls."""
    token = await use_cases.service_accounts.issue_token(
        uow,
        client_id=body.client_id,
        client_secret=body.client_secret,
        requested_scopes=body.scope.split() if body.scope else None,
        tenant_id=body.tenant_id,
    )
    return ServiceTokenOut(
        access_token=token.access_token, expires_in=token.expires_in, scope=" ".join(token.scopes)
    )


@router.post("/guest-tokens", response_model=GuestTokenOut)
async def issue_guest_token(
    body: GuestTokenIn, issuer: GuestIssuer, use_cases: UseCases, response: Response
) -> GuestTokenOut:
    """A short-lived token for a new guest at one table (what a guest link carries): role
    `guest`, the restaurant of the caller's token, the table, a subject of its own."""
    token = await use_cases.guest_tokens.issue(
        issuer=issuer, table_id=body.table_id, ttl_seconds=body.ttl_seconds
    )
    response.headers["Cache-Control"] = "no-store"
    return GuestTokenOut.model_validate(token)


@jwks_router.get("/.well-known/jwks.json")
async def jwks(use_cases: UseCases, response: Response) -> dict[str, Any]:
    """The public keys that verify auth's tokens: the signing key and recently retired ones."""
    # Short caching: verifiers refresh on an unknown kid anyway.
    response.headers["Cache-Control"] = "public, max-age=60"
    return await use_cases.keys.jwks()
