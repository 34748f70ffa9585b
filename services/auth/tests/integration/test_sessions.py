"""Sign-up, sign-in, refresh rotation with reuse detection, sign-out, me."""

from __future__ import annotations

import httpx


async def test_sign_up_mints_a_tenant_and_an_owner_who_can_sign_in(client, staff) -> None:
    owner = await staff.sign_up(restaurant_name="Trattoria Uno")
    assert owner["user"]["role"] == "owner"
    assert owner["token_type"] == "Bearer"
    assert owner["tenant_id"] == owner["user"]["tenant_id"]

    login = await client.post(
        "/api/v1/auth/login",
        json={"email": owner["user"]["email"].upper(), "password": owner["password"]},
    )
    assert login.status_code == 200
    me = await client.get("/api/v1/auth/me", headers=staff.headers(login.json()))
    assert me.status_code == 200
    assert me.json()["id"] == owner["user"]["id"]


async def test_unknown_email_and_wrong_password_answer_alike(client, staff) -> None:
    owner = await staff.sign_up()
    wrong_password = await client.post(
        "/api/v1/auth/login",
        json={"email": owner["user"]["email"], "password": "not the password"},
    )
    unknown = await client.post(
        "/api/v1/auth/login", json={"email": staff.email("ghost"), "password": "whatever"}
    )
    assert wrong_password.status_code == unknown.status_code == 401
    strip = lambda r: {k: v for k, v in r.json().items() if k != "correlation_id"}  # noqa: E731
    assert strip(wrong_password) == strip(unknown)
    assert wrong_password.headers["content-type"] == "application/problem+json"


async def test_refresh_rotates_and_a_replayed_token_revokes_the_family(client, staff) -> None:
    owner = await staff.sign_up()
    first = owner["refresh_token"]

    rotated = await client.post("/api/v1/auth/refresh", json={"refresh_token": first})
    assert rotated.status_code == 200
    second = rotated.json()["refresh_token"]
    assert second != first

    replay = await client.post("/api/v1/auth/refresh", json={"refresh_token": first})
    assert replay.status_code == 401
    assert "revoked" in replay.json()["detail"]

    # The thief's replay burnt the family: the legitimate newer token is dead too.
    after = await client.post("/api/v1/auth/refresh", json={"refresh_token": second})
    assert after.status_code == 401


async def test_other_sessions_survive_a_replay_in_one_family(client, staff) -> None:
    owner = await staff.sign_up()
    other_device = await client.post(
        "/api/v1/auth/login",
        json={"email": owner["user"]["email"], "password": owner["password"]},
    )
    first = owner["refresh_token"]
    await client.post("/api/v1/auth/refresh", json={"refresh_token": first})
    await client.post("/api/v1/auth/refresh", json={"refresh_token": first})

    still_fine = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": other_device.json()["refresh_token"]}
    )
    assert still_fine.status_code == 200


async def test_logout_ends_the_session(client: httpx.AsyncClient, staff) -> None:
    owner = await staff.sign_up()
    out = await client.post("/api/v1/auth/logout", json={"refresh_token": owner["refresh_token"]})
    assert out.status_code == 204
    again = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": owner["refresh_token"]}
    )
    assert again.status_code == 401


async def test_me_needs_a_token(client) -> None:
    response = await client.get("/api/v1/auth/me")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
