"""Fakes for the suite's own tests: a clock that only moves when told, a tiny HTTP server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest


class FakeClock:
    """`now()` moves only through `sleep()` (or `advance`): a schedule with no real time."""

    def __init__(self) -> None:
        self.time = 100.0
        self.sleeps: list[float] = []

    def now(self) -> float:
        return self.time

    async def sleep(self, seconds: float) -> None:
        # What was started before the sleep runs first, at the current time.
        self.sleeps.append(seconds)
        await asyncio.sleep(0)
        self.time += seconds


class CountingServer:
    """HTTP/1.1 keep-alive server answering `200 ok`, counting requests; it can stall."""

    def __init__(self) -> None:
        self.arrivals = 0
        self.connections = 0
        self.open = asyncio.Event()
        self.open.set()
        self.port = 0
        self._server: asyncio.base_events.Server | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                if length:
                    await reader.readexactly(length)
                self.arrivals += 1
                await self.open.wait()
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def server() -> AsyncIterator[CountingServer]:
    running = CountingServer()
    await running.start()
    yield running
    running.open.set()
    await running.stop()
