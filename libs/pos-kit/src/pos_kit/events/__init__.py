"""The event backbone: CloudEvents envelope, outbox and relay, inbox and consumer, streams."""

from pos_kit.events.consumer import EventConsumer
from pos_kit.events.data import EventData, by_type, parse_data, subjects_of, tenant_of
from pos_kit.events.envelope import Event, MalformedEvent, subject_for
from pos_kit.events.inbox import Handler, Inbox, SqlInbox, WorkHandler
from pos_kit.events.outbox import (
    Outbox,
    create_outbox_tables,
    drop_outbox_tables,
    inbox_table,
    outbox_table,
)
from pos_kit.events.relay import OutboxRelay
from pos_kit.events.stream import (
    DLQ_STREAM,
    EVENTS_STREAM,
    StreamLimits,
    dlq_subject,
    ensure_stream,
)

__all__ = [
    "DLQ_STREAM",
    "EVENTS_STREAM",
    "Event",
    "EventConsumer",
    "EventData",
    "Handler",
    "Inbox",
    "MalformedEvent",
    "Outbox",
    "OutboxRelay",
    "SqlInbox",
    "StreamLimits",
    "WorkHandler",
    "by_type",
    "create_outbox_tables",
    "dlq_subject",
    "drop_outbox_tables",
    "ensure_stream",
    "inbox_table",
    "outbox_table",
    "parse_data",
    "subject_for",
    "subjects_of",
    "tenant_of",
]
