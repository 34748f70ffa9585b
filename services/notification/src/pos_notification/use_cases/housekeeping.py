"""Housekeeping: forgetting kitchen feed entries and stream tickets nobody needs any more."""

from __future__ import annotations

from dataclasses import dataclass

from pos_kit.db import Database
from pos_notification.use_cases.feed import KitchenFeed
from pos_notification.use_cases.stream_tickets import StreamTickets


@dataclass
class Housekeeping:
    database: Database
    feed: KitchenFeed
    stream_tickets: StreamTickets

    async def tidy(self) -> None:
        # One unit of work each: a purge that fails does not undo the other.
        async with self.database.unit_of_work() as uow:
            await self.feed.purge(uow)
        async with self.database.unit_of_work() as uow:
            await self.stream_tickets.purge(uow)
