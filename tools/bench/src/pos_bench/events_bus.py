"""The suite's view of JetStream: consumers' backlogs, and when messages were stored.

The stream name and subjects are the platform's (`pos_kit.events.stream`); the suite reads
them with nats-py like any client would.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import nats
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from pos_kit.events.stream import EVENTS_STREAM


@dataclass(frozen=True)
class Stored:
    """One message as the stream keeps it: when it was stored, and its payload."""

    stream_time: float  # seconds since the epoch (the server's clock)
    data: bytes


class Bus:
    """A NATS connection for the run (connected on first use)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._nc: Any = None

    async def jetstream(self) -> Any:
        if self._nc is None or self._nc.is_closed:
            self._nc = await nats.connect(self.url, connect_timeout=5, max_reconnect_attempts=3)
        return self._nc.jetstream(timeout=10)

    async def close(self) -> None:
        if self._nc is not None:
            with contextlib.suppress(Exception):
                await self._nc.drain()
            self._nc = None

    async def pending(self) -> int:
        """Messages the durable consumers of the events stream have yet to handle."""
        js = await self.jetstream()
        total = 0
        for info in await js.consumers_info(EVENTS_STREAM):
            if info.config.durable_name:
                total += int(info.num_pending or 0) + int(info.num_ack_pending or 0)
        return total

    async def follow(self, subject: str) -> Follower:
        """Remember every message stored on `subject` from now on (an ephemeral consumer)."""
        js = await self.jetstream()
        subscription = await js.pull_subscribe(
            subject,
            stream=EVENTS_STREAM,
            config=ConsumerConfig(
                deliver_policy=DeliverPolicy.NEW,
                ack_policy=AckPolicy.NONE,
                inactive_threshold=300.0,
                max_waiting=1,
            ),
        )
        return Follower(js, subscription)

    async def purge(self, subject: str) -> None:
        js = await self.jetstream()
        await js.purge_stream(EVENTS_STREAM, subject=subject)


class Follower:
    """An ephemeral consumer on one subject: how many are waiting, and reading them."""

    def __init__(self, js: Any, subscription: Any) -> None:
        self._js = js
        self._subscription = subscription

    async def waiting(self) -> int:
        info = await self._subscription.consumer_info()
        return int(info.num_pending or 0)

    async def read(self, count: int, wait: float = 10.0) -> list[Stored]:
        """Up to `count` messages (fewer if the stream has no more within `wait` seconds)."""
        found: list[Stored] = []
        while len(found) < count:
            try:
                batch = await self._subscription.fetch(min(1000, count - len(found)), wait)
            except (TimeoutError, nats.errors.TimeoutError):
                break
            for msg in batch:
                found.append(Stored(_stream_time(msg), msg.data))
        return found

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self._subscription.unsubscribe()


def _stream_time(msg: Any) -> float:
    stamp = msg.metadata.timestamp
    if isinstance(stamp, datetime):
        return stamp.timestamp()
    return float(stamp)
