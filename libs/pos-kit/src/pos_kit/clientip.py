"""The client's address, trusting X-Forwarded-For only from our own proxies (the gateway)."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from starlette.requests import Request


def _is_trusted(address: str, trusted: Iterable[str]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for entry in trusted:
        try:
            if ip in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def client_address(request: Request, trusted_proxies: Iterable[str]) -> str:
    """The nearest address that is not one of our proxies.

    Walks X-Forwarded-For from the right, since only the entries our own proxies
    appended can be believed; a client can write anything on the left.
    """
    trusted = list(trusted_proxies)
    peer = request.client.host if request.client else "unknown"
    if not _is_trusted(peer, trusted):
        return peer
    forwarded = request.headers.get("x-forwarded-for", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop, trusted):
            return hop
    return hops[0] if hops else peer
