"""Coordinated omission corrected: requests that wait behind a stalled server get their full
latency, measured from when they were due, not from when they could finally be sent."""

from __future__ import annotations

import asyncio

import pytest

from pos_bench.http import HttpClient, encode_request
from pos_bench.loadgen import failure, open_loop


async def test_a_stall_shows_in_every_waiting_request(clock):
    """One connection, the server stalls on the first request until t0 + 3 s: every request
    due meanwhile waits for it, and each one's latency is 3 s minus when it was due."""
    connection = asyncio.Lock()
    released = asyncio.Event()
    start = clock.now()

    async def action(index: int, due: float) -> None:
        async with connection:  # one connection: a request waits for the previous answer
            if index == 0:
                await released.wait()

    async def stall_then_release() -> None:
        # Until every request of the run has been sent (the fake clock moves only so).
        while clock.now() < start + 0.99:  # noqa: ASYNC110
            await asyncio.sleep(0)
        await asyncio.sleep(0.01)
        clock.time = start + 3.0
        released.set()

    release = asyncio.create_task(stall_then_release())
    result = await open_loop(action, rate=10, duration=1.0, clock=clock)
    await release

    assert result.ok == 10
    summary = result.summary()
    # Due at 0.0, 0.1, ... 0.9 s; all answered at 3.0 s: latencies 3.0 down to 2.1 s.
    assert summary.max == pytest.approx(3000, rel=0.002)
    assert result.latencies.percentile_ms(0) == pytest.approx(2100, rel=0.002)
    assert summary.p50 == pytest.approx(2500, rel=0.002)  # the 5th of the 10
    # A client that timed from the moment it got the connection would have seen one slow
    # request and nine instant ones; here none is below 2.1 s.
    assert result.latencies.count == 10


async def test_a_stalled_real_server_gives_queued_requests_their_full_wait(server):
    """Two connections to a server that holds every answer for 0.4 s: the requests that
    queue for a connection are charged from when they were due (generous bounds)."""
    client = HttpClient("127.0.0.1", server.port, max_connections=2)
    raw = encode_request("GET", "/", client.authority)

    async def action(index: int, due: float) -> str | None:
        return failure(await client.send_raw(raw), 200)

    server.open.clear()
    asyncio.get_running_loop().call_later(0.4, server.open.set)
    result = await open_loop(action, rate=100, duration=0.5)
    await client.aclose()

    assert result.ok == 50
    # Due over 0.5 s; the first 40 were all held until ~0.4 s. Without the correction the
    # 38 that waited for a connection would show almost nothing.
    assert result.summary().max >= 350
    assert result.summary().p50 >= 50
