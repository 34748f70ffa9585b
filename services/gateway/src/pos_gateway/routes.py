"""The route table: which service answers which API prefix, for every deployment mode.

Local run, compose and Kubernetes differ only in where each service lives (the
upstream URLs in `GatewaySettings`); which service owns which path is decided here
and nowhere else.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Route:
    """Requests under `prefix` (the prefix itself or anything below it) go to `service`."""

    prefix: str
    service: str

    @property
    def segments(self) -> tuple[str, ...]:
        return _segments(self.prefix)


ROUTES: tuple[Route, ...] = (
    Route("/api/v1/auth", "auth"),
    Route("/.well-known/jwks.json", "auth"),
    Route("/api/v1/orders", "pos-core"),
    Route("/api/v1/categories", "inventory"),
    Route("/api/v1/products", "inventory"),
    Route("/api/v1/reservations", "inventory"),
    Route("/api/v1/payments", "payment"),
    Route("/api/v1/restaurant", "restaurant"),
    Route("/api/v1/floors", "restaurant"),
    Route("/api/v1/tables", "restaurant"),
    Route("/api/v1/staff", "restaurant"),
    Route("/api/v1/chat", "chatbot"),
    Route("/api/v1/kitchen", "notification"),
    Route("/api/v1/webhooks", "notification"),
    Route("/api/v1/notifications", "notification"),
)


def _segments(path: str) -> tuple[str, ...]:
    # "/api/v1/orders/" -> ("api", "v1", "orders", ""): the empty last segment is kept
    # so that prefix matching compares whole segments only.
    return tuple(path.split("/")[1:])


class RouteTable:
    """Longest-prefix match on whole path segments: `/api/v1/ordersX` is not `/api/v1/orders`."""

    def __init__(self, routes: Iterable[Route]) -> None:
        routes = tuple(routes)
        for route in routes:
            if not route.prefix.startswith("/") or route.prefix.endswith("/"):
                raise ValueError(f"a prefix starts with '/' and does not end with one: {route}")
            if "" in route.segments:
                raise ValueError(f"a prefix has no empty segment: {route}")
        prefixes = [route.prefix for route in routes]
        duplicates = sorted({p for p in prefixes if prefixes.count(p) > 1})
        if duplicates:
            raise ValueError(f"prefixes listed twice: {duplicates}")
        # Most specific first, so the first hit is the longest prefix.
        self._routes = tuple(sorted(routes, key=lambda r: len(r.segments), reverse=True))

    @property
    def routes(self) -> tuple[Route, ...]:
        return self._routes

    @property
    def services(self) -> frozenset[str]:
        return frozenset(route.service for route in self._routes)

    def match(self, path: str) -> Route | None:
        """The route for a request path, or None when no service answers it."""
        segments = _segments(path)
        if not path.startswith("/") or "." in segments or ".." in segments:
            # Dot segments would be resolved differently by the upstream than here;
            # refuse rather than route one service's path to another.
            return None
        for route in self._routes:
            wanted = route.segments
            if segments[: len(wanted)] == wanted:
                return route
        return None


ROUTE_TABLE = RouteTable(ROUTES)
