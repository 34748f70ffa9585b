"""Kitchen tickets: opened by order.placed, taken off by order.cancelled, bumped by the kitchen."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from pos_kit.dbtypes import utcnow
from pos_kit.events.outbox import record_event
from pos_kit.problems import NotFound
from pos_kit.tokens import Principal
from pos_notification.adapters.repositories import FeedRepository, Position, TicketRepository
from pos_notification.adapters.tables import outbox
from pos_notification.domain.feed import FeedKind
from pos_notification.domain.tickets import KitchenTicket, PlacedOrder, TicketNotOpen
from pos_notification.services.feed import KitchenFeed

log = structlog.get_logger(__name__)

SOURCE = "notification"


class TicketChangedMeanwhile(RuntimeError):
    """Another process changed the ticket between our read and our write; retry the event."""


def tenant_of(principal: Principal) -> uuid.UUID:
    assert principal.tenant_id is not None  # staff tokens always name their tenant
    return uuid.UUID(principal.tenant_id)


@dataclass(frozen=True)
class OpenTickets:
    tickets: list[KitchenTicket]
    # The feed position the list is at least as new as: a screen resumes the stream from it.
    last_event_id: int
    as_of: datetime


@dataclass
class KitchenTickets:
    feed: KitchenFeed

    async def open_for_order(
        self, session: AsyncSession, *, tenant_id: uuid.UUID, order: PlacedOrder
    ) -> KitchenTicket | None:
        """Put a placed order on the kitchen's screen, once."""
        now = utcnow()
        ticket = KitchenTicket.for_placed_order(tenant_id=tenant_id, order=order, now=now)
        if not await TicketRepository(session).add(ticket):
            log.info("ticket_exists", order_id=str(order.order_id))
            return None
        await self.feed.record(session, ticket=ticket, kind=FeedKind.TICKET_CREATED, now=now)
        log.info("ticket_opened", ticket_id=str(ticket.id), order_id=str(order.order_id))
        return ticket

    async def cancel_for_order(
        self, session: AsyncSession, *, tenant_id: uuid.UUID, order_id: uuid.UUID
    ) -> None:
        now = utcnow()
        tickets = TicketRepository(session)
        ticket = await tickets.for_order(tenant_id=tenant_id, order_id=order_id)
        if ticket is None:
            placeholder = KitchenTicket.cancelled_unplaced(
                tenant_id=tenant_id, order_id=order_id, now=now
            )
            if await tickets.add(placeholder):
                log.info("order_cancelled_before_ticket", order_id=str(order_id))
                return
            ticket = await tickets.for_order(tenant_id=tenant_id, order_id=order_id)
            if ticket is None:  # pragma: no cover - the unique key said it exists
                raise TicketChangedMeanwhile(str(order_id))
        was = ticket.status
        if not ticket.cancel(now=now):
            return
        if not await tickets.save_status(ticket, was=was):
            raise TicketChangedMeanwhile(str(ticket.id))
        await self.feed.record(session, ticket=ticket, kind=FeedKind.TICKET_CANCELLED, now=now)
        log.info("ticket_cancelled", ticket_id=str(ticket.id), order_id=str(order_id))

    async def list_open(
        self, session: AsyncSession, *, principal: Principal, limit: int, after: Position | None
    ) -> OpenTickets:
        tenant_id = tenant_of(principal)
        # Read the feed position first: a change committed after it is in the list
        # and is replayed too, never missed by both.
        position = await FeedRepository(session).last_seq(tenant_id)
        tickets = await TicketRepository(session).list_open(
            tenant_id=tenant_id, limit=limit, after=after
        )
        return OpenTickets(tickets=tickets, last_event_id=position, as_of=utcnow())

    async def get(
        self, session: AsyncSession, *, principal: Principal, ticket_id: uuid.UUID
    ) -> KitchenTicket:
        ticket = await TicketRepository(session).get(
            tenant_id=tenant_of(principal), ticket_id=ticket_id
        )
        if ticket is None:
            raise NotFound("No such kitchen ticket.")
        return ticket

    async def bump(
        self, session: AsyncSession, *, principal: Principal, ticket_id: uuid.UUID
    ) -> KitchenTicket:
        """The kitchen is done with a ticket: off the screen, and `ticket.bumped` goes out."""
        tickets = TicketRepository(session)
        ticket = await self.get(session, principal=principal, ticket_id=ticket_id)
        now = utcnow()
        was = ticket.status
        ticket.bump(by=principal.subject, now=now)
        if not await tickets.save_status(ticket, was=was):
            current = await self.get(session, principal=principal, ticket_id=ticket_id)
            raise TicketNotOpen(current.status)
        await self.feed.record(session, ticket=ticket, kind=FeedKind.TICKET_BUMPED, now=now)
        await record_event(
            session,
            outbox,
            source=SOURCE,
            type="ticket.bumped",
            tenant_id=str(ticket.tenant_id),
            data={
                "ticket_id": str(ticket.id),
                "order_id": str(ticket.order_id),
                "bumped_at": now.isoformat(),
                "bumped_by": principal.subject,
            },
        )
        log.info("ticket_bumped", ticket_id=str(ticket.id), order_id=str(ticket.order_id))
        return ticket
