"""E-mails to a restaurant: who receives them and what they say."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from pos_notification.domain.deliveries import DeliveryProgress

STOCK_LOW = "stock_low"


@dataclass(frozen=True)
class TenantContact:
    """The restaurant's owner, as auth announced at sign-up (`tenant.registered`)."""

    tenant_id: uuid.UUID
    restaurant_name: str
    owner_user_id: str
    owner_email: str
    owner_full_name: str
    registered_at: datetime


@dataclass(frozen=True)
class StockLow:
    product_id: uuid.UUID
    name: str
    available: int
    threshold: int


@dataclass(frozen=True)
class EmailContent:
    subject: str
    body: str


def _one_line(text: str, limit: int = 200) -> str:
    """Names come from other services' events: keep them on one line in a header."""
    flat = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    return flat[:limit]


def stock_low_email(*, stock: StockLow, contact: TenantContact | None) -> EmailContent:
    product = _one_line(stock.name, 120)
    restaurant = _one_line(contact.restaurant_name, 120) if contact else "your restaurant"
    greeting = f"Hello {_one_line(contact.owner_full_name, 120)}," if contact else "Hello,"
    return EmailContent(
        subject=f"Running low: {product} ({stock.available} left)",
        body=(
            f"{greeting}\n\n"
            f"{product} is running low at {restaurant}: {stock.available} left, "
            f"below your threshold of {stock.threshold}.\n\n"
            "Restock it, or update its stock level in the POS once new stock is in.\n\n"
            "-- Your POS\n"
        ),
    )


@dataclass(frozen=True)
class EmailDelivery:
    """One e-mail to a restaurant, and how its sending went."""

    id: uuid.UUID
    tenant_id: uuid.UUID
    kind: str
    event_id: str
    recipient: str | None
    content: EmailContent
    progress: DeliveryProgress
    created_at: datetime
