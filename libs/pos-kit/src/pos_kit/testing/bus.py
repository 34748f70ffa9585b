"""The test's side of the event stream: publish as a producer's relay does, read what is there."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import Any

import nats
from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext

from pos_kit.events import DLQ_STREAM, EVENTS_STREAM, Event, dlq_subject, ensure_stream
from pos_kit.events.testing import stream_messages


def new_event(
    type: str,
    data: Mapping[str, Any],
    *,
    tenant_id: str,
    source: str = "pos-core",
    schema_version: str = "1",
) -> Event:
    """An event as its producer would record it, with a test correlation id."""
    return Event.new(
        source=source,
        type=type,
        data=data,
        tenant_id=tenant_id,
        correlation_id=f"test-{uuid.uuid4().hex[:8]}",
        schema_version=schema_version,
    )


class EventBus:
    """A NATS connection to the service's server, with the streams provisioned."""

    def __init__(self, nc: NatsClient, js: JetStreamContext) -> None:
        self.nc = nc
        self.js = js

    @classmethod
    async def connect(cls, url: str) -> EventBus:
        nc = await nats.connect(url, connect_timeout=5)
        js = nc.jetstream()
        await ensure_stream(js)
        return cls(nc, js)

    async def close(self) -> None:
        await self.nc.close()

    async def publish(self, event: Event, *, msg_id: str | None = None) -> Event:
        """`msg_id` other than the event id: JetStream keeps both copies, the inbox must not."""
        await self.publish_raw(event.subject, event.to_json().encode(), msg_id=msg_id or event.id)
        return event

    async def publish_raw(self, subject: str, payload: bytes, *, msg_id: str | None = None) -> None:
        await self.js.publish(
            subject, payload, headers={"Nats-Msg-Id": msg_id or str(uuid.uuid4())}
        )

    async def events(
        self, event_type: str, *, tenant_id: str | None = None
    ) -> list[dict[str, Any]]:
        """Every event of `event_type` in the stream (of one tenant, if given), oldest first."""
        found = await stream_messages(self.js, EVENTS_STREAM, f"pos.events.{event_type}")
        events = [json.loads(m.data or b"{}") for m in found]
        return [e for e in events if tenant_id is None or e.get("tenantid") == tenant_id]

    async def dead_letters(self, consumer: str) -> list[bytes]:
        """What `consumer` dead-lettered, as the raw messages."""
        found = await stream_messages(self.js, DLQ_STREAM, dlq_subject(consumer))
        return [m.data or b"" for m in found]
