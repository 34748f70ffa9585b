"""Draft orders: a guest builds one at their table, submits it, staff accept it into pos-core."""

from __future__ import annotations

import uuid
from typing import Any

DRAFTS = "/api/v1/chat/drafts"


class Table:
    """A guest at a table of a restaurant, in a conversation of theirs, and their draft."""

    def __init__(self, chat: Any, table_id: str) -> None:
        self.chat = chat
        self.table_id = table_id
        self.headers: dict[str, str] = chat.headers

    @classmethod
    async def sit_down(cls, restaurant: Any) -> Table:
        table_id = str(uuid.uuid4())
        return cls(await restaurant.chat(restaurant.guest(table_id)), table_id)

    async def add(self, item: dict[str, Any], expect: int = 201, **line: Any) -> Any:
        return await self._post("lines", expect, json={"product_id": item["id"], **line})

    async def submit(self, expect: int = 200) -> Any:
        return await self._post("submit", expect)

    async def _post(self, action: str, expect: int, **body: Any) -> Any:
        response = await self.chat.client.post(
            f"{self.chat.path}/draft/{action}", headers=self.headers, **body
        )
        assert response.status_code == expect, response.text
        return response.json()


async def fries_sent_to_staff(restaurant: Any) -> tuple[Table, dict[str, Any]]:
    """A table whose draft, one portion of fries, waits for staff; and that draft."""
    table = await Table.sit_down(restaurant)
    draft = await table.add(menu(restaurant)["Fries"])
    await table.submit()
    return table, draft


async def accept(client: Any, draft: dict[str, Any], headers: dict[str, str]) -> Any:
    return await client.post(f"{DRAFTS}/{draft['id']}/accept", headers=headers)


def option(item: dict[str, Any], name: str) -> str:
    for group in item["modifier_groups"]:
        for choice in group["options"]:
            if choice["name"] == name:
                return str(choice["id"])
    raise AssertionError(f"{item['name']} has no option {name}")


def menu(restaurant: Any) -> dict[str, dict[str, Any]]:
    served = restaurant.serves(
        restaurant.dish(
            "Bistro burger",
            1650,
            modifier_groups=[
                restaurant.choice_group("Cooking", ("Rare", 0), ("Well done", 0), least=1),
                restaurant.choice_group("Extras", ("Bacon", 180), ("Cheese", 120), most=2),
            ],
        ),
        restaurant.dish("Fries", 450),
        restaurant.dish("Espresso", 280),
        restaurant.dish("Sea bass", 2250, available=False),
    )
    return {item["name"]: item for item in served}


async def test_a_guests_three_line_draft_becomes_the_order_staff_accept(
    client: Any, restaurant: Any, standin_pos_core: Any
) -> None:
    dishes = menu(restaurant)
    burger, fries, espresso = dishes["Bistro burger"], dishes["Fries"], dishes["Espresso"]
    table = await Table.sit_down(restaurant)

    await table.add(burger, modifiers=[option(burger, "Rare"), option(burger, "Bacon")])
    await table.add(fries, quantity=2)
    draft = await table.add(espresso, notes="after the meal")
    submitted = await table.submit()
    waiter = restaurant.headers("waiter", user_id=(waiter_id := str(uuid.uuid4())))
    waiting = await client.get(DRAFTS, params={"status": "submitted"}, headers=waiter)
    accepted = await accept(client, draft, waiter)

    assert [line["line_total"] for line in draft["lines"]] == [1830, 900, 280]
    assert draft["total"] == 3010
    assert submitted["status"] == "submitted"
    assert [d["id"] for d in waiting.json()["items"]] == [draft["id"]]
    assert waiting.json()["items"][0]["table_id"] == table.table_id
    assert accepted.status_code == 200, accepted.text
    (order,) = standin_pos_core.orders_for(table.table_id)
    assert order.body == {
        "type": "dine_in",
        "table_id": table.table_id,
        "items": [
            {
                "product_id": burger["id"],
                "quantity": 1,
                "notes": None,
                "modifiers": [option(burger, "Rare"), option(burger, "Bacon")],
            },
            {"product_id": fries["id"], "quantity": 2, "notes": None, "modifiers": []},
            {
                "product_id": espresso["id"],
                "quantity": 1,
                "notes": "after the meal",
                "modifiers": [],
            },
        ],
    }
    assert order.idempotency_key == f"chat-draft-{draft['id']}"
    assert order.subject == waiter_id  # made with the waiter's own token
    assert accepted.json()["status"] == "accepted"
    assert accepted.json()["order_id"] is not None


async def test_accepting_again_or_after_a_lost_answer_gives_the_same_order(
    client: Any, restaurant: Any, standin_pos_core: Any
) -> None:
    table, draft = await fries_sent_to_staff(restaurant)
    standin_pos_core.failures_to_come = 1  # the first try is lost: the client tries again

    first = await accept(client, draft, restaurant.headers("cashier"))
    again = await accept(client, draft, restaurant.headers("manager"))

    assert first.status_code == again.status_code == 200
    assert first.json()["order_id"] == again.json()["order_id"]
    received = standin_pos_core.orders_for(table.table_id)
    assert len(received) == 2
    assert {order.idempotency_key for order in received} == {f"chat-draft-{draft['id']}"}


async def test_lines_are_checked_against_the_menu(restaurant: Any) -> None:
    dishes = menu(restaurant)
    burger = dishes["Bistro burger"]
    table = await Table.sit_down(restaurant)

    no_cooking = await table.add(burger, expect=422)
    too_many = await table.add(
        burger, expect=422, modifiers=[option(burger, n) for n in ("Rare", "Well done")]
    )
    sold_out = await table.add(dishes["Sea bass"], expect=409)
    unknown = await table.add({"id": str(uuid.uuid4())}, expect=422)
    foreign = await table.add(
        burger, expect=422, modifiers=[option(burger, "Rare"), str(uuid.uuid4())]
    )

    assert "at least 1 of Cooking" in no_cooking["detail"]
    assert "at most 1 of Cooking" in too_many["detail"]
    assert "sold out" in sold_out["detail"]
    assert "not on the menu" in unknown["detail"]
    assert "has no choice" in foreign["detail"]


async def test_a_submitted_draft_no_longer_changes_and_an_empty_one_cannot_be_sent(
    restaurant: Any,
) -> None:
    dishes = menu(restaurant)
    table = await Table.sit_down(restaurant)
    empty = await table.submit(expect=422)
    await table.add(dishes["Fries"])
    await table.submit()

    locked = await table.add(dishes["Espresso"], expect=409)

    assert "at least one line" in empty["detail"]
    assert "with staff" in locked["detail"]


async def test_a_guest_removes_a_line(client: Any, restaurant: Any) -> None:
    dishes = menu(restaurant)
    table = await Table.sit_down(restaurant)
    await table.add(dishes["Fries"])
    draft = await table.add(dishes["Espresso"])

    response = await client.delete(
        f"{table.chat.path}/draft/lines/{draft['lines'][0]['id']}", headers=table.headers
    )

    assert response.status_code == 200, response.text
    assert [line["name"] for line in response.json()["lines"]] == ["Espresso"]


async def test_only_staff_who_take_orders_see_and_accept_drafts(
    client: Any, restaurant: Any, standin_pos_core: Any
) -> None:
    table, draft = await fries_sent_to_staff(restaurant)

    by_kitchen = await accept(client, draft, restaurant.headers("kitchen"))
    by_guest = await accept(client, draft, table.headers)
    listed_by_guest = await client.get(DRAFTS, headers=table.headers)

    assert by_kitchen.status_code == by_guest.status_code == listed_by_guest.status_code == 403
    assert standin_pos_core.orders_for(table.table_id) == []


async def test_staff_of_another_restaurant_cannot_accept_a_draft(
    client: Any, restaurant: Any, another_restaurant: Any, standin_pos_core: Any
) -> None:
    table, draft = await fries_sent_to_staff(restaurant)

    response = await accept(client, draft, another_restaurant.headers("waiter"))
    listed = await client.get(DRAFTS, headers=another_restaurant.headers("waiter"))

    assert response.status_code == 404
    assert listed.json()["items"] == []
    assert standin_pos_core.orders_for(table.table_id) == []
