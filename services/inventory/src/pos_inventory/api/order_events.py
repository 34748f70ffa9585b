"""The events inventory consumes: pos-core's order outcomes settle the order's stock hold.

pos-core commits or releases a hold with a direct call right after an order is paid,
closed or cancelled, but only on a best-effort basis: if inventory is down then, the
order's event settles the hold when inventory consumes it. Both paths are idempotent,
so whichever comes second changes nothing.

Anything this handler cannot read raises `MalformedEvent`; the consumer retries it a
few times, then dead-letters it on `pos.dlq.inventory` and moves on. Only the fields
used are checked, so producers may add fields freely.
"""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from pos_inventory.services.reservations import ReservationServices
from pos_kit.events import Event, Handler, MalformedEvent, subject_for

CONSUMER_NAME = "inventory"
ORDER_PAID = "order.paid"
ORDER_CLOSED = "order.closed"
ORDER_CANCELLED = "order.cancelled"
SUBJECTS = [subject_for(t) for t in (ORDER_PAID, ORDER_CLOSED, ORDER_CANCELLED)]
SUPPORTED_SCHEMA_VERSIONS = frozenset({"1"})
SOLD = frozenset({ORDER_PAID, ORDER_CLOSED})


class OrderOutcome(BaseModel):
    """What inventory reads from `order.paid`, `order.closed` and `order.cancelled`."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    order_id: uuid.UUID
    # Null for an order pos-core never placed (cancelled while open).
    reservation_id: uuid.UUID | None = None


def _outcome(event: Event) -> OrderOutcome:
    try:
        return OrderOutcome.model_validate(dict(event.data))
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'data'}: {e['msg']}" for e in exc.errors()
        )
        raise MalformedEvent(f"{event.type} data is not usable: {problems}") from exc


def _tenant(event: Event) -> uuid.UUID:
    try:
        return uuid.UUID(event.tenantid)
    except ValueError as exc:
        raise MalformedEvent(f"tenantid {event.tenantid!r} is not a UUID") from exc


def event_handler(reservations: ReservationServices) -> Handler:
    """The consumer's handler: runs inside the transaction that claims the event."""

    async def handle(session: AsyncSession, event: Event) -> None:
        if event.dataschemaversion not in SUPPORTED_SCHEMA_VERSIONS:
            raise MalformedEvent(
                f"{event.type} schema version {event.dataschemaversion} is not one this "
                "service reads yet"
            )
        if event.type not in (*SOLD, ORDER_CANCELLED):
            # Not subscribed; a filter change on the server would be a bug to notice.
            raise MalformedEvent(f"inventory does not handle {event.type} events")
        tenant_id = _tenant(event)
        outcome = _outcome(event)
        await reservations.settle_order(
            session,
            # The tenant comes from the event's envelope only: an event can reach no
            # other restaurant's reservation, whatever ids its data names.
            tenant_id=tenant_id,
            order_id=outcome.order_id,
            reservation_id=outcome.reservation_id,
            sold=event.type in SOLD,
            actor=f"{event.source}:{event.type}"[:100],  # the audit trail's created_by
        )

    return handle
