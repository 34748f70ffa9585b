"""Owners and managers manage logins of their own restaurant only."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_an_owner_sees_only_their_own_restaurants_logins(client, staff) -> None:
    a = await staff.sign_up(restaurant_name="A")
    b = await staff.sign_up(restaurant_name="B")
    a_waiter = await staff.add_login(a["access_token"], "waiter")

    listed = await client.get("/api/v1/auth/users", headers=auth(b["access_token"]))
    assert listed.status_code == 200
    assert [u["id"] for u in listed.json()["items"]] == [b["user"]["id"]]

    foreign = await client.get(
        f"/api/v1/auth/users/{a_waiter['user']['id']}", headers=auth(b["access_token"])
    )
    missing = await client.get(
        "/api/v1/auth/users/00000000-0000-0000-0000-000000000000", headers=auth(b["access_token"])
    )
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json()["detail"] == missing.json()["detail"]

    deactivate = await client.post(
        f"/api/v1/auth/users/{a_waiter['user']['id']}/deactivate",
        headers=auth(b["access_token"]),
    )
    assert deactivate.status_code == 404


async def test_a_cashier_cannot_create_or_list_logins(client, staff) -> None:
    owner = await staff.sign_up()
    cashier = await staff.add_login(owner["access_token"], "cashier")
    create = await client.post(
        "/api/v1/auth/users",
        json={
            "email": staff.email("new"),
            "full_name": "New Hire",
            "role": "waiter",
            "password": "a staff password",
        },
        headers=auth(cashier["access_token"]),
    )
    assert create.status_code == 403
    assert create.headers["content-type"] == "application/problem+json"
    listing = await client.get("/api/v1/auth/users", headers=auth(cashier["access_token"]))
    assert listing.status_code == 403


async def test_a_manager_hires_crew_but_not_managers(client, staff) -> None:
    owner = await staff.sign_up()
    manager = await staff.add_login(owner["access_token"], "manager")
    await staff.add_login(manager["access_token"], "kitchen")
    promote = await client.post(
        "/api/v1/auth/users",
        json={
            "email": staff.email("boss"),
            "full_name": "Would Be",
            "role": "manager",
            "password": "a staff password",
        },
        headers=auth(manager["access_token"]),
    )
    assert promote.status_code == 403


async def test_deactivation_stops_sign_in_and_revokes_refresh_tokens(client, staff) -> None:
    owner = await staff.sign_up()
    waiter = await staff.add_login(owner["access_token"], "waiter", password="waiter password 1")
    done = await client.post(
        f"/api/v1/auth/users/{waiter['user']['id']}/deactivate",
        headers=auth(owner["access_token"]),
    )
    assert done.status_code == 200
    assert done.json()["is_active"] is False

    login = await client.post(
        "/api/v1/auth/login",
        json={"email": waiter["user"]["email"], "password": "waiter password 1"},
    )
    assert login.status_code == 401
    refresh = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": waiter["refresh_token"]}
    )
    assert refresh.status_code == 401


async def test_users_are_listed_in_pages(client, staff) -> None:
    owner = await staff.sign_up()
    for role in ("waiter", "cashier", "kitchen"):
        await staff.add_login(owner["access_token"], role)
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = await client.get(
            "/api/v1/auth/users", params=params, headers=auth(owner["access_token"])
        )
        assert page.status_code == 200
        seen += [u["id"] for u in page.json()["items"]]
        pages += 1
        cursor = page.json()["next_cursor"]
        if not cursor:
            break
    assert pages == 2
    assert len(seen) == len(set(seen)) == 4

    bad = await client.get(
        "/api/v1/auth/users", params={"cursor": "%%%"}, headers=auth(owner["access_token"])
    )
    assert bad.status_code == 400
    too_many = await client.get(
        "/api/v1/auth/users", params={"limit": 1000}, headers=auth(owner["access_token"])
    )
    assert too_many.status_code == 422
