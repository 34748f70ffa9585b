"""The events pos-core reads: each restaurant's profile (receipts, and whether a paid dine-in
order closes at once), and the payment service's completed payments, which settle orders.

Only the fields used are read, so producers may add fields. Data pos-core cannot use
raises `MalformedEvent`: the consumer dead-letters it on `pos.dlq.pos-core` at once.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from functools import partial
from typing import Annotated

import structlog
from pydantic import Field

from pos_core.adapters.restaurant import ProfileIn
from pos_core.api.dependencies import CoreUseCases
from pos_core.domain import events
from pos_core.domain.payments import CompletedPayment
from pos_core.use_cases.settlement import Settled
from pos_kit.events import (
    Event,
    EventData,
    Handler,
    MalformedEvent,
    by_type,
    parse_data,
    subjects_of,
    tenant_of,
)
from pos_kit.mapping import build
from pos_kit.uow import UnitOfWork

log = structlog.get_logger(__name__)

Minor = Annotated[int, Field(ge=0, strict=True)]


class PaymentCompleted(EventData):
    """What pos-core reads of `payment.completed`."""

    payment_id: uuid.UUID
    order_id: uuid.UUID
    method: str = Field(min_length=1, max_length=20)
    amount: Minor
    tip: Minor
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    order_total: Minor
    paid_total: Minor
    taken_by: str = Field(min_length=1, max_length=200)
    completed_at: datetime

    def to_domain(self) -> CompletedPayment:
        return build(CompletedPayment, self)


async def _profile_changed(use_cases: CoreUseCases, uow: UnitOfWork, event: Event) -> None:
    profile = parse_data(event, ProfileIn).to_domain()
    await use_cases.restaurant_profiles.record(uow, tenant_id=tenant_of(event), profile=profile)


async def _payment_completed(use_cases: CoreUseCases, uow: UnitOfWork, event: Event) -> None:
    payment = parse_data(event, PaymentCompleted).to_domain()
    # The tenant from the envelope only: an event reaches no other restaurant's order.
    settled = await use_cases.settlement.payment_completed(
        uow, tenant_id=tenant_of(event), payment=payment
    )
    if settled is Settled.UNKNOWN_ORDER:
        raise MalformedEvent(f"payment.completed names order {payment.order_id}, unknown here")
    if settled is Settled.WRONG_CURRENCY:
        raise MalformedEvent(
            f"payment.completed is in {payment.currency}, not in its order's currency"
        )
    log.info("payment_completed_handled", payment_id=str(payment.payment_id), outcome=settled)


_HANDLERS = {
    events.RESTAURANT_PROFILE_CHANGED: _profile_changed,
    events.PAYMENT_COMPLETED: _payment_completed,
}
SUBJECTS = subjects_of(_HANDLERS)


def event_handler(use_cases: CoreUseCases) -> Handler:
    """The consumer's handler: runs inside the unit of work that claims the event."""
    return by_type({type_: partial(handle, use_cases) for type_, handle in _HANDLERS.items()})
