"""Webhooks: owners and managers register URLs for event types and watch the deliveries."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from pos_kit.dependencies import DbSession
from pos_notification.api.dependencies import RestaurantAdmin, Services
from pos_notification.api.paging import (
    DEFAULT_LIMIT,
    Cursor,
    Limit,
    next_cursor,
    position_after,
)
from pos_notification.api.schemas import (
    DeliveryOut,
    DeliveryPage,
    WebhookCreatedOut,
    WebhookIn,
    WebhookOut,
    WebhookPage,
)

router = APIRouter(prefix="/api/v1/webhooks", tags=["webhooks"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=WebhookCreatedOut)
async def register_webhook(
    body: WebhookIn, principal: RestaurantAdmin, db: DbSession, services: Services
) -> WebhookCreatedOut:
    """Register a URL for event types. The answer holds the signing secret, this once."""
    webhook = await services.webhooks.register(
        db, principal=principal, url=body.url, event_types=body.events
    )
    return WebhookCreatedOut.created(webhook)


@router.get("", response_model=WebhookPage)
async def list_webhooks(
    principal: RestaurantAdmin,
    db: DbSession,
    services: Services,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> WebhookPage:
    found = await services.webhooks.list_page(
        db, principal=principal, limit=limit + 1, after=position_after(cursor)
    )
    page, more = found[:limit], len(found) > limit
    return WebhookPage(
        items=[WebhookOut.of(w) for w in page],
        next_cursor=next_cursor((page[-1].created_at, page[-1].id) if page else None, more),
    )


@router.get("/{webhook_id}", response_model=WebhookOut)
async def get_webhook(
    webhook_id: uuid.UUID, principal: RestaurantAdmin, db: DbSession, services: Services
) -> WebhookOut:
    return WebhookOut.of(
        await services.webhooks.get(db, principal=principal, webhook_id=webhook_id)
    )


@router.delete("/{webhook_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_webhook(
    webhook_id: uuid.UUID, principal: RestaurantAdmin, db: DbSession, services: Services
) -> Response:
    """Stop calling this URL; deliveries not yet made are dropped."""
    await services.webhooks.delete(db, principal=principal, webhook_id=webhook_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{webhook_id}/deliveries", response_model=DeliveryPage)
async def list_deliveries(
    webhook_id: uuid.UUID,
    principal: RestaurantAdmin,
    db: DbSession,
    services: Services,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> DeliveryPage:
    """The webhook's deliveries, newest first: status, attempts, the receiver's last answer."""
    found = await services.webhooks.deliveries_page(
        db,
        principal=principal,
        webhook_id=webhook_id,
        limit=limit + 1,
        after=position_after(cursor),
    )
    page, more = found[:limit], len(found) > limit
    return DeliveryPage(
        items=[DeliveryOut.of(d) for d in page],
        next_cursor=next_cursor((page[-1].created_at, page[-1].id) if page else None, more),
    )
