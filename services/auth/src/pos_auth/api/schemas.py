"""What auth's API accepts and answers."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from pos_auth.domain.guests import MAX_GUEST_TOKEN_TTL_SECONDS, MIN_GUEST_TOKEN_TTL_SECONDS
from pos_auth.domain.roles import Role
from pos_kit.pagination import Page
from pos_kit.schemas import RequestModel, ResponseModel

# Long enough to resist guessing, bounded so hashing stays cheap for us.
Password = Field(min_length=10, max_length=128)


class Strict(RequestModel):
    """A request body: unknown fields refused, text trimmed and storable."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class SignUpIn(Strict):
    restaurant_name: str = Field(min_length=1, max_length=200)
    email: EmailStr
    password: str = Password
    full_name: str = Field(min_length=1, max_length=200)


class LogInIn(Strict):
    email: str = Field(min_length=1, max_length=320)
    password: str = Field(min_length=1, max_length=128)


class RefreshIn(Strict):
    refresh_token: str = Field(min_length=1, max_length=200)


class UserOut(ResponseModel):
    id: uuid.UUID
    tenant_id: uuid.UUID
    email: str
    full_name: str
    role: Role
    is_active: bool
    created_at: datetime
    deactivated_at: datetime | None


class SessionOut(ResponseModel):
    tenant_id: uuid.UUID
    user: UserOut
    access_token: str
    refresh_token: str
    token_type: Literal["Bearer"] = "Bearer"  # noqa: S105 - a token type, not a secret
    expires_in: int


class CreateUserIn(Strict):
    email: EmailStr
    full_name: str = Field(min_length=1, max_length=200)
    role: Role
    password: str = Password


class UserPage(Page[UserOut]):
    """A page of a restaurant's logins, oldest first."""


class ClientCredentialsIn(Strict):
    grant_type: Literal["client_credentials"]
    client_id: str = Field(min_length=1, max_length=100)
    client_secret: str = Field(min_length=1, max_length=200)
    scope: str | None = Field(default=None, max_length=1000)
    # A service acting for one restaurant (e.g. restaurant creating a staff login)
    # asks for a token bound to it; the tenant then comes from the token as always.
    tenant_id: uuid.UUID | None = None


class ServiceTokenOut(BaseModel):
    access_token: str
    token_type: Literal["Bearer"] = "Bearer"  # noqa: S105 - a token type, not a secret
    expires_in: int
    scope: str


class GuestTokenIn(Strict):
    """A guest link for one table of the restaurant the caller's service token names."""

    table_id: uuid.UUID
    # Unset: auth's default (3 h).
    ttl_seconds: int | None = Field(
        default=None, ge=MIN_GUEST_TOKEN_TTL_SECONDS, le=MAX_GUEST_TOKEN_TTL_SECONDS
    )


class GuestTokenOut(ResponseModel):
    access_token: str
    token_type: Literal["Bearer"] = "Bearer"  # noqa: S105 - a token type, not a secret
    expires_in: int
    expires_at: datetime
    table_id: uuid.UUID
