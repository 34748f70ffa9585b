"""stock.low e-mails the restaurant's owner, whose address notification learnt from auth."""

from __future__ import annotations

import uuid

from pos_kit.events.testing import wait_until


def _owner_email() -> str:
    return f"owner-{uuid.uuid4().hex[:8]}@bistro.example"


async def test_stock_low_mails_the_owner_from_tenant_registered(
    restaurant, client, smtp_server
) -> None:
    owner = _owner_email()
    await restaurant.register(owner_email=owner)
    await restaurant.stock_low("Burrata", available=2, threshold=5)

    await wait_until(
        lambda: _arrived(smtp_server, owner), within=15, what="the e-mail at the SMTP server"
    )
    (mail,) = smtp_server.sink.to(owner)
    assert mail["To"] == owner
    assert "Burrata" in mail["Subject"]
    body = mail.get_payload(decode=True).decode()
    assert "Hello Olive Owner" in body
    assert "Chez Test" in body
    assert "2 left" in body

    async def recorded() -> bool:
        answer = await client.get("/api/v1/notifications", headers=restaurant.headers("owner"))
        items = answer.json()["items"]
        return len(items) == 1 and items[0]["status"] == "delivered"

    await wait_until(recorded, within=5, what="the e-mail recorded as delivered")
    answer = await client.get("/api/v1/notifications", headers=restaurant.headers("manager"))
    (email,) = answer.json()["items"]
    assert email["kind"] == "stock_low"
    assert email["recipient"] == owner
    assert email["attempts"] == 1


async def test_an_owner_registered_after_the_alert_still_gets_it(
    restaurant, another_restaurant, client, smtp_server
) -> None:
    await restaurant.stock_low("Espresso beans", available=0, threshold=3)
    owner = _owner_email()
    await restaurant.register(owner_email=owner)

    await wait_until(
        lambda: _arrived(smtp_server, owner), within=15, what="the e-mail at the SMTP server"
    )
    assert "Espresso beans" in smtp_server.sink.to(owner)[0]["Subject"]
    theirs = await client.get("/api/v1/notifications", headers=another_restaurant.headers("owner"))
    assert theirs.json()["items"] == []
    cook = await client.get("/api/v1/notifications", headers=restaurant.headers("kitchen"))
    assert cook.status_code == 403


async def _arrived(smtp_server, address: str) -> bool:
    return bool(smtp_server.sink.to(address))
