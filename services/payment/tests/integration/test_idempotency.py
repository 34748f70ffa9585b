"""Idempotency-Key: one payment per key, however often or however concurrently it is sent."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import text

from pos_kit.clock import utcnow
from pos_payment.domain.idempotency import fingerprint
from pos_payment.use_cases.background import IdempotencyKeyPurge


async def test_fifty_concurrent_posts_with_one_key_make_one_payment_and_one_charge(
    restaurant, simulator, database
) -> None:
    order = restaurant.order(4200)
    key = str(uuid.uuid4())

    answers = await asyncio.gather(*(restaurant.pay(order, 4200, key=key) for _ in range(50)))

    statuses = sorted(a.status_code for a in answers)
    assert set(statuses) <= {201, 409}, statuses
    created = [a for a in answers if a.status_code == 201]
    first = [a for a in created if "idempotent-replayed" not in a.headers]
    assert len(first) == 1
    payment_id = first[0].json()["id"]
    assert {a.json()["id"] for a in created} == {payment_id}
    assert all(a.json() == first[0].json() for a in created)
    for busy in (a for a in answers if a.status_code == 409):
        assert busy.json()["type"].endswith("/idempotency-key-in-flight")
        assert int(busy.headers["retry-after"]) >= 1
    assert await simulator.charges_of(payment_id) == 1
    bill = await restaurant.bill(order)
    assert [p["id"] for p in bill["items"]] == [payment_id]
    async with database.unit_of_work() as uow:
        entries = await uow.session.scalar(
            text("SELECT count(*) FROM ledger_entries WHERE payment_id = :p"),
            {"p": uuid.UUID(payment_id)},
        )
    assert entries == 1


async def test_a_retry_gets_the_first_answer_replayed(restaurant) -> None:
    order = restaurant.order(3000)
    key = str(uuid.uuid4())

    first = await restaurant.pay(order, 1000, key=key)
    retry = await restaurant.pay(order, 1000, key=key)

    assert first.status_code == retry.status_code == 201
    assert retry.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert retry.json() == first.json()
    assert retry.headers["location"] == f"/api/v1/payments/{first.json()['id']}"
    assert (await restaurant.bill(order))["balance"] == 2000


async def test_the_same_key_with_another_body_is_refused(restaurant) -> None:
    order = restaurant.order(3000)
    key = str(uuid.uuid4())
    await restaurant.paid(order, 1000, key=key)

    other = await restaurant.pay(order, 1500, key=key)

    assert other.status_code == 422
    assert other.json()["type"].endswith("/idempotency-key-reused")
    assert (await restaurant.bill(order))["balance"] == 2000


async def test_keys_belong_to_their_restaurant(restaurant, another_restaurant) -> None:
    key = str(uuid.uuid4())
    mine = restaurant.order(1000)
    theirs = another_restaurant.order(1000)

    first = await restaurant.pay(mine, 1000, key=key)
    second = await another_restaurant.pay(theirs, 1000, key=key)

    assert first.status_code == second.status_code == 201
    assert first.json()["id"] != second.json()["id"]


async def test_a_payment_without_an_idempotency_key_is_refused(restaurant) -> None:
    order = restaurant.order(1000)

    response = await restaurant.client.post(
        "/api/v1/payments",
        json={"order_id": order["id"], "amount": 1000, "method": "external"},
        headers=restaurant.cashier(),
    )

    assert response.status_code == 400
    assert response.json()["type"].endswith("/idempotency-key-missing")
    assert (await restaurant.bill(order))["items"] == []


async def test_a_refused_request_frees_its_key_for_when_the_rule_allows_it(restaurant) -> None:
    order = restaurant.order(1000)
    key = str(uuid.uuid4())

    no_drawer = await restaurant.pay(order, 1000, "cash", key=key)
    await restaurant.open_drawer("freed-key")
    once_open = await restaurant.pay(order, 1000, "cash", key=key)

    assert no_drawer.status_code == 409
    assert no_drawer.json()["type"].endswith("/no-open-drawer")
    assert once_open.status_code == 201
    assert "idempotent-replayed" not in once_open.headers


async def claim_left_behind(
    database, restaurant, key: str, body: dict[str, Any], *, lease_left: timedelta
) -> None:
    """A claim as a request that died mid-way leaves it: in flight, its lease running out."""
    async with database.unit_of_work() as uow:
        await uow.session.execute(
            text(
                "INSERT INTO idempotency_keys (tenant_id, key, fingerprint, state, lease_token,"
                " lease_expires_at, created_at) VALUES (:t, :k, :f, 'in_flight', :l, :e, :c)"
            ),
            {
                "t": uuid.UUID(restaurant.tenant_id),
                "k": key,
                "f": fingerprint("POST", "/api/v1/payments", body),
                "l": uuid.uuid4(),
                "e": utcnow() + lease_left,
                "c": utcnow(),
            },
        )


def request_json(order: dict[str, Any], amount: int) -> dict[str, Any]:
    """The body as the service reads it (PaymentRequest.as_json) for the fingerprint."""
    return {
        "order_id": order["id"], "amount": amount, "method": "external", "tip": 0,
        "tendered": None, "payment_method": None, "lines": [], "drawer": None,
    }  # fmt: skip


async def test_a_claim_whose_request_died_is_taken_over_once_its_lease_ran_out(
    restaurant, database
) -> None:
    order = restaurant.order(2000)
    alive, dead = str(uuid.uuid4()), str(uuid.uuid4())
    await claim_left_behind(
        database, restaurant, alive, request_json(order, 1000), lease_left=timedelta(seconds=60)
    )
    await claim_left_behind(
        database, restaurant, dead, request_json(order, 1000), lease_left=-timedelta(seconds=1)
    )

    waiting = await restaurant.pay(order, 1000, "external", key=alive)
    taken_over = await restaurant.pay(order, 1000, "external", key=dead)

    assert waiting.status_code == 409
    assert taken_over.status_code == 201, taken_over.text
    assert (await restaurant.bill(order))["balance"] == 1000


async def test_keys_past_their_retention_are_purged(restaurant, database) -> None:
    order = restaurant.order(2000)
    old, fresh = str(uuid.uuid4()), str(uuid.uuid4())
    await restaurant.paid(order, 1000, "external", key=old)
    await restaurant.paid(order, 1000, "external", key=fresh)
    async with database.unit_of_work() as uow:
        await uow.session.execute(
            text("UPDATE idempotency_keys SET created_at = :c WHERE key = :k"),
            {"c": utcnow() - timedelta(hours=49), "k": old},
        )

    await IdempotencyKeyPurge(database, retention=timedelta(hours=48), interval=1).run_once()

    async with database.unit_of_work() as uow:
        kept = await uow.session.scalars(
            text("SELECT key FROM idempotency_keys WHERE key IN (:a, :b)"), {"a": old, "b": fresh}
        )
        assert list(kept) == [fresh]
