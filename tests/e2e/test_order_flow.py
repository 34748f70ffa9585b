"""Issue 3 end to end: the real services as processes, driven through the gateway."""

from __future__ import annotations

import os
import signal
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import httpx
import pytest

if TYPE_CHECKING:
    from conftest import MakeRun, Restaurant

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(420)]


def test_an_order_reserves_releases_and_prints_a_receipt_right_to_the_cent(
    new_restaurant: Callable[..., Restaurant],
) -> None:
    bistro = new_restaurant("Le Petit Test")
    mains = bistro.call("POST", "/api/v1/categories", 201, json={"name": "Mains"}).json()
    steak, large = bistro.add_sized_product(
        250, stock=5, name="Steak", price=1250, tax_rate_bps=1000, category_id=mains["id"]
    )
    fries = bistro.add_product(name="Fries", price=450, tax_rate_bps=1000)
    wine = bistro.add_product(stock=10, name="House red", price=650, tax_rate_bps=2000)

    table = bistro.add_table()
    order = bistro.open_order(type="dine_in", guests=2, table_id=table["id"])
    bistro.add_item(order["id"], steak["id"], 2, modifiers=[large], notes="medium rare")
    bistro.add_item(order["id"], fries["id"], 1, notes="no salt")
    bistro.add_item(order["id"], wine["id"], 3)

    placed = bistro.call("POST", f"/api/v1/orders/{order['id']}/place", 200).json()
    assert placed["status"] == "placed"
    assert bistro.stock(steak["id"])["reserved"] == 2
    assert bistro.stock(steak["id"])["available"] == 3
    assert bistro.stock(wine["id"])["reserved"] == 3

    receipt = bistro.call("GET", f"/api/v1/orders/{order['id']}/receipt", 200).json()
    # (1250 + 250) x 2 + 450 + 650 x 3 = 5400; tax 300 + 45 + 390 = 735.
    assert receipt["subtotal"] == 5400
    assert receipt["tax"] == 735
    assert receipt["total"] == 6135
    assert all(isinstance(receipt[k], int) for k in ("subtotal", "tax", "total"))
    printed = bistro.call(
        "GET", f"/api/v1/orders/{order['id']}/receipt", 200, headers={"Accept": "text/plain"}
    )
    assert "61.35" in printed.text
    assert "Large" in printed.text
    assert max(len(line) for line in printed.text.splitlines()) <= 48

    cancelled = bistro.call("POST", f"/api/v1/orders/{order['id']}/cancel", 200).json()
    assert cancelled["status"] == "cancelled"
    assert bistro.stock(steak["id"])["reserved"] == 0
    assert bistro.stock(steak["id"])["available"] == 5
    assert bistro.stock(wine["id"])["available"] == 10


def test_another_restaurants_product_and_order_are_404(
    new_restaurant: Callable[..., Restaurant],
) -> None:
    mine, theirs = new_restaurant("Mine"), new_restaurant("Theirs")
    their_dish = theirs.add_product(name="Secret dish", price=999, tax_rate_bps=1000)
    their_order = theirs.open_order()

    assert mine.call("GET", f"/api/v1/products/{their_dish['id']}").status_code == 404
    assert mine.call("GET", f"/api/v1/orders/{their_order['id']}").status_code == 404
    my_order = mine.open_order()
    refused = mine.call(
        "POST",
        f"/api/v1/orders/{my_order['id']}/items",
        json={"product_id": their_dish["id"], "quantity": 1},
    )
    assert refused.status_code in (404, 422)
    assert refused.headers["content-type"] == "application/problem+json"


def test_events_reach_the_stream_once_with_the_requests_correlation_id(
    system: MakeRun, new_restaurant: Callable[..., Restaurant]
) -> None:
    bistro = new_restaurant("Events Bistro")
    soup = bistro.add_product(stock=3, name="Soup", price=700, tax_rate_bps=1000)
    rename_id = f"rename-{uuid.uuid4().hex[:8]}"
    bistro.call(
        "PATCH",
        f"/api/v1/products/{soup['id']}",
        200,
        json={"name": "Soup of the day"},
        correlation_id=rename_id,
    )
    order = bistro.order_of(soup["id"])
    place_id = f"place-{uuid.uuid4().hex[:8]}"
    bistro.call("POST", f"/api/v1/orders/{order['id']}/place", 200, correlation_id=place_id)

    renamed = system.events_once_there(
        "product.updated", lambda e: e["data"].get("id") == soup["id"], within=15
    )
    assert len(renamed) == 1
    assert renamed[0]["correlationid"] == rename_id
    assert renamed[0]["tenantid"] == bistro.tenant_id
    placed = system.events_once_there(
        "order.placed", lambda e: e["data"].get("order_id") == order["id"], within=15
    )
    assert len(placed) == 1
    assert placed[0]["correlationid"] == place_id

    def services_logging(correlation_id: str) -> set[str]:
        return {
            r.get("service", "")
            for r in system.records()
            if r.get("correlation_id") == correlation_id
        }

    assert {"gateway", "inventory"} <= services_logging(rename_id)
    assert {"gateway", "pos-core", "inventory"} <= services_logging(place_id)


def test_a_frozen_inventory_fails_placing_fast_and_placing_recovers(
    system: MakeRun, new_restaurant: Callable[..., Restaurant]
) -> None:
    bistro = new_restaurant("Freeze Bistro")
    tart = bistro.add_product(stock=4, name="Tart", price=800, tax_rate_bps=1000)
    orders = [bistro.order_of(tart["id"]) for _ in range(4)]

    inventory = system.service_process("inventory")
    os.kill(inventory.pid, signal.SIGSTOP)
    try:
        timings = []
        for order in orders[:3]:
            started = time.monotonic()
            response = bistro.call("POST", f"/api/v1/orders/{order['id']}/place")
            timings.append(time.monotonic() - started)
            assert response.status_code in (503, 504), response.text
            assert response.headers["content-type"] == "application/problem+json"
            assert "retry-after" in response.headers
        # The configured total timeout is 3 s; the gateway and the reply add little.
        assert timings[0] < 5.0
        # By the third call the breaker is open: it fails without waiting on inventory.
        assert timings[2] < 1.0
        for order in orders[:3]:
            assert bistro.call("GET", f"/api/v1/orders/{order['id']}", 200).json()["status"] == (
                "open"
            )
    finally:
        os.kill(inventory.pid, signal.SIGCONT)

    deadline = time.monotonic() + 20
    while True:
        response = bistro.call("POST", f"/api/v1/orders/{orders[0]['id']}/place")
        if response.status_code == 200 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert response.status_code == 200, response.text
    bistro.call("POST", f"/api/v1/orders/{orders[3]['id']}/place", 200)
    assert bistro.stock(tart["id"])["reserved"] == 2


def test_thirty_waiters_racing_for_ten_portions_place_exactly_ten_orders(
    system: MakeRun, new_restaurant: Callable[..., Restaurant]
) -> None:
    """On PostgreSQL, through the gateway, pos-core and inventory: stock never oversells."""
    bistro = new_restaurant("Rush Hour Bistro")
    special = bistro.add_product(stock=10, name="Chef's special", price=1900, tax_rate_bps=1000)
    orders = [bistro.order_of(special["id"]) for _ in range(30)]

    start = threading.Barrier(30)

    def place(order: dict[str, Any]) -> httpx.Response:
        with httpx.Client(base_url=system.url("gateway"), timeout=30, trust_env=False) as c:
            start.wait()
            # As a terminal does: a 503 (inventory slow under the rush) is tried again after
            # its Retry-After; placing is idempotent on the order, so a retry holds no more.
            for _ in range(10):
                answer = c.post(f"/api/v1/orders/{order['id']}/place", headers=bistro.headers())
                if answer.status_code != 503:
                    return answer
                time.sleep(min(float(answer.headers.get("Retry-After", "1")), 2.0))
            return answer

    with ThreadPoolExecutor(max_workers=30) as pool:
        answers = list(pool.map(place, orders))

    statuses = sorted(r.status_code for r in answers)
    assert statuses.count(200) == 10, statuses
    assert statuses.count(409) == 20, statuses
    for refused in (r for r in answers if r.status_code == 409):
        assert "Chef's special" in refused.json()["detail"]
        assert refused.json()["short_lines"][0]["product_id"] == special["id"]
    assert bistro.stock(special["id"])["available"] == 0
    assert bistro.stock(special["id"])["reserved"] == 10
    placed = [
        o
        for o in orders
        if bistro.call("GET", f"/api/v1/orders/{o['id']}", 200).json()["status"] == "placed"
    ]
    assert len(placed) == 10
