"""The route table: which service answers a path (longest prefix, whole segments only)."""

from __future__ import annotations

import pytest

from pos_gateway.config import GatewaySettings
from pos_gateway.routes import ROUTE_TABLE, Route, RouteTable


@pytest.mark.parametrize(
    ("path", "service"),
    [
        ("/api/v1/auth/login", "auth"),
        ("/.well-known/jwks.json", "auth"),
        ("/api/v1/orders", "pos-core"),
        ("/api/v1/orders/", "pos-core"),
        ("/api/v1/orders/4f1c/items/9", "pos-core"),
        ("/api/v1/categories", "inventory"),
        ("/api/v1/products/p-1/stock", "inventory"),
        ("/api/v1/reservations/r-1/commit", "inventory"),
        ("/api/v1/payments/pay-1/refunds", "payment"),
        ("/api/v1/orders/o-1/split", "payment"),
        ("/api/v1/cash-drawers/front/sessions", "payment"),
        ("/api/v1/reports/daily-sales", "payment"),
        ("/api/v1/restaurant", "restaurant"),
        ("/api/v1/floors", "restaurant"),
        ("/api/v1/tables/t-1", "restaurant"),
        ("/api/v1/staff", "restaurant"),
        ("/api/v1/chat/conversations/c-1/messages", "chatbot"),
        ("/api/v1/kitchen/stream", "notification"),
        ("/api/v1/webhooks", "notification"),
        ("/api/v1/notifications", "notification"),
    ],
)
def test_each_api_prefix_goes_to_the_service_that_owns_it(path: str, service: str) -> None:
    route = ROUTE_TABLE.match(path)
    assert route is not None
    assert route.service == service


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/ordersX",  # shares characters, not a segment
        "/api/v1/order",
        "/api/v1",
        "/api/v2/orders",  # another version is not v1's route
        "/",
        "/healthz-not",
        "/.well-known/jwks.jsonx",
        "//api/v1/orders",
        "/api/v1/orders/../auth/users",  # dot segments would be resolved upstream
        "/api/v1/orders/./x",
        "api/v1/orders",
    ],
)
def test_paths_no_service_owns_match_nothing(path: str) -> None:
    assert ROUTE_TABLE.match(path) is None


def test_a_placeholder_segment_stands_for_any_one_segment() -> None:
    table = RouteTable(
        [Route("/api/v1/orders", "pos-core"), Route("/api/v1/orders/{order_id}/split", "payment")]
    )

    def owner(path: str) -> str | None:
        route = table.match(path)
        return route.service if route else None

    assert owner("/api/v1/orders/4f1c/split") == "payment"
    assert owner("/api/v1/orders/4f1c/splits") == "pos-core"
    assert owner("/api/v1/orders//split") == "pos-core"  # an empty segment is no order id
    assert owner("/api/v1/orders/4f1c") == "pos-core"


def test_the_longest_prefix_wins_whatever_the_order_given() -> None:
    table = RouteTable(
        [
            Route("/api/v1/kitchen", "notification"),
            Route("/api/v1/kitchen/stream", "stream-service"),
        ]
    )

    def service(path: str) -> str | None:
        route = table.match(path)
        return route.service if route else None

    assert service("/api/v1/kitchen/stream") == "stream-service"
    assert service("/api/v1/kitchen/stream/x") == "stream-service"
    assert service("/api/v1/kitchen/streams") == "notification"
    assert service("/api/v1/kitchen/tickets") == "notification"


@pytest.mark.parametrize(
    "routes",
    [
        [Route("/api/v1/orders/", "pos-core")],
        [Route("api/v1/orders", "pos-core")],
        [Route("/api//orders", "pos-core")],
        [Route("/api/v1/orders", "pos-core"), Route("/api/v1/orders", "inventory")],
    ],
)
def test_a_malformed_or_ambiguous_table_is_refused(routes: list[Route]) -> None:
    with pytest.raises(ValueError, match="prefix"):
        RouteTable(routes)


def test_every_service_in_the_table_has_an_upstream_url_setting() -> None:
    assert ROUTE_TABLE.services == GatewaySettings().upstream_urls.keys()
