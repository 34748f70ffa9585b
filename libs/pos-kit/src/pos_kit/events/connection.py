"""Connecting to NATS from a background task: wait for it to answer, then reconnect forever.

`NatsWorker` is what the outbox relay and the event consumer share: a background loop
on its own connection, reported to /readyz, woken early when NATS comes back, and
purging what it keeps (published outbox rows, old inbox entries) on a schedule.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import structlog
from nats.aio.client import Client as NatsClient

from pos_kit.events.stream import StreamLimits
from pos_kit.events.worker import BackgroundWorker

log = structlog.get_logger(__name__)

Callback = Callable[[], Awaitable[None]]

# Closing flushes pending writes; a broker that is gone must not hold up a shutdown.
_CLOSE_TIMEOUT = 5.0


async def connect_nats(
    url: str,
    *,
    name: str,
    reconnect_time_wait: float = 1.0,
    connect_timeout: float = 2.0,
    on_reconnected: Callback | None = None,
) -> NatsClient:
    """Return a connected client, however long NATS takes to come up.

    Meant to be awaited inside a worker's task, never on a service's start-up path:
    the service must start and take orders while NATS is down.
    """
    nc = NatsClient()
    # A refused connection repeats every `reconnect_time_wait` while NATS is away;
    # say so once, then keep quiet until it is back.
    state = {"quiet": False}

    async def on_error(exc: Exception) -> None:
        if state["quiet"]:
            log.debug("nats_error", client=name, error=str(exc))
            return
        state["quiet"] = True
        log.warning("nats_unavailable", client=name, url=url, error=str(exc) or repr(exc))

    async def on_disconnected() -> None:
        # close() reports a disconnect too; only an unplanned one deserves a warning.
        if not nc.is_closed:
            log.warning("nats_disconnected", client=name)

    async def on_reconnect() -> None:
        state["quiet"] = False
        log.info("nats_reconnected", client=name)
        if on_reconnected is not None:
            await on_reconnected()

    # nats-py annotates the waits as int but sleeps on them as float seconds.
    options: dict[str, Any] = {
        "servers": [url],
        "name": name,
        "allow_reconnect": True,
        # Never give up: not on the first connect, not after a broker restart.
        "max_reconnect_attempts": -1,
        "reconnect_time_wait": reconnect_time_wait,
        "connect_timeout": connect_timeout,
        "error_cb": on_error,
        "disconnected_cb": on_disconnected,
        "reconnected_cb": on_reconnect,
    }
    try:
        await nc.connect(**options)
    except BaseException:
        await close_quietly(nc)
        raise
    state["quiet"] = False
    log.info("nats_connected", client=name, url=url)
    return nc


class NatsUnavailable(ConnectionError):
    """A worker's NATS connection is down; its work waits for it."""


async def ping(nc: NatsClient | None, *, who: str) -> None:
    """For /readyz: raises unless `nc` is a live connection to NATS."""
    if nc is None or not nc.is_connected:
        raise NatsUnavailable(f"the {who} is not connected to NATS")
    await nc.flush(timeout=2)


async def close_quietly(nc: NatsClient | None) -> None:
    """Close a client on shutdown; a broker that is already gone is not an error then."""
    if nc is None or nc.is_closed:
        return
    with contextlib.suppress(Exception):
        async with asyncio.timeout(_CLOSE_TIMEOUT):
            await nc.close()


class NatsWorker(BackgroundWorker):
    """A background loop with its own NATS connection (see the module's docstring)."""

    def __init__(
        self,
        *,
        name: str,
        nats_url: str,
        stop_timeout: float,
        backoff_initial: float,
        backoff_max: float,
        purge_interval: timedelta,
        stream_limits: StreamLimits | None,
        reconnect_time_wait: float,
    ) -> None:
        super().__init__(name=name, stop_timeout=stop_timeout)
        self.nats_url = nats_url
        self.backoff_initial = backoff_initial
        self.backoff_max = backoff_max
        self.purge_interval = purge_interval
        self.stream_limits = stream_limits or StreamLimits()
        self.reconnect_time_wait = reconnect_time_wait
        # Set when NATS comes back: cuts a back-off short (nothing else may).
        self._nats_back = asyncio.Event()
        self._nc: NatsClient | None = None
        self._next_purge = 0.0

    async def connect(self) -> NatsClient:
        """Connect, however long NATS takes; called at the top of `run`."""
        self._nc = await connect_nats(
            self.nats_url,
            name=self.name,
            reconnect_time_wait=self.reconnect_time_wait,
            on_reconnected=self._reconnected,
        )
        return self._nc

    async def _reconnected(self) -> None:
        await self.on_reconnected()
        self._nats_back.set()

    async def on_reconnected(self) -> None:
        """What to do again once the broker is back (it may have lost its streams)."""

    async def ping(self) -> None:
        """For /readyz: raises unless the worker holds a live connection to NATS."""
        await ping(self._nc, who=self.name)

    async def close(self) -> None:
        await close_quietly(self._nc)
        self._nc = None

    async def purge(self) -> int:
        """Delete what the worker keeps past its retention; the rows deleted."""
        return 0

    async def purge_when_due(self) -> None:
        """Run `purge` once per purge interval; a failure waits for the next interval."""
        if time.monotonic() < self._next_purge:
            return
        self._next_purge = time.monotonic() + self.purge_interval.total_seconds()
        try:
            with self.job():
                purged = await self.purge()
        except Exception as exc:
            log.warning("purge_failed", worker=self.name, error=str(exc) or repr(exc))
            return
        if purged:
            log.info("purged", worker=self.name, rows=purged)
