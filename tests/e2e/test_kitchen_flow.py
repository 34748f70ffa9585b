"""Issue 4 end to end: restaurant and notification react to pos-core's events, as processes."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import httpx
import nats
import pytest

from pos_kit.events import Event
from pos_kit.testing.nats import read_stream
from pos_kit.testing.polling import eventually

if TYPE_CHECKING:
    from conftest import MakeRun, Restaurant

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(420)]


class KitchenScreen:
    """A kitchen display connected to the live feed through the gateway, as a browser would."""

    def __init__(self, base_url: str, token: str) -> None:
        self.events: list[dict[str, Any]] = []
        self._client = httpx.Client(base_url=base_url, timeout=httpx.Timeout(5, read=None))
        ticket = self._client.post(
            "/api/v1/kitchen/stream-tickets", headers={"Authorization": f"Bearer {token}"}
        )
        assert ticket.status_code == 201, ticket.text
        self._url = f"/api/v1/kitchen/stream?ticket={ticket.json()['ticket']}"
        self._opened = threading.Event()
        self._response: httpx.Response | None = None
        self._thread = threading.Thread(target=self._listen, daemon=True)
        self._thread.start()
        assert self._opened.wait(10), "the kitchen stream did not open"

    def _listen(self) -> None:
        with self._client.stream("GET", self._url) as response:
            self._response = response
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            self._opened.set()
            kind = None
            with contextlib.suppress(httpx.HTTPError):
                for line in response.iter_lines():
                    if line.startswith("event:"):
                        kind = line.split(":", 1)[1].strip()
                    elif line.startswith("data:"):
                        self.events.append({"event": kind, **json.loads(line[5:])})

    def saw(self, kind: str, order_id: str) -> bool:
        return any(e["event"] == kind and e["order_id"] == order_id for e in list(self.events))

    def close(self) -> None:
        if self._response is not None:
            self._response.close()
        self._client.close()


@contextlib.contextmanager
def kitchen_screen(system: MakeRun, bistro: Restaurant) -> Iterator[KitchenScreen]:
    screen = KitchenScreen(system.url("gateway"), bistro.token)
    try:
        yield screen
    finally:
        screen.close()


def placed_order(bistro: Restaurant, product_id: str, **fields: Any) -> dict[str, Any]:
    order = bistro.open_order(**fields)
    bistro.add_item(order["id"], product_id, 2, notes="no onions")
    bistro.call("POST", f"/api/v1/orders/{order['id']}/place", 200)
    return order


def open_tickets(bistro: Restaurant) -> list[dict[str, Any]]:
    tickets: list[dict[str, Any]] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 100} | ({"cursor": cursor} if cursor else {})
        page = bistro.call("GET", "/api/v1/kitchen/tickets", 200, params=params).json()
        tickets += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return tickets


def test_after_sign_up_the_restaurant_profile_is_readable_within_seconds(
    new_restaurant: Callable[..., Restaurant],
) -> None:
    bistro = new_restaurant("Profile Bistro")
    profile = eventually(
        lambda: (r := bistro.call("GET", "/api/v1/restaurant")).status_code == 200 and r.json(),
        within=10,
    )
    assert profile, "the restaurant profile did not appear"
    assert profile["name"] == "Profile Bistro"


def test_a_dine_in_order_seats_its_table_and_reaches_the_kitchen(
    system: MakeRun, new_restaurant: Callable[..., Restaurant]
) -> None:
    bistro = new_restaurant("Kitchen Bistro")
    soup = bistro.add_product(name="Onion soup", price=750, tax_rate_bps=1000)
    table = bistro.add_table()

    with kitchen_screen(system, bistro) as screen:
        order = placed_order(bistro, soup["id"], type="dine_in", table_id=table["id"], guests=3)
        other = placed_order(bistro, soup["id"])

        seated = eventually(
            lambda: (
                bistro.call("GET", f"/api/v1/tables/{table['id']}", 200).json()["status"]
                == "occupied"
            )
        )
        assert seated
        assert (
            bistro.call("GET", f"/api/v1/tables/{table['id']}", 200).json()["current_order_id"]
            == order["id"]
        )

        assert eventually(lambda: screen.saw("ticket.created", order["id"]))
        ticket = next(t for t in open_tickets(bistro) if t["order_id"] == order["id"])
        assert ticket["table_id"] == table["id"]
        assert ticket["guests"] == 3
        assert ticket["items"][0]["name"] == "Onion soup"
        assert ticket["items"][0]["quantity"] == 2
        assert ticket["items"][0]["notes"] == "no onions"

        bistro.call("POST", f"/api/v1/kitchen/tickets/{ticket['id']}/bump", 200)
        assert order["id"] not in {t["order_id"] for t in open_tickets(bistro)}
        assert eventually(lambda: screen.saw("ticket.bumped", order["id"]))

        assert eventually(lambda: other["id"] in {t["order_id"] for t in open_tickets(bistro)})
        bistro.call("POST", f"/api/v1/orders/{other['id']}/cancel", 200)
        assert eventually(lambda: other["id"] not in {t["order_id"] for t in open_tickets(bistro)})
        assert eventually(lambda: screen.saw("ticket.cancelled", other["id"]))


def test_tenant_a_kitchen_stream_never_carries_tenant_b_tickets(
    system: MakeRun, new_restaurant: Callable[..., Restaurant]
) -> None:
    a, b = new_restaurant("A"), new_restaurant("B")
    a_dish = a.add_product(name="A dish", price=500, tax_rate_bps=1000)
    b_dish = b.add_product(name="B dish", price=500, tax_rate_bps=1000)
    with kitchen_screen(system, a) as screen_a:
        b_order = placed_order(b, b_dish["id"])
        a_order = placed_order(a, a_dish["id"])
        assert eventually(lambda: screen_a.saw("ticket.created", a_order["id"]))
        assert eventually(lambda: b_order["id"] in {t["order_id"] for t in open_tickets(b)})
        assert not any(e["order_id"] == b_order["id"] for e in screen_a.events)
    assert b_order["id"] not in {t["order_id"] for t in open_tickets(a)}


def test_a_malformed_event_is_dead_lettered_and_the_next_order_still_gets_its_ticket(
    system: MakeRun, new_restaurant: Callable[..., Restaurant]
) -> None:
    bistro = new_restaurant("DLQ Bistro")
    dish = bistro.add_product(name="Stew", price=900, tax_rate_bps=1000)
    poison = Event.new(
        source="pos-core",
        type="order.placed",
        data={"order_id": "not-a-uuid", "items": "a plate of nonsense"},
        tenant_id=bistro.tenant_id,
        correlation_id=f"poison-{uuid.uuid4().hex[:8]}",
    )

    async def publish() -> None:
        connection = await nats.connect(system.nats_url)
        try:
            await connection.jetstream().publish(
                "pos.events.order.placed",
                poison.to_json().encode(),
                headers={"Nats-Msg-Id": poison.id},
            )
        finally:
            await connection.close()

    asyncio.run(publish())
    order = placed_order(bistro, dish["id"])
    assert eventually(lambda: order["id"] in {t["order_id"] for t in open_tickets(bistro)})

    def dead_lettered() -> bool:
        raw = asyncio.run(read_stream(system.nats_url, "pos.dlq.notification", stream="POS_DLQ"))
        return any(json.loads(m).get("id") == poison.id for m in raw)

    # The consumer retries a failing event with backoff before it gives up on it.
    assert eventually(dead_lettered, within=90, every=2)


def test_a_killed_notification_catches_up_every_ticket_exactly_once(
    system: MakeRun, new_restaurant: Callable[..., Restaurant]
) -> None:
    bistro = new_restaurant("Crash Bistro")
    dish = bistro.add_product(name="Burger", price=1650, tax_rate_bps=1000)
    notification = system.service_process("notification")
    os.kill(notification.pid, signal.SIGKILL)

    orders = [placed_order(bistro, dish["id"]) for _ in range(20)]

    def all_tickets() -> list[dict[str, Any]] | None:
        response = bistro.call("GET", "/api/v1/kitchen/tickets", params={"limit": 100})
        if response.status_code != 200:
            return None  # the service is still coming back
        tickets = open_tickets(bistro)
        return tickets if len(tickets) >= 20 else None

    tickets = eventually(all_tickets, within=60, every=1)
    assert tickets, "notification did not catch up"
    time.sleep(2)  # a duplicate, if any, would land right behind
    ordered = [t["order_id"] for t in open_tickets(bistro)]
    assert sorted(ordered) == sorted(o["id"] for o in orders)
    assert system.service_process("notification").pid != notification.pid


def test_low_stock_mails_the_owner_into_the_local_mail_sink(
    system: MakeRun, new_restaurant: Callable[..., Restaurant]
) -> None:
    bistro = new_restaurant("Mail Bistro")
    name = f"Truffle risotto {uuid.uuid4().hex[:6]}"
    risotto = bistro.add_product(stock=3, name=name, price=2400, tax_rate_bps=1000)
    bistro.call(
        "PUT",
        f"/api/v1/products/{risotto['id']}/stock",
        200,
        json={"on_hand": 3, "low_stock_threshold": 2},
    )
    placed_order(bistro, risotto["id"])  # two portions: one left, under the threshold

    def mail_for_owner() -> str | None:
        for path in (system.var_dir / "mail" / "new").glob("*"):
            text = path.read_text(errors="replace")
            if bistro.owner_email in text and name in text:
                return text
        return None

    mail = eventually(mail_for_owner, within=30, every=0.5)
    assert mail, "no low-stock e-mail reached the owner"
