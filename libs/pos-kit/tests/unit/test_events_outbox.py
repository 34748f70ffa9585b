"""The outbox and inbox table definitions, and what `Outbox.record_event` refuses before any I/O."""

from __future__ import annotations

from typing import cast

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.schema import CreateTable

from pos_kit.context import request_context
from pos_kit.events import Outbox, inbox_table, outbox_table
from pos_kit.uow import UnitOfWork


def test_outbox_is_ordered_by_seq_and_unique_by_event_id() -> None:
    outbox = outbox_table(sa.MetaData())

    assert [c.name for c in outbox.primary_key.columns] == ["seq"]
    assert outbox.c.seq.autoincrement is True
    assert any(
        isinstance(con, sa.UniqueConstraint) and [c.name for c in con.columns] == ["id"]
        for con in outbox.constraints
    )
    assert outbox.c.published_at.nullable
    assert {c.name for c in outbox.columns} == {
        "seq", "id", "tenant_id", "subject", "type", "payload",
        "created_at", "published_at", "attempts",
    }  # fmt: skip


def test_outbox_seq_numbers_itself_on_both_databases() -> None:
    outbox = outbox_table(sa.MetaData())

    assert "seq BIGSERIAL" in str(CreateTable(outbox).compile(dialect=postgresql.dialect()))
    ddl = str(CreateTable(outbox).compile(dialect=sqlite.dialect()))
    assert "seq INTEGER NOT NULL" in ddl
    assert "AUTOINCREMENT" in ddl


def test_inbox_is_keyed_by_consumer_and_event() -> None:
    inbox = inbox_table(sa.MetaData(), name="notification_inbox")

    assert inbox.name == "notification_inbox"
    assert [c.name for c in inbox.primary_key.columns] == ["consumer", "event_id"]


async def test_an_event_without_a_tenant_is_refused() -> None:
    outbox = Outbox(outbox_table(sa.MetaData()), source="pos-core")
    no_uow = cast(UnitOfWork, None)

    with pytest.raises(ValueError, match="needs a tenant"):
        await outbox.record_event(no_uow, type="order.placed", data={})
    with request_context(), pytest.raises(ValueError, match="needs a tenant"):
        await outbox.record_event(no_uow, type="order.placed", data={})
