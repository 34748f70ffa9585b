"""Kitchen tickets from order events: listed oldest first, bumped once, cancelled, never doubled."""

from __future__ import annotations

import uuid

from pos_kit.events.testing import wait_until


async def test_a_placed_order_becomes_a_ticket_on_the_list_and_the_stream(
    restaurant, screen, open_stream
) -> None:
    async with open_stream(headers=restaurant.headers()) as stream:
        placed = await restaurant.place_order()
        pushed = await stream.next_for(placed["order_id"])

    ticket = await screen.ticket_for(restaurant, placed["order_id"])
    assert ticket["status"] == "open"
    assert ticket["order_type"] == "dine_in"
    assert ticket["table_id"] == placed["table_id"]
    assert ticket["guests"] == 3
    assert ticket["placed_by"] == placed["placed_by"]
    assert ticket["age_seconds"] >= 0
    pizza, dessert = ticket["items"]
    assert pizza["name"] == "Margherita"
    assert pizza["quantity"] == 2
    assert pizza["notes"] == "well done"
    assert pizza["modifiers"] == ["extra basil", "no olives"]
    assert dessert == {
        "product_id": placed["items"][1]["product_id"],
        "name": "Tiramisu",
        "quantity": 1,
        "notes": None,
        "modifiers": [],
    }
    assert pushed.event == "ticket.created"
    assert int(pushed.id) >= 1
    assert pushed.data["id"] == ticket["id"]
    assert pushed.data["items"] == ticket["items"]


async def test_open_tickets_are_listed_oldest_first_page_by_page(
    restaurant, screen, client
) -> None:
    orders = []
    for minutes_ago in (5, 30, 15):
        placed_at = f"2026-01-01T12:{60 - minutes_ago:02d}:00+00:00"
        orders.append(await restaurant.place_order(placed_at=placed_at))
    for order in orders:
        await screen.ticket_for(restaurant, order["order_id"])

    first = await client.get(
        "/api/v1/kitchen/tickets", params={"limit": 2}, headers=restaurant.headers()
    )
    assert first.status_code == 200
    page = first.json()
    rest = await client.get(
        "/api/v1/kitchen/tickets",
        params={"limit": 2, "cursor": page["next_cursor"]},
        headers=restaurant.headers(),
    )
    listed = [t["order_id"] for t in page["items"] + rest.json()["items"]]
    assert listed == [orders[1]["order_id"], orders[2]["order_id"], orders[0]["order_id"]]
    assert rest.json()["next_cursor"] is None
    assert page["items"][0]["age_seconds"] > page["items"][1]["age_seconds"]
    assert page["last_event_id"] >= 3


async def test_bumping_takes_the_ticket_off_and_announces_it_once(
    restaurant, screen, client, bus
) -> None:
    ticket = await screen.new_ticket(restaurant)
    cook = restaurant.headers("kitchen")

    bumped = await client.post(f"/api/v1/kitchen/tickets/{ticket['id']}/bump", headers=cook)
    assert bumped.status_code == 200, bumped.text
    assert bumped.json()["status"] == "bumped"
    assert bumped.json()["bumped_at"]
    assert ticket["order_id"] not in [t["order_id"] for t in await screen.open_tickets(restaurant)]

    again = await client.post(f"/api/v1/kitchen/tickets/{ticket['id']}/bump", headers=cook)
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"
    assert again.json()["status"] == 409
    assert again.json()["current_status"] == "bumped"

    async def announced() -> list[dict]:
        bumps = await bus.events("ticket.bumped")
        return [e for e in bumps if e["data"]["ticket_id"] == ticket["id"]]

    async def went_out() -> bool:
        return bool(await announced())

    await wait_until(went_out, within=10, what="ticket.bumped on the stream")
    (event,) = await announced()
    assert event["source"] == "notification"
    assert event["tenantid"] == restaurant.tenant_id
    assert event["data"]["order_id"] == ticket["order_id"]
    assert event["data"]["bumped_at"]
    assert event["data"]["bumped_by"]


async def test_a_bump_reaches_a_connected_screen(restaurant, screen, client, open_stream) -> None:
    ticket = await screen.new_ticket(restaurant)
    async with open_stream(headers=restaurant.headers()) as stream:
        await client.post(
            f"/api/v1/kitchen/tickets/{ticket['id']}/bump", headers=restaurant.headers()
        )
        pushed = await stream.next_for(ticket["order_id"])
    assert pushed.event == "ticket.bumped"
    assert pushed.data["status"] == "bumped"


async def test_a_cancelled_order_leaves_the_screen(restaurant, screen, open_stream) -> None:
    placed = await restaurant.place_order()
    await screen.ticket_for(restaurant, placed["order_id"])
    async with open_stream(headers=restaurant.headers()) as stream:
        await restaurant.cancel_order(placed["order_id"])
        pushed = await stream.next_for(placed["order_id"])
    assert pushed.event == "ticket.cancelled"
    assert pushed.data["status"] == "cancelled"
    assert placed["order_id"] not in [t["order_id"] for t in await screen.open_tickets(restaurant)]


async def test_an_order_cancelled_before_it_was_placed_never_reaches_the_screen(
    restaurant, screen, handled
) -> None:
    order_id = str(uuid.uuid4())
    cancelled = await restaurant.cancel_order(order_id)
    # The cancellation is handled first: its inbox row has committed.
    await handled(cancelled.id)
    late = await restaurant.place_order(order_id=order_id)
    marker = await restaurant.place_order()  # handled after the late one
    await screen.ticket_for(restaurant, marker["order_id"])
    assert late["order_id"] not in [t["order_id"] for t in await screen.open_tickets(restaurant)]


async def test_a_duplicated_event_makes_one_ticket(restaurant, screen, bus, handled) -> None:
    placed = await bus.publish(restaurant.order_placed())
    # The same event again after the stream's duplicate window (another Nats-Msg-Id),
    # and the same order announced by a second event: still one ticket.
    await bus.publish(placed, msg_id=str(uuid.uuid4()))
    announced_again = await bus.publish(restaurant.event("order.placed", dict(placed.data)))

    # The second announcement is handled (not dead-lettered): its inbox row commits.
    await handled(announced_again.id)
    await screen.ticket_for(restaurant, placed.data["order_id"])
    same = [
        t for t in await screen.open_tickets(restaurant) if t["order_id"] == placed.data["order_id"]
    ]
    assert len(same) == 1


async def test_another_restaurants_ticket_is_not_found(
    restaurant, another_restaurant, screen, client
) -> None:
    ticket = await screen.new_ticket(restaurant)
    theirs = another_restaurant.headers("owner")

    assert (
        await client.get(f"/api/v1/kitchen/tickets/{ticket['id']}", headers=theirs)
    ).status_code == 404
    bump = await client.post(f"/api/v1/kitchen/tickets/{ticket['id']}/bump", headers=theirs)
    assert bump.status_code == 404
    assert bump.headers["content-type"] == "application/problem+json"
    assert await screen.open_tickets(another_restaurant) == []
    assert (await screen.ticket_for(restaurant, ticket["order_id"]))["status"] == "open"


async def test_tickets_need_a_staff_token(client, tokens) -> None:
    assert (await client.get("/api/v1/kitchen/tickets")).status_code == 401
    service = {"Authorization": f"Bearer {tokens.service('pos-core', ['orders'])}"}
    assert (await client.get("/api/v1/kitchen/tickets", headers=service)).status_code == 403


async def test_bad_list_parameters_are_4xx_problems(restaurant, client) -> None:
    too_many = await client.get(
        "/api/v1/kitchen/tickets", params={"limit": 101}, headers=restaurant.headers()
    )
    assert too_many.status_code == 422
    assert too_many.headers["content-type"] == "application/problem+json"
    forged = await client.get(
        "/api/v1/kitchen/tickets", params={"cursor": "not-ours"}, headers=restaurant.headers()
    )
    assert forged.status_code == 400
    not_an_id = await client.post("/api/v1/kitchen/tickets/42/bump", headers=restaurant.headers())
    assert not_an_id.status_code == 422
