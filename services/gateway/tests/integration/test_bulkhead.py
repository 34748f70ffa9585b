"""Bulkheads: a flooded chatbot fills its own connection pool, never order taking's.

The reason the platform is split: the chatbot's LLM calls are long, and a busy chatbot
must never slow order taking. At the edge that means one connection pool per upstream.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from typing import Any

import httpx
from prometheus_client import REGISTRY

CHATBOT_POOL = 3
POOL_TIMEOUT = 1.0
FAST = 0.5  # an order request's longest acceptable time at the edge, chatbot flooded or not


async def wait_until(condition: Callable[[], bool], within: float = 5.0) -> None:
    # Polled: the counters are set by the upstream's own thread.
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {within:g} s")
        await asyncio.sleep(0.01)


def saturated_count(service: str) -> float:
    value = REGISTRY.get_sample_value(
        "pos_gateway_upstream_requests_total", {"service": service, "outcome": "saturated"}
    )
    return value or 0.0


async def test_a_hanging_chatbot_fills_only_its_own_pool_and_orders_stay_fast(
    spare_upstream: Any, serve_gateway: Any
) -> None:
    chatbot = spare_upstream  # its own uvicorn server; pos-core is the shared upstream
    saturated_before = saturated_count("chatbot")
    with serve_gateway(
        upstream_urls={"chatbot": chatbot.url},
        upstream_connection_limits={"chatbot": CHATBOT_POOL},
        upstream_pool_timeout_seconds=POOL_TIMEOUT,
        read_timeout_seconds=10.0,  # the stuck chatbot calls stay stuck for the whole test
    ) as gateway_url:
        async with httpx.AsyncClient(
            base_url=gateway_url, timeout=15, limits=httpx.Limits(max_connections=50)
        ) as client:

            async def ask_chatbot(n: int) -> tuple[httpx.Response, float]:
                started = time.monotonic()
                response = await client.post("/api/v1/chat/hang", json={"text": f"question {n}"})
                return response, time.monotonic() - started

            async def take_order(n: int) -> float:
                started = time.monotonic()
                response = await client.get(f"/api/v1/orders/o-{n}")
                elapsed = time.monotonic() - started
                assert response.status_code == 200, (round(elapsed, 3), response.text)
                return elapsed

            questions = [asyncio.create_task(ask_chatbot(n)) for n in range(10)]
            try:
                # The chatbot's pool is full (3 calls stuck in the upstream) and 7 more
                # are waiting at the edge for one of its connections.
                await wait_until(lambda: chatbot.state.hanging == CHATBOT_POOL)
                order_times = [await take_order(n) for n in range(5)]

                turned_away = len(questions) - CHATBOT_POOL
                await wait_until(
                    lambda: sum(task.done() for task in questions) >= turned_away,
                    within=POOL_TIMEOUT + 2,
                )
                done = [task for task in questions if task.done()]
                stuck = [task for task in questions if not task.done()]
                # Once the 7 got their 503, the 3 are still stuck: orders still fast.
                order_times += [await take_order(n) for n in range(5, 10)]
                assert chatbot.state.hanging == CHATBOT_POOL
            finally:
                for task in questions:
                    task.cancel()
                for task in questions:
                    with contextlib.suppress(asyncio.CancelledError):
                        await task

    assert max(order_times) < FAST, order_times
    assert len(stuck) == CHATBOT_POOL
    assert len(done) == 10 - CHATBOT_POOL
    for task in done:
        response, elapsed = task.result()
        assert response.status_code == 503, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["retry-after"] == "7"
        body = response.json()
        assert body["status"] == 503
        assert body["service"] == "chatbot"
        assert body["detail"] == (
            f"chatbot is busy: all {CHATBOT_POOL} connections to it are in use."
        )
        assert body["correlation_id"] == response.headers["x-correlation-id"]
        # Answered once the pool timeout ran out, not after the read timeout (10 s).
        assert POOL_TIMEOUT * 0.9 <= elapsed < POOL_TIMEOUT + 0.5, elapsed
    # The requests turned away never reached the chatbot.
    assert chatbot.state.hang_received == CHATBOT_POOL
    assert saturated_count("chatbot") - saturated_before == 10 - CHATBOT_POOL
