"""The restaurant's e-mail log: what was sent to its owner, and how sending went."""

from __future__ import annotations

from fastapi import APIRouter

from pos_kit.dependencies import DbSession
from pos_notification.api.dependencies import RestaurantAdmin, Services
from pos_notification.api.paging import (
    DEFAULT_LIMIT,
    Cursor,
    Limit,
    next_cursor,
    position_after,
)
from pos_notification.api.schemas import EmailOut, EmailPage

router = APIRouter(prefix="/api/v1/notifications", tags=["notifications"])


@router.get("", response_model=EmailPage)
async def list_notifications(
    principal: RestaurantAdmin,
    db: DbSession,
    services: Services,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> EmailPage:
    """E-mails to the restaurant, newest first."""
    found = await services.emails.list_page(
        db, principal=principal, limit=limit + 1, after=position_after(cursor)
    )
    page, more = found[:limit], len(found) > limit
    return EmailPage(
        items=[EmailOut.of(e) for e in page],
        next_cursor=next_cursor((page[-1].created_at, page[-1].id) if page else None, more),
    )
