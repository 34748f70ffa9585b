"""The generator sends at the configured rate: exactly on schedule with a fake clock, and the
right number of requests to a real local server (time checked only within generous bounds)."""

from __future__ import annotations

import asyncio
import itertools
import time

import pytest

from pos_bench.http import HttpClient, encode_request
from pos_bench.loadgen import closed_loop, failure, open_loop


async def test_requests_start_exactly_when_due(clock):
    started: list[tuple[int, float, float]] = []

    async def action(index: int, due: float) -> None:
        started.append((index, due, clock.now()))

    result = await open_loop(action, rate=50, duration=2.0, warmup=0.5, clock=clock)

    assert [i for i, _, _ in started] == list(range(125))
    begin = started[0][1]
    for index, due, at in started:
        assert due == pytest.approx(begin + index / 50)
        assert at == pytest.approx(due)
    # Only the window after the warm-up is measured: 2 s at 50/s.
    assert result.scheduled == 100
    assert result.ok == 100
    assert result.latencies.count == 100
    assert result.send_lag.summary().max == pytest.approx(0.0)


async def test_the_rate_is_kept_whatever_the_answers_do(clock):
    """No answer comes until every request was sent: the schedule does not wait for them."""
    sent_at: list[float] = []
    answers = asyncio.Event()

    async def unanswered(index: int, due: float) -> None:
        sent_at.append(clock.now())
        await answers.wait()

    run = asyncio.create_task(open_loop(unanswered, rate=10, duration=1.0, clock=clock))
    while len(sent_at) < 10:  # noqa: ASYNC110 - the fake clock's world moves only so
        await asyncio.sleep(0)
    answers.set()
    result = await run

    gaps = [b - a for a, b in itertools.pairwise(sent_at)]
    assert gaps == pytest.approx([0.1] * 9)
    assert result.ok == 10


async def test_a_late_generator_catches_up_without_skipping(clock):
    """A generator that fell behind sends what was due at once, and says it was late."""
    sent: list[int] = []

    async def action(index: int, due: float) -> None:
        sent.append(index)
        if index == 2:
            clock.time += 0.5  # the generator's loop was blocked for half a second

    result = await open_loop(action, rate=20, duration=1.0, clock=clock)

    assert sent == list(range(20))
    assert result.send_lag.summary().max == pytest.approx(500, abs=1)


async def test_a_local_server_receives_exactly_the_scheduled_requests(server):
    client = HttpClient("127.0.0.1", server.port)
    raw = encode_request("GET", "/", client.authority)

    async def action(index: int, due: float) -> str | None:
        return failure(await client.send_raw(raw), 200)

    began = time.monotonic()
    result = await open_loop(action, rate=200, duration=1.0, warmup=0.25)
    took = time.monotonic() - began
    await client.aclose()

    assert server.arrivals == 250  # 1.25 s at 200/s, warm-up included
    assert result.scheduled == 200
    assert result.ok == 200
    assert not result.errors
    # Generous: the schedule spans 1.25 s; a loaded test machine may add a little.
    assert 1.2 <= took < 10
    assert 50 <= result.achieved_rate <= 260
    # Keep-alive: far fewer connections than requests.
    assert server.connections < 50


async def test_closed_loop_keeps_the_connections_busy(server):
    client = HttpClient("127.0.0.1", server.port)
    raw = encode_request("GET", "/", client.authority)

    async def action(index: int, due: float) -> str | None:
        return failure(await client.send_raw(raw), 200)

    result = await closed_loop(action, connections=4, duration=0.5)
    await client.aclose()

    assert result.ok > 0
    assert not result.errors
    assert server.connections == 4
