"""The lean HTTP client: keep-alive, chunked bodies, a server that closes, Server-Sent Events."""

from __future__ import annotations

import asyncio

import pytest

from pos_bench.http import HttpClient, HttpFailure, SseReader, encode_request


async def _serve(answers: list[bytes]) -> tuple[asyncio.base_events.Server, int, list[bytes]]:
    """A server that answers each request with the next of `answers` (raw bytes)."""
    seen: list[bytes] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while answers:
                head = await reader.readuntil(b"\r\n\r\n")
                seen.append(head)
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        seen.append(await reader.readexactly(int(line.split(b":")[1])))
                writer.write(answers.pop(0))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1], seen


async def test_keep_alive_json_and_chunked_bodies():
    server, port, seen = await _serve([
        b"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n"
        b'{"id": "x"}',
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nRetry-After: 5\r\n\r\n"
        b"3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
    ])  # fmt: skip
    client = HttpClient("127.0.0.1", port, headers={"Authorization": "Bearer t"})

    first = await client.post("/api/v1/orders", json={"type": "takeout"})
    second = await client.get("/next")

    assert first.status == 201
    assert first.json() == {"id": "x"}
    assert second.body == b"abcde"
    assert second.header("Retry-After") == "5"
    assert client.connections_opened == 1  # the same connection, kept alive
    assert b"POST /api/v1/orders HTTP/1.1" in seen[0]
    assert b"Authorization: Bearer t" in seen[0]
    assert seen[1] == b'{"type":"takeout"}'
    await client.aclose()
    server.close()


async def test_a_closed_connection_is_not_reused():
    server, port, _ = await _serve([
        b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\na",
        b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nb",
    ])  # fmt: skip
    client = HttpClient("127.0.0.1", port)

    assert (await client.get("/")).body == b"a"
    assert (await client.get("/")).body == b"b"
    assert client.connections_opened == 2
    await client.aclose()
    server.close()


async def test_no_answer_is_a_failure_with_a_kind():
    server, port, _ = await _serve([b"HTTP/1.1 200 OK\r\n"])  # headers never finish
    client = HttpClient("127.0.0.1", port, timeout=0.3)
    with pytest.raises(HttpFailure) as failure:
        await client.get("/")
    assert failure.value.kind in {"timeout", "connection-lost"}
    server.close()

    refused = HttpClient("127.0.0.1", 9)  # discard port: nothing listens
    with pytest.raises(HttpFailure) as failure:
        await refused.get("/")
    assert failure.value.kind == "connect"


def test_encoded_requests():
    assert encode_request("GET", "/a", "h:1") == b"GET /a HTTP/1.1\r\nHost: h:1\r\n\r\n"
    assert encode_request("POST", "/b", "h:1", {"X": "y"}, b"{}") == (
        b"POST /b HTTP/1.1\r\nHost: h:1\r\nX: y\r\nContent-Length: 2\r\n\r\n{}"
    )


def test_server_sent_events_across_chunks():
    events = []
    now = iter([1.0, 2.0, 3.0])
    reader = SseReader(events.append, lambda: next(now))

    reader.feed(b'retry: 2000\n\nevent: ticket.created\ndata: {"order_id": ')
    reader.feed(b'"o1"}\nid: 7\n\n: keep-alive\n\nevent: ticket.bumped\r\n')
    reader.feed(b"data: {}\r\n\r\n")

    assert [(e.event, e.data, e.id, e.arrived) for e in events] == [
        ("ticket.created", '{"order_id": "o1"}', "7", 2.0),
        ("ticket.bumped", "{}", None, 3.0),
    ]
