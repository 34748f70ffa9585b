"""Webhooks: a restaurant registers a URL for event types; each such event becomes a delivery."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import structlog

from pos_kit.clock import utcnow
from pos_kit.errors import NotFound
from pos_kit.events import Event
from pos_kit.pagination import PageRequest, Slice
from pos_kit.uow import UnitOfWork
from pos_notification.adapters.repositories import WebhookDeliveryRepository, WebhookRepository
from pos_notification.domain.deliveries import DeliveryProgress, WebhookDelivery
from pos_notification.domain.errors import TooManyWebhooks, UnknownEventTypes
from pos_notification.domain.targets import TargetPolicy
from pos_notification.domain.webhooks import Webhook, normalise_event_types, unknown_event_types
from pos_notification.use_cases.targets import Resolver, vet_target

log = structlog.get_logger(__name__)


def new_webhook_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


@dataclass
class Webhooks:
    policy: TargetPolicy
    resolver: Resolver
    max_per_tenant: int
    # Wakes the dispatcher once new deliveries are committed.
    nudge: Callable[[], None]

    async def register(
        self,
        uow: UnitOfWork,
        *,
        tenant_id: uuid.UUID,
        created_by: str,
        url: str,
        event_types: list[str],
    ) -> Webhook:
        unknown = unknown_event_types(event_types)
        if unknown:
            raise UnknownEventTypes(unknown)
        await vet_target(url, policy=self.policy, resolver=self.resolver)
        hooks = WebhookRepository(uow.session)
        if await hooks.count(tenant_id) >= self.max_per_tenant:
            raise TooManyWebhooks(self.max_per_tenant)
        webhook = Webhook(
            id=uuid.uuid4(),
            tenant_id=tenant_id,
            url=url,
            event_types=normalise_event_types(event_types),
            secret=new_webhook_secret(),
            created_at=utcnow(),
            created_by=created_by,
        )
        await hooks.add(webhook)
        log.info("webhook_registered", webhook_id=str(webhook.id), events=webhook.event_types)
        return webhook

    async def get(self, uow: UnitOfWork, *, tenant_id: uuid.UUID, webhook_id: uuid.UUID) -> Webhook:
        webhook = await WebhookRepository(uow.session).get(
            tenant_id=tenant_id, webhook_id=webhook_id
        )
        if webhook is None:
            raise NotFound("No such webhook.")
        return webhook

    async def list_page(
        self, uow: UnitOfWork, *, tenant_id: uuid.UUID, page: PageRequest
    ) -> Slice[Webhook]:
        return await WebhookRepository(uow.session).list_page(tenant_id=tenant_id, page=page)

    async def delete(self, uow: UnitOfWork, *, tenant_id: uuid.UUID, webhook_id: uuid.UUID) -> None:
        if not await WebhookRepository(uow.session).delete(
            tenant_id=tenant_id, webhook_id=webhook_id
        ):
            raise NotFound("No such webhook.")
        log.info("webhook_deleted", webhook_id=str(webhook_id))

    async def deliveries_page(
        self,
        uow: UnitOfWork,
        *,
        tenant_id: uuid.UUID,
        webhook_id: uuid.UUID,
        page: PageRequest,
    ) -> Slice[WebhookDelivery]:
        webhook = await self.get(uow, tenant_id=tenant_id, webhook_id=webhook_id)
        return await WebhookDeliveryRepository(uow.session).list_page(
            tenant_id=webhook.tenant_id, webhook_id=webhook.id, page=page
        )

    async def fan_out(self, uow: UnitOfWork, *, tenant_id: uuid.UUID, event: Event) -> int:
        """A delivery for each of the tenant's webhooks that wants this event type."""
        wanted = [
            w
            for w in await WebhookRepository(uow.session).all_for(tenant_id)
            if w.wants(event.type)
        ]
        if not wanted:
            return 0
        now = utcnow()
        payload = event.to_json()
        deliveries = WebhookDeliveryRepository(uow.session)
        added = 0
        for webhook in wanted:
            added += await deliveries.add(
                WebhookDelivery(
                    id=uuid.uuid4(),
                    tenant_id=tenant_id,
                    webhook_id=webhook.id,
                    event_id=event.id,
                    event_type=event.type,
                    payload=payload,
                    progress=DeliveryProgress.new(now),
                    created_at=now,
                )
            )
        if added:
            uow.on_commit(self.nudge)
        return added
