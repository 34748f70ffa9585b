"""Concurrent reservations over real HTTP against PostgreSQL never oversell and never deadlock.

The app runs under uvicorn on a free port in a thread of its own, so the requests arrive
over separate TCP connections and run side by side on the database pool.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from pos_kit.testing.servers import ThreadedServer


@pytest.fixture(scope="module")
def base_url(service, service_kits) -> Iterator[str]:
    app = service_kits.kit_for(service).create_app()
    with ThreadedServer(app, lifespan="on") as server:
        yield server.url


@pytest.fixture
async def over_http(base_url, restaurant) -> AsyncIterator[None]:
    """`restaurant` calls the served app, over up to 40 connections at once."""
    async with httpx.AsyncClient(
        base_url=base_url, timeout=30, limits=httpx.Limits(max_connections=40)
    ) as client:
        restaurant.client = client
        yield


pytestmark = pytest.mark.usefixtures("over_http")


async def test_thirty_waiters_for_ten_pizzas_get_exactly_ten(restaurant) -> None:
    pizza = await restaurant.stocked(10, name="Margherita")
    results = await asyncio.gather(
        *(restaurant.reserve((pizza, 1), order_id=str(uuid.uuid4())) for _ in range(30))
    )
    codes = sorted(r.status_code for r in results)
    assert codes == [201] * 10 + [409] * 20, codes
    for refused in (r for r in results if r.status_code == 409):
        assert "Margherita" in refused.json()["detail"]
        assert refused.json()["short_lines"][0]["product_id"] == pizza["id"]
    stock = await restaurant.stock(pizza)
    assert (stock["on_hand"], stock["reserved"], stock["available"]) == (10, 10, 0)


async def test_lines_in_opposite_orders_neither_deadlock_nor_oversell(restaurant) -> None:
    pizza = await restaurant.stocked(8, name="Pizza")
    wine = await restaurant.stocked(8, name="Wine")
    results = await asyncio.gather(
        *(restaurant.reserve(*([(pizza, 1), (wine, 1)][:: 1 if i % 2 else -1])) for i in range(24))
    )
    codes = sorted(r.status_code for r in results)
    assert codes == [201] * 8 + [409] * 16, codes
    for product in (pizza, wine):
        assert (await restaurant.stock(product))["available"] == 0


async def test_the_same_order_sent_ten_times_at_once_is_reserved_once(restaurant) -> None:
    pizza = await restaurant.stocked(20)
    order_id = str(uuid.uuid4())
    results = await asyncio.gather(
        *(restaurant.reserve((pizza, 3), order_id=order_id) for _ in range(10))
    )
    assert sorted(r.status_code for r in results) == [200] * 9 + [201]
    assert len({r.json()["id"] for r in results}) == 1
    assert (await restaurant.stock(pizza))["reserved"] == 3


async def test_a_released_order_sent_ten_times_at_once_is_held_again_once(restaurant) -> None:
    pizza = await restaurant.stocked(30)
    order_id = str(uuid.uuid4())
    first = (await restaurant.reserve((pizza, 3), order_id=order_id)).json()
    released = await restaurant.settle(first, "release")
    assert released.json()["status"] == "released"
    results = await asyncio.gather(
        *(restaurant.reserve((pizza, 3), order_id=order_id) for _ in range(10))
    )
    assert sorted(r.status_code for r in results) == [200] * 9 + [201], [
        (r.status_code, r.text) for r in results
    ]
    assert {r.json()["status"] for r in results} == {"held"}
    assert {r.json()["id"] for r in results} == {first["id"]}
    assert len({r.json()["expires_at"] for r in results}) == 1
    stock = await restaurant.stock(pizza)
    assert (stock["on_hand"], stock["reserved"]) == (30, 3)
