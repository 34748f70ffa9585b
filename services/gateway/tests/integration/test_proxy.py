"""The gateway in front of real upstream HTTP servers: what a caller and an upstream observe."""

from __future__ import annotations

import asyncio
import os
import re
import time
from collections.abc import AsyncIterator
from typing import Any

import anyio
import httpx
import pytest

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def seen_header(seen: dict[str, Any], name: str) -> list[str]:
    return [value for key, value in seen["headers"] if key == name]


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["correlation_id"] == response.headers["x-correlation-id"]
    return body


async def test_forwards_method_path_query_body_and_end_to_end_headers(
    gateway: httpx.AsyncClient, upstream: Any
) -> None:
    body = b'{"product_id": "p-1", "quantity": 2}'
    response = await gateway.post(
        "/api/v1/orders/o%2F1/items?status=201&note=extra+hot&note=no%20ice",
        content=body,
        headers={
            "Authorization": "Bearer token-1",
            "Idempotency-Key": "key-1",
            "Content-Type": "application/json",
            "Connection": "keep-alive, X-Hop-Secret",
            "X-Hop-Secret": "for the gateway only",
            "Keep-Alive": "timeout=5",
            "Proxy-Authorization": "Basic c2VjcmV0",
            "X-Forwarded-For": "6.6.6.6",
        },
    )

    assert response.status_code == 201
    seen = upstream.state.requests[-1]
    assert seen["method"] == "POST"
    assert seen["raw_path"] == "/api/v1/orders/o%2F1/items"
    assert seen["query"] == "status=201&note=extra+hot&note=no%20ice"
    assert seen["body_size"] == len(body)
    assert response.json()["body_sha256"] == seen["body_sha256"]
    assert seen_header(seen, "authorization") == ["Bearer token-1"]
    assert seen_header(seen, "idempotency-key") == ["key-1"]
    assert seen_header(seen, "content-type") == ["application/json"]
    assert seen_header(seen, "content-length") == [str(len(body))]
    # The Host header names the upstream, not the gateway.
    assert seen_header(seen, "host") == [upstream.url.removeprefix("http://")]
    for hop_by_hop in ("x-hop-secret", "keep-alive", "proxy-authorization"):
        assert seen_header(seen, hop_by_hop) == [], hop_by_hop
    # The gateway is the edge: it says who called, whatever the caller claimed.
    assert seen_header(seen, "x-forwarded-for") == ["127.0.0.1"]
    assert seen_header(seen, "x-forwarded-proto") == ["http"]
    assert seen_header(seen, "x-forwarded-host") == ["gateway.test"]
    # Response headers come back, repeated ones included.
    assert response.headers.get_list("set-cookie") == ["first=1; Path=/", "second=2; Path=/"]
    assert response.headers["content-type"] == "application/json"


async def test_streams_a_chunked_upload_of_unknown_length(
    gateway: httpx.AsyncClient, upstream: Any
) -> None:
    chunks = [os.urandom(64 * 1024) for _ in range(8)]

    async def upload() -> AsyncIterator[bytes]:
        for chunk in chunks:
            yield chunk

    response = await gateway.put("/api/v1/products/p-1", content=upload())

    assert response.status_code == 200
    seen = upstream.state.requests[-1]
    assert seen["body_size"] == sum(map(len, chunks))
    assert response.json()["body_sha256"] == seen["body_sha256"]


async def test_a_get_without_body_reaches_the_upstream_without_one(
    gateway: httpx.AsyncClient, upstream: Any
) -> None:
    response = await gateway.get("/.well-known/jwks.json")

    assert response.status_code == 200
    seen = upstream.state.requests[-1]
    assert seen["path"] == "/.well-known/jwks.json"
    assert seen_header(seen, "transfer-encoding") == []
    assert seen_header(seen, "content-length") == []


async def test_client_correlation_id_goes_upstream_and_is_echoed_exactly_once(
    gateway: httpx.AsyncClient, upstream: Any
) -> None:
    response = await gateway.get(
        "/api/v1/tables",
        headers={
            "X-Correlation-ID": "till-7:req-42",
            "traceparent": f"00-{TRACE_ID}-00f067aa0ba902b7-01",
        },
    )

    assert response.status_code == 200
    seen = upstream.state.requests[-1]
    assert seen_header(seen, "x-correlation-id") == ["till-7:req-42"]
    # The upstream set its own id; the caller still sees only its own, once.
    assert response.headers.get_list("x-correlation-id") == ["till-7:req-42"]
    # The trace continues: same trace id, the gateway's own span.
    (traceparent,) = seen_header(seen, "traceparent")
    assert traceparent.split("-")[1] == TRACE_ID
    assert traceparent.split("-")[2] != "00f067aa0ba902b7"


async def test_a_correlation_id_is_assigned_when_the_client_sends_none(
    gateway: httpx.AsyncClient, upstream: Any
) -> None:
    response = await gateway.get("/api/v1/staff")

    (assigned,) = response.headers.get_list("x-correlation-id")
    assert UUID_RE.match(assigned)
    assert seen_header(upstream.state.requests[-1], "x-correlation-id") == [assigned]


async def test_upstream_cookies_are_never_replayed_for_another_caller(
    gateway: httpx.AsyncClient, upstream: Any
) -> None:
    first = await gateway.get("/api/v1/auth/me")
    assert first.headers.get_list("set-cookie")
    gateway.cookies.clear()  # a different caller, who holds no cookie

    await gateway.get("/api/v1/auth/me")

    assert seen_header(upstream.state.requests[-1], "cookie") == []


async def test_a_10_mb_body_gets_413_and_never_reaches_the_upstream(
    gateway: httpx.AsyncClient, upstream: Any
) -> None:
    response = await gateway.post("/api/v1/chat/conversations", content=b"x" * 10_000_000)

    body = assert_problem(response, 413)
    assert "1048576 bytes" in body["detail"]
    await asyncio.sleep(0.1)
    assert upstream.state.requests == []


async def test_a_chunked_body_over_the_limit_gets_413_and_no_upstream_request_completes(
    gateway: httpx.AsyncClient, upstream: Any
) -> None:
    async def upload() -> AsyncIterator[bytes]:
        for _ in range(160):  # 160 x 64 KiB = 10 MiB, with no Content-Length announced
            yield b"x" * 65536

    response = await gateway.post("/api/v1/chat/conversations", content=upload())

    assert_problem(response, 413)
    await asyncio.sleep(0.2)
    assert upstream.state.requests == []


async def test_event_stream_events_reach_the_client_as_they_are_produced(
    fresh_upstream_state: Any, serve_gateway: Any
) -> None:
    # A read timeout far below the 1 s pause between events: an idle event stream
    # must not be cut by it.
    with serve_gateway(read_timeout_seconds=0.3) as gateway_url:
        async with (
            httpx.AsyncClient(base_url=gateway_url, timeout=5) as client,
            client.stream(
                "GET", "/api/v1/kitchen/stream", headers={"Accept": "text/event-stream"}
            ) as response,
        ):
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            events: list[str] = []
            async for line in response.aiter_lines():
                if line.startswith("data: "):
                    events.append(line.removeprefix("data: "))
                    if len(events) == 1:
                        first_at = time.monotonic()
                        # Received while the upstream is still waiting to produce the second.
                        assert not fresh_upstream_state.second_event_produced.is_set()
            second_at = time.monotonic()

    assert events == ["first", "second"]
    assert second_at - first_at > 0.8


async def test_a_client_hanging_up_closes_the_upstream_stream(
    fresh_upstream_state: Any, serve_gateway: Any
) -> None:
    with serve_gateway() as gateway_url:
        async with httpx.AsyncClient(base_url=gateway_url, timeout=5) as client:
            async with client.stream("GET", "/api/v1/kitchen/endless") as response:
                async for line in response.aiter_lines():
                    if line == "data: hello":
                        break
            # Leaving the block closed the connection to the gateway.
            closed = await asyncio.to_thread(fresh_upstream_state.endless_stream_closed.wait, 5.0)
    assert closed


async def test_an_ordinary_response_that_stalls_mid_body_is_cut_off(serve_gateway: Any) -> None:
    with serve_gateway(read_timeout_seconds=0.5) as gateway_url:
        async with httpx.AsyncClient(base_url=gateway_url, timeout=5) as client:
            started = time.monotonic()
            # The client must not take the partial body for a complete one.
            with pytest.raises(httpx.RemoteProtocolError):
                await client.get("/api/v1/orders/stalls")
            assert time.monotonic() - started < 3


async def test_a_stopped_upstream_gets_503_with_retry_after(
    spare_upstream: Any, gateway_with: Any
) -> None:
    async with gateway_with(upstream_urls={"inventory": spare_upstream.url}) as gateway:
        # One answered request first, so a pooled keep-alive connection exists.
        assert (await gateway.get("/api/v1/products")).status_code == 200
        spare_upstream.server.stop()

        response = await gateway.get("/api/v1/products", headers={"X-Correlation-ID": "c-503"})

    body = assert_problem(response, 503)
    assert response.headers["retry-after"] == "7"
    assert body["detail"] == "inventory is unavailable."
    assert body["service"] == "inventory"
    assert body["correlation_id"] == "c-503"


async def test_a_hanging_upstream_gets_504_within_the_read_timeout(
    silent_port: int, gateway_with: Any
) -> None:
    async with gateway_with(
        upstream_urls={"payment": f"http://127.0.0.1:{silent_port}"}, read_timeout_seconds=0.5
    ) as gateway:
        started = time.monotonic()
        with anyio.fail_after(5):  # fail, rather than hang, if the gateway never gives up
            response = await gateway.post("/api/v1/payments", json={"order_id": "o-1"})
        elapsed = time.monotonic() - started

    body = assert_problem(response, 504)
    assert body["service"] == "payment"
    assert 0.5 <= elapsed < 2.0


async def test_an_upstream_answering_garbage_gets_502(garbage_port: int, gateway_with: Any) -> None:
    async with gateway_with(
        upstream_urls={"restaurant": f"http://127.0.0.1:{garbage_port}"}
    ) as gateway:
        response = await gateway.get("/api/v1/restaurant")

    body = assert_problem(response, 502)
    assert body["service"] == "restaurant"


async def test_an_unknown_prefix_gets_404_and_reaches_no_upstream(
    gateway: httpx.AsyncClient, upstream: Any
) -> None:
    for path in ("/api/v1/ordersX", "/api/v2/orders", "/nothing/here"):
        assert_problem(await gateway.get(path), 404)
    assert upstream.state.requests == []


async def test_an_upstream_url_with_a_path_keeps_it_as_a_prefix(
    upstream: Any, fresh_upstream_state: Any, gateway_with: Any
) -> None:
    async with gateway_with(
        upstream_urls={"chatbot": f"{upstream.url}/behind/a/proxy/"}
    ) as gateway:
        response = await gateway.get("/api/v1/chat/conversations/c-1?x=1")

    assert response.status_code == 200
    seen = fresh_upstream_state.requests[-1]
    assert seen["raw_path"] == "/behind/a/proxy/api/v1/chat/conversations/c-1"
    assert seen["query"] == "x=1"


async def test_a_get_on_a_connection_the_upstream_dropped_is_tried_once_more(
    flaky_server: Any, gateway_with: Any
) -> None:
    async with gateway_with(
        upstream_urls={"inventory": f"http://127.0.0.1:{flaky_server.port}"}
    ) as gateway:
        response = await gateway.get("/api/v1/categories")

    assert response.status_code == 200
    assert response.text == "ok"
    assert flaky_server.connections == 2


async def test_a_post_on_a_connection_the_upstream_dropped_is_not_repeated(
    flaky_server: Any, gateway_with: Any
) -> None:
    async with gateway_with(
        upstream_urls={"payment": f"http://127.0.0.1:{flaky_server.port}"}
    ) as gateway:
        response = await gateway.post(
            "/api/v1/payments", json={"amount": 1250}, headers={"Idempotency-Key": "k-1"}
        )

    body = assert_problem(response, 502)
    assert body["service"] == "payment"
    assert flaky_server.connections == 1


async def test_a_gateway_routing_the_chatbot_only_answers_404_for_order_taking(
    gateway_with: Any, upstream: Any
) -> None:
    # The guest edge: guest chat reaches the chatbot, nothing else gets through it.
    async with gateway_with(routes_to=["chatbot"]) as guest_edge:
        chat = await guest_edge.get("/api/v1/chat/conversations/c-1")
        orders = await guest_edge.post("/api/v1/orders", json={"type": "takeout"})

    assert chat.status_code == 200
    assert assert_problem(orders, 404)["detail"] == "No API is served at /api/v1/orders."
    assert [seen["path"] for seen in upstream.state.requests] == ["/api/v1/chat/conversations/c-1"]
