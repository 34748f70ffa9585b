"""Which headers cross the gateway, in each direction: hop-by-hop, forwarded, its own."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pos_kit import context

RawHeaders = list[tuple[bytes, bytes]]

# Headers that describe one connection, not the message (RFC 9110 section 7.6.1);
# a proxy never forwards them. `proxy-*` headers are dropped as well.
HOP_BY_HOP = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"proxy-connection",
        b"te",
        b"trailer",
        b"trailers",
        b"transfer-encoding",
        b"upgrade",
    }
)
# The gateway writes these itself from what it knows of the caller.
FORWARDED_HEADERS = frozenset(
    {
        b"forwarded",
        b"x-forwarded-for",
        b"x-forwarded-host",
        b"x-forwarded-proto",
        b"x-forwarded-port",
        b"x-real-ip",
    }
)
# Replaced by the gateway's own request context (pos_kit.context.outbound_headers);
# `expect: 100-continue` is negotiated per hop, between the caller and the gateway.
REPLACED_REQUEST_HEADERS = frozenset({b"host", b"x-correlation-id", b"traceparent", b"expect"})
# The client must see one correlation id (the gateway's middleware adds it) and one
# Date and Server (uvicorn adds them). `access-control-*` goes too: CORS is the
# gateway's alone, and a second Access-Control-Allow-Origin makes browsers refuse.
REPLACED_RESPONSE_HEADERS = frozenset({b"x-correlation-id", b"date", b"server"})


def _connection_tokens(headers: Iterable[tuple[bytes, bytes]]) -> set[bytes]:
    # `Connection: close, x-foo` also makes `x-foo` a hop-by-hop header.
    tokens: set[bytes] = set()
    for name, value in headers:
        if name.lower() == b"connection":
            tokens.update(t.strip().lower() for t in value.split(b",") if t.strip())
    return tokens


def _end_to_end(headers: Sequence[tuple[bytes, bytes]]) -> RawHeaders:
    dropped = HOP_BY_HOP | _connection_tokens(headers)
    return [
        (name.lower(), value)
        for name, value in headers
        if name.lower() not in dropped and not name.lower().startswith(b"proxy-")
    ]


def upstream_request_headers(
    headers: Sequence[tuple[bytes, bytes]],
    *,
    client_host: str,
    scheme: str,
    trust_forwarded: bool,
) -> RawHeaders:
    """The caller's headers as the upstream gets them, with the gateway's own added."""
    end_to_end = _end_to_end(headers)
    forwarded: dict[bytes, bytes] = {}
    for name, value in end_to_end:
        if name in FORWARDED_HEADERS:
            # A repeated header is one comma-separated list (RFC 9110 section 5.3).
            forwarded[name] = forwarded[name] + b", " + value if name in forwarded else value
    result = [
        (name, value)
        for name, value in end_to_end
        if name not in REPLACED_REQUEST_HEADERS and name not in FORWARDED_HEADERS
    ]
    host = next((value for name, value in end_to_end if name == b"host"), b"")

    peer = client_host.encode("latin-1")
    if trust_forwarded:
        chain = forwarded.get(b"x-forwarded-for")
        result += [(name, value) for name, value in forwarded.items() if name != b"x-forwarded-for"]
        result.append((b"x-forwarded-for", chain + b", " + peer if chain else peer))
        if b"x-forwarded-proto" not in forwarded:
            result.append((b"x-forwarded-proto", scheme.encode("latin-1")))
        if b"x-forwarded-host" not in forwarded and host:
            result.append((b"x-forwarded-host", host))
    else:
        result.append((b"x-forwarded-for", peer))
        result.append((b"x-forwarded-proto", scheme.encode("latin-1")))
        if host:
            result.append((b"x-forwarded-host", host))

    outbound = context.outbound_headers()
    result += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in outbound.items()]
    return result


def client_response_headers(headers: Sequence[tuple[bytes, bytes]]) -> RawHeaders:
    """The upstream's response headers as the client gets them."""
    return [
        (name, value)
        for name, value in _end_to_end(headers)
        if name not in REPLACED_RESPONSE_HEADERS and not name.startswith(b"access-control-")
    ]
