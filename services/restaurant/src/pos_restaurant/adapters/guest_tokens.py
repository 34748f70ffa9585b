"""auth's guest tokens: what a table's guest link carries, asked for with the restaurant's
own client-credentials token (scope `guests:issue`, bound to the restaurant).

Issuing a guest token changes nothing at auth but mints a token, so a request whose
answer was lost is simply asked again (Idempotency-Key lets the client retry it).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

import httpx
import structlog
from pydantic import BaseModel, ValidationError

from pos_kit.http import DownstreamError, ResilientClient, ServiceTokenRefused, ServiceTokens
from pos_restaurant.domain.errors import AuthAnsweredUnexpectedly, GuestLinksRefused

log = structlog.get_logger(__name__)

GUESTS_ISSUE_SCOPE = "guests:issue"
GUEST_TOKENS_PATH = "/api/v1/auth/guest-tokens"


@dataclass(frozen=True)
class GuestToken:
    token: str
    expires_at: datetime


class _Issued(BaseModel):
    access_token: str
    expires_at: datetime


class AuthGuestTokens:
    def __init__(self, http: ResilientClient, tokens: ServiceTokens) -> None:
        """`tokens` are the restaurant service's own, with the scope `guests:issue`."""
        self.http = http
        self.tokens = tokens

    async def issue(self, *, tenant_id: uuid.UUID, table_id: uuid.UUID) -> GuestToken:
        try:
            response = await self.tokens.send(
                self.http,
                "POST",
                GUEST_TOKENS_PATH,
                tenant_id=tenant_id,
                json={"table_id": str(table_id)},
                idempotency_key=f"guest-token-{uuid.uuid4()}",
            )
        except ServiceTokenRefused as exc:
            raise GuestLinksRefused() from exc
        except DownstreamError as exc:
            raise exc.reworded(
                "auth is unavailable, so no guest link can be made now; try again shortly."
            ) from exc
        if response.status_code in (401, 403):
            log.error("auth_refused_guest_token", status_code=response.status_code)
            raise GuestLinksRefused()
        if response.status_code != 200:
            raise _unexpected(response)
        try:
            issued = _Issued.model_validate_json(response.content)
        except ValidationError as exc:
            raise AuthAnsweredUnexpectedly("auth's guest token answer is unreadable.") from exc
        return GuestToken(token=issued.access_token, expires_at=issued.expires_at)


def _unexpected(response: httpx.Response) -> AuthAnsweredUnexpectedly:
    log.error("auth_answered_guest_token_unexpectedly", status_code=response.status_code)
    return AuthAnsweredUnexpectedly(
        f"auth answered {response.status_code} when asked for a guest token."
    )
