"""The outbox and inbox tables a service adds to its own schema, and recording an event."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from alembic.operations import Operations
from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    insert,
    text,
)
from sqlalchemy.schema import SchemaItem

from pos_kit import context
from pos_kit.events.envelope import Event
from pos_kit.uow import UnitOfWork

DEFAULT_OUTBOX = "outbox"
DEFAULT_INBOX = "inbox"

# SQLite only auto-numbers a column declared exactly INTEGER PRIMARY KEY, hence the
# variant; PostgreSQL gets a BIGSERIAL.
_SEQ_TYPE = BigInteger().with_variant(Integer(), "sqlite")


def _outbox_schema(name: str) -> list[SchemaItem]:
    # `seq` is the primary key rather than the event id: it is the relay's order, and
    # neither database auto-numbers a column that is not the key (SQLite cannot).
    # The event id stays unique and is what NATS de-duplicates on.
    return [
        Column("seq", _SEQ_TYPE, primary_key=True, autoincrement=True),
        Column("id", String(36), nullable=False),
        Column("tenant_id", String(64), nullable=False),
        Column("subject", String(255), nullable=False),
        Column("type", String(200), nullable=False),
        Column("payload", Text(), nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("published_at", DateTime(timezone=True), nullable=True),
        Column("attempts", Integer(), nullable=False, server_default=text("0")),
        UniqueConstraint("id", name=f"uq_{name}_id"),
        # Serves both the relay's "unpublished, in seq order" and the retention purge.
        Index(f"ix_{name}_published_at_seq", "published_at", "seq"),
    ]


def _inbox_schema(name: str) -> list[SchemaItem]:
    return [
        Column("consumer", String(100), primary_key=True),
        Column("event_id", String(36), primary_key=True),
        Column("processed_at", DateTime(timezone=True), nullable=False),
        Index(f"ix_{name}_processed_at", "processed_at"),
    ]


# AUTOINCREMENT on SQLite so a purged top row's seq is never handed out again.
_OUTBOX_TABLE_KW: dict[str, Any] = {"sqlite_autoincrement": True}


def outbox_table(metadata: MetaData, name: str = DEFAULT_OUTBOX) -> Table:
    """Define the outbox on a service's own MetaData (one per service database)."""
    return Table(name, metadata, *_outbox_schema(name), **_OUTBOX_TABLE_KW)


def inbox_table(metadata: MetaData, name: str = DEFAULT_INBOX) -> Table:
    """Define the inbox (consumer, event_id) that makes event handling idempotent."""
    return Table(name, metadata, *_inbox_schema(name))


def create_outbox_tables(
    op: Operations, *, outbox: str | None = DEFAULT_OUTBOX, inbox: str | None = DEFAULT_INBOX
) -> None:
    """For a service's Alembic `upgrade()`: create the tables `outbox_table`/`inbox_table` define.

    Pass `outbox=None` or `inbox=None` for a service that only consumes or only produces.
    """
    if outbox is not None:
        op.create_table(outbox, *_outbox_schema(outbox), **_OUTBOX_TABLE_KW)
    if inbox is not None:
        op.create_table(inbox, *_inbox_schema(inbox))


def drop_outbox_tables(
    op: Operations, *, outbox: str | None = DEFAULT_OUTBOX, inbox: str | None = DEFAULT_INBOX
) -> None:
    """For a service's Alembic `downgrade()`."""
    if inbox is not None:
        op.drop_table(inbox)
    if outbox is not None:
        op.drop_table(outbox)


class Outbox:
    """A service's outbox: the table its events wait in, and the one way to record an event.

    Built once per service next to its tables, e.g.
    `outbox = Outbox(outbox_table(Base.metadata), source="pos-core")`; use cases call
    `await outbox.record_event(uow, type=..., data=...)` after writing the change.
    """

    def __init__(self, table: Table, *, source: str) -> None:
        self.table = table
        self.source = source

    async def record_event(
        self,
        uow: UnitOfWork,
        *,
        type: str,
        data: Mapping[str, Any],
        tenant_id: str | uuid.UUID | None = None,
        correlation_id: str | None = None,
        schema_version: str = "1",
    ) -> Event:
        """Add an event in the unit of work's transaction; the relay publishes it after commit.

        Tenant and correlation id come from the request context unless given. Nothing is
        committed here: the event commits or rolls back with the change it describes,
        and the commit wakes the relay.
        """
        ctx = context.current()
        tenant = str(tenant_id) if tenant_id else (ctx.tenant_id if ctx else None)
        if not tenant:
            raise ValueError(
                f"event {type!r} needs a tenant: pass tenant_id or bind one to the request context"
            )
        event = Event.new(
            source=self.source,
            type=type,
            data=data,
            tenant_id=tenant,
            correlation_id=correlation_id
            or (ctx.correlation_id if ctx else None)
            or context.new_correlation_id(),
            schema_version=schema_version,
            traceparent=ctx.traceparent() if ctx else None,
        )
        session = uow.session
        if uow.dialect == "postgresql":
            # The relay publishes in seq order, but seq is handed out at INSERT time, not at
            # commit. Serialising a tenant's event-recording transactions from here to their
            # commit makes seq order equal commit order, so a tenant's events can never
            # overtake each other. (SQLite already serialises all writers.)
            await session.execute(
                text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
                {"key": f"pos_kit.outbox.tenant:{tenant}"},
            )
        await session.execute(
            insert(self.table).values(
                id=event.id,
                tenant_id=event.tenantid,
                subject=event.subject,
                type=event.type,
                payload=event.to_json(),
                created_at=event.time,
                attempts=0,
            )
        )
        uow.events_recorded()
        return event
