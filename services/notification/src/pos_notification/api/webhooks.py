"""Webhooks: owners and managers register URLs for event types and watch the deliveries."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from pos_kit.dependencies import UoW
from pos_notification.api.dependencies import TIME_KEYED, RestaurantAdmin, TimeKeyedPage, UseCases
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
    body: WebhookIn, who: RestaurantAdmin, uow: UoW, use_cases: UseCases
) -> WebhookCreatedOut:
    """Register a URL for event types. The answer holds the signing secret, this once."""
    webhook = await use_cases.webhooks.register(
        uow, tenant_id=who.tenant, created_by=who.subject, url=body.url, event_types=body.events
    )
    return WebhookCreatedOut.model_validate(webhook)


@router.get("", response_model=WebhookPage)
async def list_webhooks(
    who: RestaurantAdmin, uow: UoW, use_cases: UseCases, page: TimeKeyedPage
) -> WebhookPage:
    found = await use_cases.webhooks.list_page(uow, tenant_id=who.tenant, page=page)
    return WebhookPage.build(found, TIME_KEYED, WebhookOut.model_validate)


@router.get("/{webhook_id}", response_model=WebhookOut)
async def get_webhook(
    webhook_id: uuid.UUID, who: RestaurantAdmin, uow: UoW, use_cases: UseCases
) -> WebhookOut:
    webhook = await use_cases.webhooks.get(uow, tenant_id=who.tenant, webhook_id=webhook_id)
    return WebhookOut.model_validate(webhook)


@router.delete("/{webhook_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_webhook(
    webhook_id: uuid.UUID, who: RestaurantAdmin, uow: UoW, use_cases: UseCases
) -> Response:
    """Stop calling this URL; deliveries not yet made are dropped."""
    await use_cases.webhooks.delete(uow, tenant_id=who.tenant, webhook_id=webhook_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{webhook_id}/deliveries", response_model=DeliveryPage)
async def list_deliveries(
    webhook_id: uuid.UUID, who: RestaurantAdmin, uow: UoW, use_cases: UseCases, page: TimeKeyedPage
) -> DeliveryPage:
    """The webhook's deliveries, newest first: status, attempts, the receiver's last answer."""
    found = await use_cases.webhooks.deliveries_page(
        uow, tenant_id=who.tenant, webhook_id=webhook_id, page=page
    )
    return DeliveryPage.build(found, TIME_KEYED, DeliveryOut.model_validate)
