"""Where a consumer remembers the events it handled, so that a redelivery has no second effect.

The consumer asks its inbox to run the handler once per (consumer, event id). A
relational service keeps the inbox in a table of its own database, claimed in the
same unit of work as the handler's writes (`SqlInbox`); a service on another store
(the chatbot's documents) brings an `Inbox` of its own, whose handler gets that
store's work instead of a `UnitOfWork`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar, cast

from sqlalchemy import CursorResult, Table, delete
from sqlalchemy.dialects import postgresql, sqlite

from pos_kit.db import Database, database_unavailable
from pos_kit.events.envelope import Event
from pos_kit.uow import UnitOfWork

W = TypeVar("W")
W_co = TypeVar("W_co", covariant=True)

# A handler gets what it does its work with (its inbox decides), and the event.
WorkHandler = Callable[[W, Event], Awaitable[None]]
# A relational service's handler: its work is a unit of work (SqlInbox).
Handler = WorkHandler[UnitOfWork]


class Inbox(Protocol[W_co]):
    async def handle_once(
        self, consumer: str, event: Event, handler: Callable[[W_co, Event], Awaitable[None]]
    ) -> bool:
        """Run `handler` unless `consumer` handled this event before; False for a repeat."""
        ...

    async def forget(self, consumer: str, handled_before: datetime) -> int:
        """Drop the memory of events handled before `handled_before` (past any redelivery)."""
        ...

    def is_unavailable(self, exc: BaseException) -> bool:
        """Whether `exc` means the store is away: worth waiting out, never a dead letter."""
        ...


class SqlInbox:
    """The inbox table `inbox_table` defines, in the service's own database.

    The claim (an INSERT of (consumer, event id) that does nothing on a conflict) and the
    handler's writes commit in one unit of work, or neither does.
    """

    def __init__(self, database: Database, table: Table) -> None:
        dialect = database.engine.dialect.name
        if dialect not in ("postgresql", "sqlite"):
            raise ValueError(f"the inbox supports PostgreSQL and SQLite, not {dialect}")
        self.database = database
        self.table = table
        self._insert = postgresql.insert if dialect == "postgresql" else sqlite.insert

    async def handle_once(self, consumer: str, event: Event, handler: Handler) -> bool:
        async with self.database.unit_of_work() as uow:
            claim = (
                self._insert(self.table)
                .values(consumer=consumer, event_id=event.id, processed_at=datetime.now(UTC))
                .on_conflict_do_nothing()
            )
            result = cast(CursorResult[Any], await uow.session.execute(claim))
            if result.rowcount != 1:
                return False
            await handler(uow, event)
        return True

    async def forget(self, consumer: str, handled_before: datetime) -> int:
        c = self.table.c
        async with self.database.unit_of_work() as uow:
            result = await uow.session.execute(
                delete(self.table).where(c.consumer == consumer, c.processed_at < handled_before)
            )
        return cast(CursorResult[Any], result).rowcount or 0

    def is_unavailable(self, exc: BaseException) -> bool:
        return database_unavailable(exc)
