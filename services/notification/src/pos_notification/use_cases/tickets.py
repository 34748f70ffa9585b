"""Kitchen tickets: opened by order.placed, taken off by order.cancelled, bumped by the kitchen."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

import structlog

from pos_kit.clock import utcnow
from pos_kit.errors import NotFound
from pos_kit.pagination import PageRequest, Slice
from pos_kit.uow import UnitOfWork
from pos_notification.adapters.repositories import FeedRepository, TicketRepository
from pos_notification.adapters.tables import outbox
from pos_notification.domain.errors import TicketChangedMeanwhile, TicketNotOpen
from pos_notification.domain.events import TICKET_BUMPED, ticket_bumped
from pos_notification.domain.feed import FeedKind
from pos_notification.domain.tickets import KitchenTicket, PlacedOrder
from pos_notification.use_cases.feed import KitchenFeed

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class OpenTickets:
    tickets: Slice[KitchenTicket]
    # The feed position the list is at least as new as: a screen resumes the stream from it.
    last_event_id: int
    as_of: datetime


@dataclass
class KitchenTickets:
    feed: KitchenFeed

    async def open_for_order(
        self, uow: UnitOfWork, *, tenant_id: uuid.UUID, order: PlacedOrder
    ) -> KitchenTicket | None:
        """Put a placed order on the kitchen's screen, once."""
        now = utcnow()
        ticket = KitchenTicket.for_placed_order(tenant_id=tenant_id, order=order, now=now)
        if not await TicketRepository(uow.session).add(ticket):
            log.info("ticket_exists", order_id=str(order.order_id))
            return None
        await self.feed.record(uow, ticket=ticket, kind=FeedKind.TICKET_CREATED, now=now)
        log.info("ticket_opened", ticket_id=str(ticket.id), order_id=str(order.order_id))
        return ticket

    async def cancel_for_order(
        self, uow: UnitOfWork, *, tenant_id: uuid.UUID, order_id: uuid.UUID
    ) -> None:
        now = utcnow()
        tickets = TicketRepository(uow.session)
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
        await self.feed.record(uow, ticket=ticket, kind=FeedKind.TICKET_CANCELLED, now=now)
        log.info("ticket_cancelled", ticket_id=str(ticket.id), order_id=str(order_id))

    async def list_open(
        self, uow: UnitOfWork, *, tenant_id: uuid.UUID, page: PageRequest
    ) -> OpenTickets:
        # Read the feed position first: a change committed after it is in the list
        # and is replayed too, never missed by both.
        position = await FeedRepository(uow.session).last_seq(tenant_id)
        tickets = await TicketRepository(uow.session).list_open(tenant_id=tenant_id, page=page)
        return OpenTickets(tickets=tickets, last_event_id=position, as_of=utcnow())

    async def get(
        self, uow: UnitOfWork, *, tenant_id: uuid.UUID, ticket_id: uuid.UUID
    ) -> KitchenTicket:
        ticket = await TicketRepository(uow.session).get(tenant_id=tenant_id, ticket_id=ticket_id)
        if ticket is None:
            raise NotFound("No such kitchen ticket.")
        return ticket

    async def bump(
        self, uow: UnitOfWork, *, tenant_id: uuid.UUID, ticket_id: uuid.UUID, cook: str
    ) -> KitchenTicket:
        """The kitchen is done with a ticket: off the screen, and `ticket.bumped` goes out."""
        ticket = await self.get(uow, tenant_id=tenant_id, ticket_id=ticket_id)
        now = utcnow()
        was = ticket.status
        ticket.bump(by=cook, now=now)
        if not await TicketRepository(uow.session).save_status(ticket, was=was):
            current = await self.get(uow, tenant_id=tenant_id, ticket_id=ticket_id)
            raise TicketNotOpen(current.status)
        await self.feed.record(uow, ticket=ticket, kind=FeedKind.TICKET_BUMPED, now=now)
        await outbox.record_event(
            uow, type=TICKET_BUMPED, data=ticket_bumped(ticket), tenant_id=ticket.tenant_id
        )
        log.info("ticket_bumped", ticket_id=str(ticket.id), order_id=str(ticket.order_id))
        return ticket
