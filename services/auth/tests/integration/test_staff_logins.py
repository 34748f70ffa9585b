"""Owners and managers manage logins of their own restaurant only."""

from __future__ import annotations

import base64
import json

import pytest


async def test_an_owner_sees_only_their_own_restaurants_logins(client, staff) -> None:
    a = await staff.sign_up(restaurant_name="A")
    b = await staff.sign_up(restaurant_name="B")
    a_waiter = await staff.add_login(a, "waiter")

    listed = await client.get("/api/v1/auth/users", headers=staff.headers(b))
    assert listed.status_code == 200
    assert [u["id"] for u in listed.json()["items"]] == [b["user"]["id"]]

    foreign = await client.get(
        f"/api/v1/auth/users/{a_waiter['user']['id']}", headers=staff.headers(b)
    )
    missing = await client.get(
        "/api/v1/auth/users/00000000-0000-0000-0000-000000000000", headers=staff.headers(b)
    )
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json()["detail"] == missing.json()["detail"]

    deactivate = await client.post(
        f"/api/v1/auth/users/{a_waiter['user']['id']}/deactivate",
        headers=staff.headers(b),
    )
    assert deactivate.status_code == 404


async def test_a_cashier_cannot_create_or_list_logins(client, staff) -> None:
    owner = await staff.sign_up()
    cashier = await staff.add_login(owner, "cashier")
    create = await staff.create_login(staff.headers(cashier), "waiter", full_name="New Hire")
    assert create.status_code == 403
    assert create.headers["content-type"] == "application/problem+json"
    listing = await client.get("/api/v1/auth/users", headers=staff.headers(cashier))
    assert listing.status_code == 403


async def test_a_manager_hires_crew_but_not_managers(staff) -> None:
    owner = await staff.sign_up()
    manager = await staff.add_login(owner, "manager")
    await staff.add_login(manager, "kitchen")
    promote = await staff.create_login(staff.headers(manager), "manager", full_name="Would Be")
    assert promote.status_code == 403


async def test_deactivation_stops_sign_in_and_revokes_refresh_tokens(client, staff) -> None:
    owner = await staff.sign_up()
    waiter = await staff.add_login(owner, "waiter", password="waiter password 1")
    done = await client.post(
        f"/api/v1/auth/users/{waiter['user']['id']}/deactivate",
        headers=staff.headers(owner),
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
        await staff.add_login(owner, role)
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = await client.get("/api/v1/auth/users", params=params, headers=staff.headers(owner))
        assert page.status_code == 200
        seen += [u["id"] for u in page.json()["items"]]
        pages += 1
        cursor = page.json()["next_cursor"]
        if not cursor:
            break
    assert pages == 2
    assert len(seen) == len(set(seen)) == 4

    bad = await client.get(
        "/api/v1/auth/users", params={"cursor": "%%%"}, headers=staff.headers(owner)
    )
    assert bad.status_code == 400
    too_many = await client.get(
        "/api/v1/auth/users", params={"limit": 1000}, headers=staff.headers(owner)
    )
    assert too_many.status_code == 422


def _forged_cursor(*key: object) -> str:
    raw = json.dumps({"v": 1, "k": list(key)}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    "key",
    [
        ["2026-11-25T12:00:00", "00000000-0000-0000-0000-000000000001"],  # no time zone
        ["0001-01-01T00:00:00+01:00", "00000000-0000-0000-0000-000000000001"],
        ["9999-12-31T23:59:59-01:00", "00000000-0000-0000-0000-000000000001"],
        [2**63, "00000000-0000-0000-0000-000000000001"],
        [1e400, "00000000-0000-0000-0000-000000000001"],
        ["2026-11-25T12:00:00+00:00", "not-an-id\u0000"],
    ],
)
async def test_a_crafted_cursor_is_400(client, staff, key) -> None:
    owner = await staff.sign_up()
    response = await client.get(
        "/api/v1/auth/users", params={"cursor": _forged_cursor(*key)}, headers=staff.headers(owner)
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
