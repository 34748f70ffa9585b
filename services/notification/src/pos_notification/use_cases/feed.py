"""The live kitchen feed: recording each ticket change, and following one restaurant's feed.

Entries live in the database (written in the transaction of the ticket change), so
a screen that reconnects replays what it missed and every notification process
can serve any stream. A stream polls its tenant's entries; a write made by this
process wakes that tenant's streams once it is committed, instead of at the next poll.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections import defaultdict
from collections.abc import AsyncGenerator, Iterator
from dataclasses import KW_ONLY, dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from pos_kit.clock import utcnow
from pos_kit.db import Database
from pos_kit.uow import UnitOfWork
from pos_notification.adapters import metrics
from pos_notification.adapters.repositories import FeedRepository
from pos_notification.domain.feed import FeedEntry, FeedKind
from pos_notification.domain.tickets import KitchenTicket


def _time(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def ticket_view(ticket: KitchenTicket, now: datetime) -> dict[str, Any]:
    """A ticket as the kitchen sees it, on the feed and in the API alike."""
    return {
        "id": str(ticket.id),
        "order_id": str(ticket.order_id),
        "order_type": ticket.order_type,
        "table_id": str(ticket.table_id) if ticket.table_id else None,
        "guests": ticket.guests,
        "items": [
            {
                "product_id": str(line.product_id) if line.product_id else None,
                "name": line.name,
                "quantity": line.quantity,
                "notes": line.notes,
                "modifiers": list(line.modifiers),
            }
            for line in ticket.lines
        ],
        "status": ticket.status.value,
        "placed_at": _time(ticket.placed_at),
        "placed_by": ticket.placed_by,
        "age_seconds": ticket.age_seconds(now),
        "bumped_at": _time(ticket.bumped_at),
        "bumped_by": ticket.bumped_by,
        "cancelled_at": _time(ticket.cancelled_at),
    }


class FeedSignal:
    """In-process wake-ups for the streams of one restaurant, and the end of all streams."""

    def __init__(self) -> None:
        self._listeners: dict[str, set[asyncio.Event]] = defaultdict(set)
        self._closed = False

    @contextlib.contextmanager
    def listen(self, tenant_id: str) -> Iterator[asyncio.Event]:
        wake = asyncio.Event()
        self._listeners[tenant_id].add(wake)
        metrics.OPEN_STREAMS.inc()
        try:
            yield wake
        finally:
            metrics.OPEN_STREAMS.dec()
            listeners = self._listeners.get(tenant_id)
            if listeners is not None:
                listeners.discard(wake)
                if not listeners:
                    del self._listeners[tenant_id]

    def notify(self, tenant_id: str) -> None:
        for wake in self._listeners.get(tenant_id, ()):
            wake.set()

    def close(self) -> None:
        """End every stream (the process is shutting down); they finish their current send."""
        self._closed = True
        for listeners in self._listeners.values():
            for wake in listeners:
                wake.set()

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def listeners(self) -> int:
        return sum(len(v) for v in self._listeners.values())


@dataclass
class KitchenFeed:
    """A restaurant's feed: written with each ticket change, followed by its kitchen streams.

    It is also a background worker of the app, one that only stops: stopping ends every
    stream, which would otherwise hold its connection open through the shutdown.
    """

    database: Database
    signal: FeedSignal
    _: KW_ONLY
    poll_seconds: float
    keepalive_seconds: float
    retention: timedelta
    batch_size: int = 100

    async def record(
        self, uow: UnitOfWork, *, ticket: KitchenTicket, kind: FeedKind, now: datetime
    ) -> int:
        """Add the ticket's change to its restaurant's feed, in the caller's transaction."""
        payload = json.dumps(ticket_view(ticket, now), separators=(",", ":"))
        seq = await FeedRepository(uow.session).append(
            tenant_id=ticket.tenant_id, kind=kind, payload=payload, now=now
        )
        # A stream woken before the commit would find nothing and go back to sleep.
        uow.on_commit(partial(self.signal.notify, str(ticket.tenant_id)))
        return seq

    async def resume_point(
        self, uow: UnitOfWork, *, tenant_id: uuid.UUID, after: int | None
    ) -> int:
        """Where a stream starts: after `after`, or after the latest entry when not given.

        Taken before the stream's response starts, so whatever changes once the
        client sees the connection open is on the stream.
        """
        latest = await FeedRepository(uow.session).last_seq(tenant_id)
        # A number above the latest (a screen that outlived a database reset) would
        # hide every entry until the numbers caught up.
        return latest if after is None else min(after, latest)

    async def follow(
        self, tenant_id: uuid.UUID, *, after: int
    ) -> AsyncGenerator[FeedEntry | None, None]:
        """The restaurant's entries numbered above `after`, then each new one as it comes.

        Yields None when nothing was sent for `keepalive_seconds`, so the caller can
        keep the line open. Ends when the process shuts down; the caller ends it
        when the client goes away. A stream outlives its request, so each read is
        a unit of work of its own.
        """
        loop = asyncio.get_running_loop()
        with self.signal.listen(str(tenant_id)) as wake:
            position = after
            last_sent = loop.time()
            while not self.signal.closed:
                # Cleared before reading: a write committed during the read wakes the wait.
                wake.clear()
                async with self.database.unit_of_work() as uow:
                    entries = await FeedRepository(uow.session).entries_after(
                        tenant_id=tenant_id, after=position, limit=self.batch_size
                    )
                for entry in entries:
                    yield entry
                    position = entry.seq
                if entries:
                    last_sent = loop.time()
                    if len(entries) == self.batch_size:
                        continue
                quiet_for = loop.time() - last_sent
                if quiet_for >= self.keepalive_seconds:
                    yield None
                    last_sent = loop.time()
                    continue
                wait = min(self.poll_seconds, self.keepalive_seconds - quiet_for)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), timeout=wait)

    async def purge(self, uow: UnitOfWork) -> int:
        """Forget every restaurant's entries older than the retention."""
        return await FeedRepository(uow.session).purge(before=utcnow() - self.retention)

    async def start(self) -> None:
        """Nothing to start: a stream begins with its request."""

    async def stop(self) -> None:
        self.signal.close()
