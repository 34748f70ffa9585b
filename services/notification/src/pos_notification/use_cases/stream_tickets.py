"""Stream tickets: how a browser's EventSource, which cannot send headers, opens the stream.

A ticket is random, lives a minute, works once, is bound to one member of staff
of one restaurant, and only its hash is stored. The long-lived access token never
goes into a URL (URLs end up in logs and browser history).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from pos_kit.clock import utcnow
from pos_kit.uow import UnitOfWork
from pos_notification.adapters.repositories import StreamTicketRepository
from pos_notification.domain.errors import StreamTicketRefused
from pos_notification.domain.feed import StreamGrant

# Expired tickets are kept this long after expiry (to tell "expired" from "unknown").
_KEEP_EXPIRED = timedelta(hours=1)


def hash_stream_ticket(ticket: str) -> str:
    return hashlib.sha256(ticket.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedTicket:
    ticket: str
    expires_in: int


@dataclass
class StreamTickets:
    ttl: timedelta

    async def issue(self, uow: UnitOfWork, *, grant: StreamGrant) -> IssuedTicket:
        ticket = "st_" + secrets.token_urlsafe(32)
        now = utcnow()
        await StreamTicketRepository(uow.session).add(
            grant=grant,
            ticket_hash=hash_stream_ticket(ticket),
            now=now,
            expires_at=now + self.ttl,
        )
        return IssuedTicket(ticket=ticket, expires_in=int(self.ttl.total_seconds()))

    async def redeem(self, uow: UnitOfWork, *, ticket: str) -> StreamGrant:
        """Spend a ticket and say whose stream it opens; 401 if it cannot be used."""
        tickets = StreamTicketRepository(uow.session)
        ticket_hash = hash_stream_ticket(ticket)
        found = await tickets.find(ticket_hash)
        if found is None:
            raise StreamTicketRefused("The stream ticket is not valid. Ask for a new one.")
        now = utcnow()
        if found.used_at is not None:
            raise StreamTicketRefused("The stream ticket was already used. Ask for a new one.")
        if found.expires_at <= now:
            raise StreamTicketRefused("The stream ticket has expired. Ask for a new one.")
        if not await tickets.use(ticket_hash, now):
            raise StreamTicketRefused("The stream ticket was already used. Ask for a new one.")
        return found.grant

    async def purge(self, uow: UnitOfWork) -> int:
        """Forget every restaurant's tickets that expired a while ago."""
        return await StreamTicketRepository(uow.session).purge(before=utcnow() - _KEEP_EXPIRED)
