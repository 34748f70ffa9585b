"""Housekeeping: forgetting kitchen feed entries and stream tickets nobody needs any more."""

from __future__ import annotations

from pos_kit.db import Database
from pos_kit.events.worker import PeriodicJob
from pos_notification.use_cases.feed import KitchenFeed
from pos_notification.use_cases.stream_tickets import StreamTickets


class Housekeeping(PeriodicJob):
    """Purges every `interval` seconds (the first time as the service starts)."""

    def __init__(
        self,
        database: Database,
        *,
        feed: KitchenFeed,
        stream_tickets: StreamTickets,
        interval: float = 600.0,
    ) -> None:
        super().__init__(name="notification-housekeeping", interval=interval)
        self.database = database
        self.feed = feed
        self.stream_tickets = stream_tickets

    async def run_once(self) -> int:
        # One unit of work each: a purge that fails does not undo the other.
        async with self.database.unit_of_work() as uow:
            entries = await self.feed.purge(uow)
        async with self.database.unit_of_work() as uow:
            tickets = await self.stream_tickets.purge(uow)
        return entries + tickets
