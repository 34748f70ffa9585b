"""Which headers cross the gateway, in each direction."""

from __future__ import annotations

import pytest

from pos_gateway.headers import client_response_headers, upstream_request_headers
from pos_kit import context

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"


def names(headers: list[tuple[bytes, bytes]]) -> list[bytes]:
    return [name for name, _ in headers]


def values(headers: list[tuple[bytes, bytes]], name: bytes) -> list[bytes]:
    return [value for key, value in headers if key == name]


CALLER_HEADERS = [
    (b"host", b"pos.example"),
    (b"authorization", b"Bearer t"),
    (b"connection", b"keep-alive, X-Per-Hop"),
    (b"x-per-hop", b"1"),
    (b"keep-alive", b"timeout=5"),
    (b"te", b"trailers"),
    (b"upgrade", b"h2c"),
    (b"proxy-authorization", b"Basic x"),
    (b"transfer-encoding", b"chunked"),
    (b"expect", b"100-continue"),
    (b"x-correlation-id", b"from-caller"),
    (b"traceparent", f"00-{TRACE_ID}-00f067aa0ba902b7-01".encode()),
    (b"x-forwarded-for", b"198.51.100.7"),
    (b"x-forwarded-for", b"10.0.0.1"),
    (b"x-forwarded-proto", b"https"),
    (b"accept", b"application/json"),
    (b"accept", b"text/plain"),
]


def test_hop_by_hop_headers_stay_with_the_gateway_and_the_rest_go_on() -> None:
    forwarded = upstream_request_headers(
        CALLER_HEADERS, client_host="203.0.113.9", scheme="https", trust_forwarded=False
    )

    for name in (
        b"host",
        b"connection",
        b"x-per-hop",
        b"keep-alive",
        b"te",
        b"upgrade",
        b"proxy-authorization",
        b"transfer-encoding",
        b"expect",
    ):
        assert name not in names(forwarded), name
    assert values(forwarded, b"authorization") == [b"Bearer t"]
    assert values(forwarded, b"accept") == [b"application/json", b"text/plain"]


@pytest.mark.parametrize(
    ("client_host", "scheme", "trust_forwarded", "forwarded_for", "forwarded_proto"),
    [
        # As the edge, the gateway writes the forwarded headers itself.
        ("203.0.113.9", "http", False, b"203.0.113.9", b"http"),
        # Behind a trusted balancer, the forwarded chain is extended.
        ("10.0.0.2", "http", True, b"198.51.100.7, 10.0.0.1, 10.0.0.2", b"https"),
    ],
    ids=["as the edge", "behind a trusted balancer"],
)
def test_the_forwarded_headers_say_who_called(
    client_host: str,
    scheme: str,
    trust_forwarded: bool,
    forwarded_for: bytes,
    forwarded_proto: bytes,
) -> None:
    forwarded = upstream_request_headers(
        CALLER_HEADERS, client_host=client_host, scheme=scheme, trust_forwarded=trust_forwarded
    )

    assert values(forwarded, b"x-forwarded-for") == [forwarded_for]
    assert values(forwarded, b"x-forwarded-proto") == [forwarded_proto]
    assert values(forwarded, b"x-forwarded-host") == [b"pos.example"]


def test_correlation_and_trace_headers_come_from_the_request_context() -> None:
    with context.request_context(correlation_id="corr-1", trace_id=TRACE_ID) as ctx:
        forwarded = upstream_request_headers(
            CALLER_HEADERS, client_host="203.0.113.9", scheme="http", trust_forwarded=False
        )

    assert values(forwarded, b"x-correlation-id") == [b"corr-1"]
    assert values(forwarded, b"traceparent") == [f"00-{TRACE_ID}-{ctx.span_id}-01".encode()]


def test_upstream_response_headers_lose_what_the_gateway_sets_itself() -> None:
    upstream = [
        (b"Content-Type", b"text/event-stream"),
        (b"Transfer-Encoding", b"chunked"),
        (b"Connection", b"close, X-Upstream-Hop"),
        (b"X-Upstream-Hop", b"1"),
        (b"X-Correlation-ID", b"upstream-own"),
        (b"Date", b"Mon, 01 Jan 2024 00:00:00 GMT"),
        (b"Server", b"uvicorn"),
        (b"Access-Control-Allow-Origin", b"*"),
        (b"Set-Cookie", b"a=1"),
        (b"Set-Cookie", b"b=2"),
        (b"Content-Encoding", b"gzip"),
    ]

    assert client_response_headers(upstream) == [
        (b"content-type", b"text/event-stream"),
        (b"set-cookie", b"a=1"),
        (b"set-cookie", b"b=2"),
        (b"content-encoding", b"gzip"),
    ]
