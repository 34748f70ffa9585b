"""A table's guest link: a new guest token from auth for each, only for the restaurant's tables."""

from __future__ import annotations

import uuid

from pos_kit.testing.net import free_port

GUEST_LINK = "/api/v1/tables/{}/guest-link"
PROBLEM = "application/problem+json"


async def test_a_waiter_hands_a_table_a_guest_link_with_a_new_guest_each_time(
    client, restaurant, standin_auth, settings
) -> None:
    table = await restaurant.table()

    first = await client.post(GUEST_LINK.format(table["id"]), headers=restaurant.headers("waiter"))
    second = await client.post(GUEST_LINK.format(table["id"]), headers=restaurant.headers("waiter"))

    assert first.status_code == 201, first.text
    assert first.headers["cache-control"] == "no-store"
    link = first.json()
    assert link["table_id"] == table["id"]
    assert link["expires_at"].startswith("2026-11-25T15:00:00")
    assert link["url"] == f"{settings.guest_link_base_url}#token={link['token']}"
    assert second.json()["token"] != link["token"]
    asked = [r for r in standin_auth.guest_token_requests if r["table_id"] == table["id"]]
    assert [r["tenant_id"] for r in asked] == [restaurant.tenant_id] * 2
    # One token of the restaurant's own, with the one scope it needs, served both links.
    scoped = [
        t
        for t in standin_auth.token_requests
        if t.get("tenant_id") == restaurant.tenant_id and t.get("scope") == "guests:issue"
    ]
    assert len(scoped) == 1


async def test_another_restaurants_table_is_404_and_auth_is_not_asked(
    client, restaurant_factory, standin_auth
) -> None:
    mine, theirs = restaurant_factory(), restaurant_factory()
    their_table = await theirs.table()
    before = len(standin_auth.guest_token_requests)

    for table_id in (their_table["id"], str(uuid.uuid4())):
        response = await client.post(GUEST_LINK.format(table_id), headers=mine.headers("waiter"))
        assert response.status_code == 404
        assert response.headers["content-type"] == PROBLEM
    assert len(standin_auth.guest_token_requests) == before


async def test_only_front_of_house_staff_make_guest_links(client, restaurant) -> None:
    table = await restaurant.table()
    guest = restaurant.guest_headers(table["id"])

    for headers in (restaurant.headers("kitchen"), guest):
        response = await client.post(GUEST_LINK.format(table["id"]), headers=headers)
        assert response.status_code == 403
    for role in ("owner", "manager", "cashier", "waiter"):
        response = await client.post(
            GUEST_LINK.format(table["id"]), headers=restaurant.headers(role)
        )
        assert response.status_code == 201, role
    assert (await client.post(GUEST_LINK.format(table["id"]))).status_code == 401


async def test_with_auth_away_a_guest_link_is_a_503_to_retry(kit, restaurant_factory) -> None:
    async with kit.other_client(auth_url=f"http://127.0.0.1:{free_port()}") as client:
        restaurant = restaurant_factory(client)
        table = await restaurant.table()

        response = await client.post(
            GUEST_LINK.format(table["id"]), headers=restaurant.headers("waiter")
        )

    assert response.status_code == 503
    assert response.headers["content-type"] == PROBLEM
    assert int(response.headers["retry-after"]) >= 1
    assert "guest link" in response.json()["detail"]


async def test_credentials_auth_refuses_are_a_503_for_the_operator(kit, restaurant_factory) -> None:
    async with kit.other_client(auth_client_secret="not-the-secret") as client:
        restaurant = restaurant_factory(client)
        table = await restaurant.table()

        response = await client.post(
            GUEST_LINK.format(table["id"]), headers=restaurant.headers("waiter")
        )

    assert response.status_code == 503
    assert response.headers["retry-after"] == "60"
    assert "guests:issue" in response.json()["detail"]
