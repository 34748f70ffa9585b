"""Test helpers for event flows: read what a stream holds, wait for an eventual outcome."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from nats.js import JetStreamContext
from nats.js.api import RawStreamMsg
from nats.js.errors import NotFoundError

from pos_kit.events.stream import EVENTS_STREAM

T = TypeVar("T")


async def stream_messages(
    js: JetStreamContext, stream: str = EVENTS_STREAM, subject: str | None = None
) -> list[RawStreamMsg]:
    """Every message the stream holds (optionally on one exact subject), in stream order."""
    try:
        info = await js.stream_info(stream)
    except NotFoundError:
        return []
    if not info.state.messages:
        return []
    found = []
    for seq in range(info.state.first_seq, info.state.last_seq + 1):
        try:
            msg = await js.get_msg(stream, seq)
        except NotFoundError:
            continue
        if subject is None or msg.subject == subject:
            found.append(msg)
    return found


async def wait_until(
    check: Callable[[], Awaitable[T]],
    *,
    within: float = 10.0,
    interval: float = 0.05,
    what: str = "condition",
) -> T:
    """Poll `check` until it answers something true, and return that; fail with `what`
    after `within` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not (found := await check()):
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {within}s waiting for {what}")
        await asyncio.sleep(interval)
    return found
