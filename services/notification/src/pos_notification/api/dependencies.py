"""How routers reach notification's use cases, and who is calling."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from pos_kit import context
from pos_kit.dependencies import UoW, app_state
from pos_kit.errors import BadRequest, Forbidden, Unauthorized
from pos_kit.pagination import Keyset, PageRequest, page_request
from pos_kit.security import require_roles
from pos_kit.tokens import Principal, TokenVerifier
from pos_notification.domain.errors import StreamTicketRefused
from pos_notification.domain.feed import StreamGrant
from pos_notification.domain.roles import ADMIN_ROLES, STAFF_ROLES
from pos_notification.use_cases.emails import EmailNotices
from pos_notification.use_cases.feed import KitchenFeed
from pos_notification.use_cases.stream_tickets import StreamTickets
from pos_notification.use_cases.tickets import KitchenTickets
from pos_notification.use_cases.webhooks import Webhooks


@dataclass
class NotificationUseCases:
    tickets: KitchenTickets
    feed: KitchenFeed
    stream_tickets: StreamTickets
    webhooks: Webhooks
    emails: EmailNotices


UseCases = Annotated[NotificationUseCases, Depends(app_state(NotificationUseCases))]
StaffMember = Annotated[Principal, Depends(require_roles(*STAFF_ROLES))]
RestaurantAdmin = Annotated[Principal, Depends(require_roles(*ADMIN_ROLES))]

# Every list here runs by a moment, then the id: newest first by (created_at, id), or
# (the kitchen's open tickets) oldest first by (placed_at, id).
TIME_KEYED = Keyset(datetime, uuid.UUID)
TimeKeyedPage = Annotated[PageRequest, Depends(page_request(TIME_KEYED))]


def grant_of(staff: Principal) -> StreamGrant:
    """The kitchen stream a member of staff may open: their restaurant's, as themselves."""
    assert staff.role is not None  # staff tokens always carry a role
    return StreamGrant(tenant_id=staff.tenant, user_id=staff.subject, role=staff.role)


_bearer = HTTPBearer(auto_error=False, description="An access token issued by auth.")
# Query parameters people use to put tokens in URLs; refused, never read.
_URL_CREDENTIALS = ("access_token", "token", "jwt", "bearer", "authorization", "id_token")
_JWT_SHAPE = re.compile(r"^eyJ[\w-]*\.[\w-]+\.[\w-]*$")


async def stream_caller(
    request: Request,
    uow: UoW,
    use_cases: UseCases,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ticket: Annotated[
        str | None,
        Query(
            min_length=1,
            # Long enough to recognise (and refuse) an access token pasted here.
            max_length=8192,
            description="A stream ticket from POST /api/v1/kitchen/stream-tickets "
            "(for EventSource, which cannot send an Authorization header).",
        ),
    ] = None,
) -> StreamGrant:
    """Whose kitchen stream this is: from a bearer token, or from a one-time stream ticket."""
    if any(name in request.query_params for name in _URL_CREDENTIALS) or (
        ticket is not None and _JWT_SHAPE.match(ticket)
    ):
        raise BadRequest(
            "Never put an access token in a URL: it ends up in logs. Send it as "
            "'Authorization: Bearer <token>', or trade it for a stream ticket at "
            "POST /api/v1/kitchen/stream-tickets and pass ?ticket=<ticket>."
        )
    principal: Principal | None = None
    if credentials is not None and credentials.scheme.lower() == "bearer":
        verifier: TokenVerifier = request.app.state.token_verifier
        principal = await verifier.verify(credentials.credentials)
        if principal.role not in STAFF_ROLES:
            raise Forbidden(f"This needs one of the roles: {', '.join(sorted(STAFF_ROLES))}.")
    if ticket is None:
        if principal is None:
            raise Unauthorized(
                "Send an access token as 'Authorization: Bearer <token>', or a stream ticket "
                "as ?ticket=<ticket> (POST /api/v1/kitchen/stream-tickets)."
            )
        grant = grant_of(principal)
    else:
        grant = await use_cases.stream_tickets.redeem(uow, ticket=ticket)
        if principal is not None and principal.tenant != grant.tenant_id:
            raise StreamTicketRefused("The stream ticket belongs to another restaurant.")
    context.bind_tenant(str(grant.tenant_id), user_id=grant.user_id)
    return grant


StreamCaller = Annotated[StreamGrant, Depends(stream_caller)]
