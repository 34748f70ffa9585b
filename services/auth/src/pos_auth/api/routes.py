"""auth's endpoints: sign-up, sign-in, refresh, sign-out, me, staff logins, service tokens, JWKS."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response, status

from pos_auth.api.dependencies import Services
from pos_auth.api.schemas import (
    ClientCredentialsIn,
    CreateUserIn,
    LogInIn,
    RefreshIn,
    ServiceTokenOut,
    SessionOut,
    SignUpIn,
    UserOut,
    UserPage,
)
from pos_auth.domain.roles import STAFF_ADMINS, USERS_WRITE_SCOPE
from pos_auth.services.accounts import Session
from pos_kit.clientip import client_address
from pos_kit.dependencies import DbSession
from pos_kit.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, decode_cursor, encode_cursor
from pos_kit.problems import BadRequest, NotFound
from pos_kit.security import CurrentPrincipal, require_role_or_scope, require_roles
from pos_kit.tokens import Principal

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])
jwks_router = APIRouter(tags=["keys"])

StaffAdmin = Annotated[Principal, Depends(require_roles(*STAFF_ADMINS))]
# The restaurant service manages its staff's logins with a tenant-bound service token.
LoginManager = Annotated[
    Principal, Depends(require_role_or_scope(*STAFF_ADMINS, scope=USERS_WRITE_SCOPE))
]


def _session_out(s: Session) -> SessionOut:
    return SessionOut(
        tenant_id=s.user.tenant_id,
        user=UserOut.of(s.user),
        access_token=s.access_token,
        refresh_token=s.refresh_token,
        expires_in=s.expires_in,
    )


@router.post("/signup", status_code=status.HTTP_201_CREATED, response_model=SessionOut)
async def sign_up(body: SignUpIn, db: DbSession, services: Services) -> SessionOut:
    """Register a restaurant: mints its tenant id and creates its owner's login."""
    session = await services.accounts.sign_up(
        db,
        restaurant_name=body.restaurant_name,
        email=str(body.email),
        password=body.password,
        full_name=body.full_name,
    )
    return _session_out(session)


@router.post("/login", response_model=SessionOut)
async def log_in(body: LogInIn, request: Request, db: DbSession, services: Services) -> SessionOut:
    address = client_address(request, request.app.state.settings.trusted_proxies)
    session = await services.accounts.log_in(
        db, email=body.email, password=body.password, client_address=address
    )
    return _session_out(session)


@router.post("/refresh", response_model=SessionOut)
async def refresh(body: RefreshIn, db: DbSession, services: Services) -> SessionOut:
    """Trade a refresh token for a new pair. Each refresh token works once."""
    return _session_out(await services.accounts.refresh(db, refresh_token=body.refresh_token))


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
async def log_out(body: RefreshIn, db: DbSession, services: Services) -> Response:
    """End the session the refresh token belongs to (its whole family)."""
    await services.accounts.log_out(db, refresh_token=body.refresh_token)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me", response_model=UserOut)
async def me(principal: CurrentPrincipal, db: DbSession, services: Services) -> UserOut:
    if principal.role is None:
        raise NotFound("A service account has no staff profile.")
    user = await services.staff.get(db, principal=principal, user_id=uuid.UUID(principal.subject))
    return UserOut.of(user)


@router.post("/users", status_code=status.HTTP_201_CREATED, response_model=UserOut)
async def create_user(
    body: CreateUserIn, principal: LoginManager, db: DbSession, services: Services
) -> UserOut:
    user = await services.staff.create(
        db,
        principal=principal,
        email=str(body.email),
        full_name=body.full_name,
        role=body.role,
        password=body.password,
    )
    return UserOut.of(user)


@router.get("/users", response_model=UserPage)
async def list_users(
    principal: StaffAdmin,
    db: DbSession,
    services: Services,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> UserPage:
    after = _after(decode_cursor(cursor))
    users = await services.staff.list_page(db, principal=principal, limit=limit + 1, after=after)
    page, more = users[:limit], len(users) > limit
    next_cursor = (
        encode_cursor({"c": page[-1].created_at.isoformat(), "i": str(page[-1].id)})
        if more
        else None
    )
    return UserPage(items=[UserOut.of(u) for u in page], next_cursor=next_cursor)


def _after(position: dict[str, Any] | None) -> tuple[datetime, uuid.UUID] | None:
    if position is None:
        return None
    try:
        return datetime.fromisoformat(position["c"]), uuid.UUID(position["i"])
    except (KeyError, TypeError, ValueError) as exc:
        raise BadRequest("The cursor is not one this service handed out.") from exc


@router.get("/users/{user_id}", response_model=UserOut)
async def get_user(
    user_id: uuid.UUID, principal: StaffAdmin, db: DbSession, services: Services
) -> UserOut:
    return UserOut.of(await services.staff.get(db, principal=principal, user_id=user_id))


@router.post("/users/{user_id}/deactivate", response_model=UserOut)
async def deactivate_user(
    user_id: uuid.UUID, principal: LoginManager, db: DbSession, services: Services
) -> UserOut:
    """Stop a login: it cannot sign in again and its refresh tokens are revoked at once."""
    user = await services.staff.deactivate(db, principal=principal, user_id=user_id)
    return UserOut.of(user)


@router.post("/token", response_model=ServiceTokenOut)
async def client_credentials_token(
    body: ClientCredentialsIn, db: DbSession, services: Services
) -> ServiceTokenOut:
    """OAuth2 client credentials (JSON body) for service-to-service calls."""
    token = await services.service_accounts.issue_token(
        db,
        client_id=body.client_id,
        client_secret=body.client_secret,
        requested_scopes=body.scope.split() if body.scope else None,
        tenant_id=body.tenant_id,
    )
    return ServiceTokenOut(
        access_token=token.access_token, expires_in=token.expires_in, scope=" ".join(token.scopes)
    )


@jwks_router.get("/.well-known/jwks.json")
async def jwks(services: Services, response: Response) -> dict[str, Any]:
    """The public keys that verify auth's tokens: the signing key and recently retired ones."""
    # Short caching: verifiers refresh on an unknown kid anyway.
    response.headers["Cache-Control"] = "public, max-age=60"
    return await services.keys.jwks()
