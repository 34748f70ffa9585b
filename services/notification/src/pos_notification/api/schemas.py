"""What notification's API accepts and answers."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import datetime
from typing import Any

from pydantic import AliasPath, BaseModel, ConfigDict, Field, field_validator, model_validator

from pos_kit.pagination import Page
from pos_kit.schemas import RequestModel, ResponseModel
from pos_notification.domain.deliveries import DeliveryStatus, WebhookDelivery
from pos_notification.domain.emails import EmailDelivery
from pos_notification.domain.targets import MAX_URL_LENGTH
from pos_notification.domain.tickets import KitchenTicket, TicketStatus
from pos_notification.domain.webhooks import unknown_event_types
from pos_notification.use_cases.feed import ticket_view


class TicketItemOut(BaseModel):
    product_id: uuid.UUID | None
    name: str
    quantity: int
    notes: str | None
    modifiers: list[str]


class TicketOut(BaseModel):
    """A kitchen ticket. The same document is the `data` of the stream's events."""

    id: uuid.UUID
    order_id: uuid.UUID
    order_type: str | None
    table_id: uuid.UUID | None
    guests: int | None
    items: list[TicketItemOut]
    status: TicketStatus
    placed_at: datetime | None
    placed_by: str | None
    age_seconds: int = Field(description="Seconds since the order was placed.")
    bumped_at: datetime | None
    bumped_by: str | None
    cancelled_at: datetime | None

    @classmethod
    def of(cls, ticket: KitchenTicket, now: datetime) -> TicketOut:
        return cls.model_validate(ticket_view(ticket, now))


class TicketPage(Page[TicketOut]):
    last_event_id: int = Field(
        description="The kitchen stream's position this list is at least as new as: "
        "open the stream with Last-Event-ID (or ?last_event_id=) set to it to miss nothing."
    )


class StreamTicketOut(ResponseModel):
    ticket: str
    expires_in: int


class WebhookIn(RequestModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    url: str = Field(min_length=1, max_length=MAX_URL_LENGTH)
    events: list[str] = Field(min_length=1, max_length=50)

    @field_validator("events")
    @classmethod
    def _known_events(cls, events: list[str]) -> list[str]:
        unknown = unknown_event_types(events)
        if unknown:
            raise ValueError(f"not in the event catalogue: {', '.join(unknown)}")
        return events


class WebhookOut(ResponseModel):
    id: uuid.UUID
    url: str
    events: list[str] = Field(validation_alias="event_types")
    created_at: datetime


class WebhookCreatedOut(WebhookOut):
    secret: str = Field(
        description="Signs every delivery (X-POS-Signature). Shown only now: keep it safe."
    )


class WebhookPage(Page[WebhookOut]): ...


class _SendingOut(ResponseModel):
    """Something sent (a webhook delivery, an e-mail) and how sending it went, side by side."""

    @model_validator(mode="before")
    @classmethod
    def _progress_as_own_fields(cls, sent: Any) -> Any:
        if isinstance(sent, WebhookDelivery | EmailDelivery):
            return {**asdict(sent), **asdict(sent.progress)}
        return sent


class DeliveryOut(_SendingOut):
    id: uuid.UUID
    event_id: str
    event_type: str
    status: DeliveryStatus
    attempts: int
    last_status_code: int | None
    last_error: str | None
    next_attempt_at: datetime | None
    created_at: datetime
    delivered_at: datetime | None


class DeliveryPage(Page[DeliveryOut]): ...


class EmailOut(_SendingOut):
    id: uuid.UUID
    kind: str
    event_id: str
    recipient: str | None
    subject: str = Field(validation_alias=AliasPath("content", "subject"))
    status: DeliveryStatus
    attempts: int
    last_error: str | None
    next_attempt_at: datetime | None
    created_at: datetime
    delivered_at: datetime | None


class EmailPage(Page[EmailOut]): ...
