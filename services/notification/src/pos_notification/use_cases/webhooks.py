"""Webhooks: a restaurant registers a URL for event types; each such event becomes a delivery."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from pos_kit.dbtypes import utcnow
from pos_kit.events import Event
from pos_kit.problems import NotFound, ProblemError
from pos_kit.tokens import Principal
from pos_notification.adapters.repositories import (
    Position,
    WebhookDeliveryRepository,
    WebhookRepository,
)
from pos_notification.adapters.unit_of_work import after_commit
from pos_notification.domain.deliveries import DeliveryProgress, WebhookDelivery
from pos_notification.domain.targets import TargetPolicy
from pos_notification.domain.webhooks import (
    TooManyWebhooks,
    Webhook,
    normalise_event_types,
    unknown_event_types,
)
from pos_notification.services.targets import Resolver, vet_target
from pos_notification.services.tickets import tenant_of

log = structlog.get_logger(__name__)


class UnknownEventTypes(ProblemError):
    status = 422
    type_slug = "validation-failed"
    title = "Validation failed"

    def __init__(self, unknown: list[str]) -> None:
        message = f"Not in the event catalogue: {', '.join(unknown)}."
        super().__init__(
            message,
            extra={"errors": [{"field": "body.events", "message": message, "type": "unknown"}]},
        )


def new_webhook_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def _nothing() -> None:
    return None


@dataclass
class Webhooks:
    policy: TargetPolicy
    resolver: Resolver
    max_per_tenant: int
    # Wakes the dispatcher once new deliveries are committed.
    nudge: Callable[[], None] = field(default=_nothing)

    async def register(
        self, session: AsyncSession, *, principal: Principal, url: str, event_types: list[str]
    ) -> Webhook:
        unknown = unknown_event_types(event_types)
        if unknown:
            raise UnknownEventTypes(unknown)
        await vet_target(url, policy=self.policy, resolver=self.resolver)
        tenant_id = tenant_of(principal)
        hooks = WebhookRepository(session)
        if await hooks.count(tenant_id) >= self.max_per_tenant:
            raise TooManyWebhooks(self.max_per_tenant)
        webhook = Webhook(
            id=uuid.uuid4(),
            tenant_id=tenant_id,
            url=url,
            event_types=normalise_event_types(event_types),
            secret=new_webhook_secret(),
            created_at=utcnow(),
            created_by=principal.subject,
        )
        await hooks.add(webhook)
        log.info("webhook_registered", webhook_id=str(webhook.id), events=webhook.event_types)
        return webhook

    async def get(
        self, session: AsyncSession, *, principal: Principal, webhook_id: uuid.UUID
    ) -> Webhook:
        webhook = await WebhookRepository(session).get(
            tenant_id=tenant_of(principal), webhook_id=webhook_id
        )
        if webhook is None:
            raise NotFound("No such webhook.")
        return webhook

    async def list_page(
        self, session: AsyncSession, *, principal: Principal, limit: int, after: Position | None
    ) -> list[Webhook]:
        return await WebhookRepository(session).list_page(
            tenant_id=tenant_of(principal), limit=limit, after=after
        )

    async def delete(
        self, session: AsyncSession, *, principal: Principal, webhook_id: uuid.UUID
    ) -> None:
        if not await WebhookRepository(session).delete(
            tenant_id=tenant_of(principal), webhook_id=webhook_id
        ):
            raise NotFound("No such webhook.")
        log.info("webhook_deleted", webhook_id=str(webhook_id))

    async def deliveries_page(
        self,
        session: AsyncSession,
        *,
        principal: Principal,
        webhook_id: uuid.UUID,
        limit: int,
        after: Position | None,
    ) -> list[WebhookDelivery]:
        webhook = await self.get(session, principal=principal, webhook_id=webhook_id)
        return await WebhookDeliveryRepository(session).list_page(
            tenant_id=webhook.tenant_id, webhook_id=webhook.id, limit=limit, after=after
        )

    async def fan_out(self, session: AsyncSession, *, tenant_id: uuid.UUID, event: Event) -> int:
        """A delivery for each of the tenant's webhooks that wants this event type."""
        wanted = [
            w for w in await WebhookRepository(session).all_for(tenant_id) if w.wants(event.type)
        ]
        if not wanted:
            return 0
        now = utcnow()
        payload = event.to_json()
        deliveries = WebhookDeliveryRepository(session)
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
            after_commit(session, self.nudge)
        return added
