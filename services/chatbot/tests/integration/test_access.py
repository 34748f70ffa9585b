"""Who sees a conversation: the guest who opened it at their table, or the staff member."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

CONVERSATIONS = "/api/v1/chat/conversations"


async def test_a_guest_reads_their_conversation_back(client: Any, restaurant: Any) -> None:
    restaurant.serves(restaurant.dish("Burrata", 1150))
    chat = await restaurant.chat()
    await chat.answer("How much is the burrata?")

    history = await chat.read()

    assert history.status_code == 200
    assert [(m["role"], m["text"]) for m in history.json()["messages"]] == [
        ("guest", "How much is the burrata?"),
        ("assistant", "Burrata costs €11.50."),
    ]
    assert [f["name"] for f in history.json()["messages"][1]["facts"]] == ["Burrata"]


async def test_another_table_link_or_restaurant_gets_404(
    client: Any, restaurant: Any, another_restaurant: Any
) -> None:
    table_id = str(uuid.uuid4())
    chat = await restaurant.chat(restaurant.guest(table_id))
    path = chat.path
    outsiders = {
        "another table": restaurant.guest(),
        "the next guests at the table": restaurant.guest(table_id),
        "another restaurant's guest": another_restaurant.guest(table_id),
        "staff": restaurant.headers("manager"),
        "another restaurant's staff": another_restaurant.headers("owner"),
    }

    for who, headers in outsiders.items():
        read = await client.get(path, headers=headers)
        asked = await client.post(f"{path}/messages", json={"text": "hi"}, headers=headers)
        drafted = await client.post(f"{path}/draft/submit", headers=headers)
        deleted = await client.delete(path, headers=headers)
        statuses = (read.status_code, asked.status_code, drafted.status_code, deleted.status_code)
        assert statuses == (404, 404, 404, 404), who
    assert (await chat.read()).status_code == 200


async def test_a_guest_deletes_their_conversation(client: Any, restaurant: Any) -> None:
    chat = await restaurant.chat()

    deleted = await client.delete(chat.path, headers=chat.headers)
    read = await chat.read()

    assert (deleted.status_code, read.status_code) == (204, 404)


async def test_personal_data_is_redacted_before_it_is_kept(client: Any, restaurant: Any) -> None:
    chat = await restaurant.chat()

    await chat.answer(
        "Mail jo.doe@example.com or call +33 6 12 34 56 78; card 4111 1111 1111 1111."
    )
    history = await chat.read()

    assert history.json()["messages"][0]["text"] == (
        "Mail [email] or call [phone]; card [card number]."
    )


async def test_staff_use_the_assistant_with_their_own_token(client: Any, restaurant: Any) -> None:
    restaurant.serves(restaurant.dish("Fries", 450))
    chat = await restaurant.chat(restaurant.headers("kitchen"))

    reply = await chat.answer("How much are the fries?")
    drafted = await client.post(
        f"{chat.path}/draft/lines", json={"product_id": str(uuid.uuid4())}, headers=chat.headers
    )

    assert reply["reply"] == "Fries costs €4.50."
    assert drafted.status_code == 409
    assert "guests at a table" in drafted.json()["detail"]


async def test_tokens_that_are_neither_a_guest_at_a_table_nor_staff_are_refused(
    client: Any, restaurant: Any, tokens: Any
) -> None:
    tableless = {
        "Authorization": f"Bearer {tokens.staff(tenant_id=restaurant.tenant_id, role='guest')}"
    }
    service = restaurant.service_headers("reports", "orders:read")

    assert (await client.post(CONVERSATIONS, headers=tableless)).status_code == 401
    assert (await client.post(CONVERSATIONS, headers=service)).status_code == 403
    assert (await client.post(CONVERSATIONS)).status_code == 401


async def test_owners_and_managers_set_how_long_conversations_are_kept(
    client: Any, restaurant: Any
) -> None:
    default = await client.get("/api/v1/chat/retention", headers=restaurant.headers("waiter"))
    refused = await client.put(
        "/api/v1/chat/retention", json={"retention_days": 7}, headers=restaurant.headers("waiter")
    )
    changed = await client.put(
        "/api/v1/chat/retention", json={"retention_days": 7}, headers=restaurant.headers("manager")
    )
    guest = restaurant.guest()
    conversation = await client.post(CONVERSATIONS, headers=guest)
    guest_reads = await client.get("/api/v1/chat/retention", headers=guest)
    guest_sets = await client.put(
        "/api/v1/chat/retention", json={"retention_days": 365}, headers=guest
    )

    assert default.json() == {"retention_days": 30}
    assert (guest_reads.status_code, guest_sets.status_code) == (403, 403)
    assert refused.status_code == 403
    assert changed.json() == {"retention_days": 7}
    opened = conversation.json()
    kept_for = datetime.fromisoformat(opened["expires_at"]) - datetime.fromisoformat(
        opened["created_at"]
    )
    assert kept_for == timedelta(days=7)
