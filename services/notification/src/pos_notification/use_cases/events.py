"""What notification does with each event it consumes (durable consumer "notification").

Runs inside the consumer's transaction, with the inbox row that makes a redelivery
a no-op. Malformed data raises, so the event is retried and then dead-lettered
(pos.dlq.notification) while the next events go on.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from pos_kit.events import Event
from pos_notification.adapters import event_data
from pos_notification.services.emails import EmailNotices
from pos_notification.services.tickets import KitchenTickets
from pos_notification.services.webhooks import Webhooks

CONSUMER_NAME = "notification"
# Every event: any type may be one a tenant's webhook asked for.
SUBJECTS = ("pos.events.>",)


@dataclass
class EventHandlers:
    tickets: KitchenTickets
    webhooks: Webhooks
    emails: EmailNotices

    async def handle(self, session: AsyncSession, event: Event) -> None:
        tenant_id = event_data.tenant_of(event)
        if event.type == "order.placed":
            await self.tickets.open_for_order(
                session, tenant_id=tenant_id, order=event_data.placed_order(event)
            )
        elif event.type == "order.cancelled":
            await self.tickets.cancel_for_order(
                session, tenant_id=tenant_id, order_id=event_data.cancelled_order_id(event)
            )
        elif event.type == "tenant.registered":
            await self.emails.remember_contact(session, event_data.tenant_contact(event))
        elif event.type == "stock.low":
            await self.emails.notify_stock_low(
                session, tenant_id=tenant_id, stock=event_data.stock_low(event), event_id=event.id
            )
        await self.webhooks.fan_out(session, tenant_id=tenant_id, event=event)
