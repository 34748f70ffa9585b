"""Guest tokens: what a table's guest link carries, issued to the restaurant service."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog

from pos_auth.domain.guests import new_guest_subject
from pos_auth.use_cases.tokens import TokenIssuer
from pos_kit.clock import utcnow
from pos_kit.errors import Forbidden
from pos_kit.tokens import Principal

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class GuestToken:
    access_token: str
    subject: str
    table_id: uuid.UUID
    expires_in: int
    expires_at: datetime


@dataclass
class GuestTokens:
    tokens: TokenIssuer

    async def issue(
        self, *, issuer: Principal, table_id: uuid.UUID, ttl_seconds: int | None
    ) -> GuestToken:
        """A new guest at `table_id` of the restaurant `issuer`'s token is bound to.

        The restaurant comes from the issuer's token, never from the request; auth
        knows nothing of tables, so the restaurant service checks the table is its own.
        """
        if not issuer.is_service or issuer.tenant_id is None:
            raise Forbidden(
                "Guest tokens are issued to a service account acting for one restaurant: "
                "ask for a client-credentials token with its tenant_id."
            )
        ttl = ttl_seconds or self.tokens.settings.guest_token_ttl_seconds
        now = utcnow()
        # Whole seconds, as the token's claims have them.
        expires_at = now.replace(microsecond=0) + timedelta(seconds=ttl)
        subject = new_guest_subject()
        token = await self.tokens.guest_token_for(
            tenant_id=issuer.tenant,
            table_id=table_id,
            subject=subject,
            now=now,
            expires_at=expires_at,
        )
        log.info(
            "guest_token_issued",
            table_id=str(table_id),
            guest=subject,
            issued_to=issuer.subject,
            ttl_seconds=ttl,
        )
        return GuestToken(
            access_token=token,
            subject=subject,
            table_id=table_id,
            expires_in=ttl,
            expires_at=expires_at,
        )
