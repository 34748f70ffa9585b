"""All of notification's SQL, one module per aggregate.

Every query on a restaurant's data filters on its tenant. The exceptions are the
dispatcher's and the housekeeping's queries, which work across tenants by design:
they pick due deliveries and expired rows, never answer a tenant.
"""

from pos_notification.adapters.repositories.emails import EmailDeliveryRepository
from pos_notification.adapters.repositories.feed import FeedRepository
from pos_notification.adapters.repositories.stream_tickets import (
    StreamTicketRepository,
    StreamTicketState,
)
from pos_notification.adapters.repositories.tenant_contacts import TenantContactRepository
from pos_notification.adapters.repositories.tickets import TicketRepository
from pos_notification.adapters.repositories.webhook_deliveries import (
    DueWebhookCall,
    WebhookDeliveryRepository,
)
from pos_notification.adapters.repositories.webhooks import WebhookRepository

__all__ = [
    "DueWebhookCall",
    "EmailDeliveryRepository",
    "FeedRepository",
    "StreamTicketRepository",
    "StreamTicketState",
    "TenantContactRepository",
    "TicketRepository",
    "WebhookDeliveryRepository",
    "WebhookRepository",
]
