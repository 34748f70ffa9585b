"""The route table: which service answers which API prefix, for every deployment mode.

Which service owns which path is decided in the service catalogue (`pos_kit.catalogue`)
and nowhere else; local run, compose and Kubernetes differ only in where each service
lives (the upstream URLs in `GatewaySettings`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pos_kit import catalogue


@dataclass(frozen=True)
class Route:
    """Requests under `prefix` (the prefix itself or anything below it) go to `service`.

    A segment written `{name}` stands for any one segment, for a path another service
    owns below a resource: `/api/v1/orders/{order_id}/split` is payment's.
    """

    prefix: str
    service: str

    @property
    def segments(self) -> tuple[str, ...]:
        return _segments(self.prefix)

    @property
    def specificity(self) -> tuple[int, int]:
        """Longer prefixes first; between two of one length, fewer placeholders first."""
        return len(self.segments), -sum(_is_placeholder(s) for s in self.segments)

    def matches(self, segments: tuple[str, ...]) -> bool:
        wanted = self.segments
        if len(segments) < len(wanted):
            return False
        return all(
            (bool(given) if _is_placeholder(part) else given == part)
            for part, given in zip(wanted, segments, strict=False)
        )


ROUTES: tuple[Route, ...] = tuple(
    Route(prefix, service.name) for service in catalogue.upstreams() for prefix in service.prefixes
)


def _is_placeholder(segment: str) -> bool:
    return segment.startswith("{") and segment.endswith("}")


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
        self._routes = tuple(sorted(routes, key=lambda r: r.specificity, reverse=True))

    @property
    def routes(self) -> tuple[Route, ...]:
        return self._routes

    @property
    def services(self) -> frozenset[str]:
        return frozenset(route.service for route in self._routes)

    def only(self, services: Iterable[str]) -> RouteTable:
        """The routes of `services` alone (the guest edge routes the chatbot's paths only)."""
        wanted = frozenset(services)
        return RouteTable(route for route in self._routes if route.service in wanted)

    def match(self, path: str) -> Route | None:
        """The route for a request path, or None when no service answers it."""
        segments = _segments(path)
        if not path.startswith("/") or "." in segments or ".." in segments:
            # Dot segments would be resolved differently by the upstream than here;
            # refuse rather than route one service's path to another.
            return None
        for route in self._routes:
            if route.matches(segments):
                return route
        return None


ROUTE_TABLE = RouteTable(ROUTES)
